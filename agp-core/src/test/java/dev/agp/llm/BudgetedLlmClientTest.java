package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.agp.testing.LlmClientContractTest;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BudgetedLlmClientTest extends LlmClientContractTest {

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return new BudgetedLlmClient(
        Backends.answering(answer), LlmBudget.ofTokens(10_000_000), "gpt-4o", PriceTable.defaults(), 100, COUNTER);
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return new BudgetedLlmClient(
        Backends.failing(retriable), LlmBudget.ofTokens(10_000_000), "gpt-4o", PriceTable.defaults(), 100, COUNTER);
  }

  /** Counts a third of a token per character and 4 a message (a simple counter for exact figures). */
  private static final TokenCounter COUNTER =
      messages -> messages.stream().mapToLong(m -> (m.text().length() + 2) / 3 + 4).sum();

  /** Estimate 14 input (30 chars / 3 + 4) + 250 output = 264 tokens. */
  private static LlmRequest sized() {
    return new LlmRequest(List.of(LlmMessage.user("x".repeat(30))), Stage.PROFILE, 0, OptionalInt.of(250), false);
  }

  private static LlmClient charging(long in, long out, String model) {
    return r -> new LlmResponse("ok", new TokenUsage(in, out), model, 1, false);
  }

  @Test
  void complete_withinTheTokenBudget_chargesTheReportedUsage() {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    LlmClient c = new BudgetedLlmClient(charging(20, 30, "gpt-4o"), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);

    c.complete(sized());

    assertThat(budget.spentTokens()).isEqualTo(50);
    assertThat(budget.spentCost()).isEqualByComparingTo("0.00035"); // 20 * 2.5e-6 + 30 * 1e-5
  }

  @Test
  void complete_callThatCouldExceedTheTokenBudget_isRefusedBeforeItIsMade() {
    LlmBudget budget = LlmBudget.ofTokens(300);
    int[] calls = {0};
    LlmClient backend = r -> {
      calls[0]++;
      return LlmResponse.of("ok", new TokenUsage(40, 10));
    };
    LlmClient c = new BudgetedLlmClient(backend, budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);
    c.complete(sized()); // 50 spent; 50 + 264 > 300 for the next

    LlmBudgetExceededException e =
        catchThrowableOfType(LlmBudgetExceededException.class, () -> c.complete(sized()));

    assertThat(calls[0]).isEqualTo(1);
    assertThat(e.stage()).contains(Stage.PROFILE);
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.getMessage()).contains("token budget of 300").contains("50 spent").contains("264");
    assertThat(budget.refusals()).isEqualTo(1);
  }

  @Test
  void complete_callThatCouldExceedTheCostBudget_isRefused() {
    // gpt-4o: the estimate costs 14 * 2.5e-6 + 250 * 1e-5 = 0.002535 USD
    LlmBudget budget = LlmBudget.ofCost(new BigDecimal("0.004"));
    LlmClient c = new BudgetedLlmClient(charging(14, 250, "gpt-4o-2024-08-06"), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);
    c.complete(sized());

    LlmBudgetExceededException e =
        catchThrowableOfType(LlmBudgetExceededException.class, () -> c.complete(sized()));

    assertThat(budget.spentCost()).isEqualByComparingTo("0.002535");
    assertThat(e.getMessage()).contains("0.004 USD").contains("0.002535 USD spent");
  }

  @Test
  void complete_failedAfterTheRequestWasSent_isChargedItsReservation() {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    LlmClient c = new BudgetedLlmClient(Backends.failing(true), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);

    for (int i = 0; i < 3; i++) {
      catchThrowableOfType(LlmRetriableException.class, () -> c.complete(sized()));
    }

    assertThat(budget.spentTokens()).isEqualTo(3 * 264);
    assertThat(budget.chargedFailures()).isEqualTo(3);
    assertThat(budget.reservedTokens()).isZero();
  }

  @Test
  void complete_failedBeforeSendingOrRefusedWith4xx_releasesItsReservation() {
    LlmBudget budget = LlmBudget.ofTokens(300);
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    LlmClient backend = r -> {
      throw switch (n.incrementAndGet() % 3) {
        case 0 -> new LlmRetriableException("cannot connect", null, r.stage(), 1, 0, null, false);
        case 1 -> new LlmRetriableException("rate limited", null, r.stage(), 1, 429, null);
        default -> new LlmNonRetriableException("bad request", null, r.stage(), 1, 400);
      };
    };
    LlmClient c = new BudgetedLlmClient(backend, budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);

    for (int i = 0; i < 6; i++) {
      catchThrowableOfType(LlmException.class, () -> c.complete(sized()));
    }

    assertThat(budget.spentTokens()).isZero();
    assertThat(budget.chargedFailures()).isZero();
    assertThat(budget.refusals()).isZero();
  }

  @Test
  void complete_clientsOwnExceptionNotAnLlmFailure_passesThroughUncharged() {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    IllegalStateException deferred = new IllegalStateException("deferred to the next batch");
    LlmClient c = new BudgetedLlmClient(r -> {
      throw deferred;
    }, budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);

    assertThat(catchThrowableOfType(IllegalStateException.class, () -> c.complete(sized()))).isSameAs(deferred);
    assertThat(budget.spentTokens()).isZero();
    assertThat(budget.reservedTokens()).isZero();
  }

  @Test
  void ceiling_isTheHighestInputAndOutputPriceOfTheModelAndTheTable() {
    PriceTable table = PriceTable.defaults().with("in-heavy", PriceTable.ModelPrice.of("9", "1"));

    PriceTable.ModelPrice ceiling = BudgetedLlmClient.ceiling(table, "gpt-4o-mini");

    assertThat(ceiling.inputPerMillion()).isEqualByComparingTo("9");
    assertThat(ceiling.outputPerMillion()).isEqualByComparingTo("10.00");
  }

  @Test
  void complete_backendReportingNoUsage_isChargedTheEstimate() {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    LlmClient c = new BudgetedLlmClient(charging(0, 0, ""), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);

    c.complete(sized());

    assertThat(budget.spentTokens()).isEqualTo(264);
  }

  /** A client whose calls block until released, then answer with {@code usage} tokens each. */
  private static LlmClient blockingUntil(java.util.concurrent.CountDownLatch release, long usage) {
    return r -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LlmResponse.of("ok", new TokenUsage(usage, 0));
    };
  }

  /** Starts {@code n} calls on {@code pool} and returns once all of them hold their reservation. */
  private static List<java.util.concurrent.Future<LlmResponse>> inFlight(
      int n, LlmClient c, LlmBudget budget, java.util.concurrent.ExecutorService pool) {
    List<java.util.concurrent.Future<LlmResponse>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(pool.submit(() -> c.complete(sized())));
    }
    long until = System.nanoTime() + 10_000_000_000L;
    while (budget.reservedTokens() < n * 264L && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    return calls;
  }

  private static void awaitAll(List<java.util.concurrent.Future<LlmResponse>> calls) throws Exception {
    for (var f : calls) {
      f.get();
    }
  }

  /** Starts a call on its own thread and returns once it waits inside the budget. */
  private static java.util.concurrent.CompletableFuture<Throwable> waitingCall(LlmClient c) throws InterruptedException {
    java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> outcome.complete(catchThrowable(() -> c.complete(sized()))), "fourth-call");
    t.setDaemon(true);
    t.start();
    long until = System.nanoTime() + 10_000_000_000L;
    while (t.getState() != Thread.State.WAITING && !outcome.isDone() && System.nanoTime() < until) {
      Thread.sleep(1);
    }
    return outcome;
  }

  @Test
  void complete_callsInFlightTogether_neverReserveMoreThanTheBudget() throws Exception {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    LlmClient c = new BudgetedLlmClient(blockingUntil(release, 264), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      var calls = inFlight(3, c, budget, pool);

      // 3 * 264 reserved; a fourth would need 1056 > 1000: it waits rather than reserving
      var fourth = waitingCall(c);
      assertThat(fourth).isNotDone();
      assertThat(budget.reservedTokens()).isEqualTo(3 * 264);
      release.countDown();
      awaitAll(calls);

      // the three were billed what they reserved: 792 spent leaves no room for 264 more
      assertThat(fourth.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(LlmBudgetExceededException.class)
          .hasMessageContaining("792 spent");
      assertThat(budget.spentTokens()).isEqualTo(3 * 264);
      assertThat(budget.refusals()).isEqualTo(1);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void complete_roomOnlyTakenByReservationsInFlight_waitsForThemAndGoesOn() throws Exception {
    LlmBudget budget = LlmBudget.ofTokens(1000);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    LlmClient c = new BudgetedLlmClient(blockingUntil(release, 100), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      var calls = inFlight(3, c, budget, pool);

      var fourth = waitingCall(c);
      assertThat(fourth).isNotDone();
      release.countDown();
      awaitAll(calls);

      // the three answered with 100 tokens each: 300 spent, room for the fourth's 264
      assertThat(fourth.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNull();
      assertThat(budget.spentTokens()).isEqualTo(4 * 100);
      assertThat(budget.refusals()).isZero();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void complete_interruptedWhileWaitingForReservations_failsNotRefusedAndReservesNothing() throws Exception {
    LlmBudget budget = LlmBudget.ofTokens(600);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    LlmClient c = new BudgetedLlmClient(blockingUntil(release, 100), budget, "gpt-4o", PriceTable.defaults(), 100, COUNTER);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var calls = inFlight(2, c, budget, pool);
      long until = System.nanoTime() + 10_000_000_000L;
      java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
      Thread t = new Thread(() -> outcome.complete(catchThrowable(() -> c.complete(sized()))));
      t.start();
      while (t.getState() != Thread.State.WAITING && System.nanoTime() < until) {
        Thread.sleep(1);
      }

      t.interrupt();

      assertThat(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(LlmNonRetriableException.class)
          .hasMessageContaining("interrupted while waiting for calls in flight");
      assertThat(budget.reservedTokens()).isEqualTo(2 * 264);
      assertThat(budget.refusals()).isZero();
      release.countDown();
      awaitAll(calls);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
