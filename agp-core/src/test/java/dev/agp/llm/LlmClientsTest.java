package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.testing.NullPointerTester;
import dev.agp.testing.LlmClientContractTest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole stack as {@link LlmClients} builds it. */
class LlmClientsTest extends LlmClientContractTest {

  private final FakeTime time = new FakeTime();

  @TempDir Path dir;

  private LlmClients.Builder stack(LlmClient backend) {
    return LlmClients.builder(backend)
        .model("gpt-4o-mini")
        .ticker(time)
        .sleeper(time)
        .random(new Random(1))
        .requestsPerMinute(6000)
        .tokensPerMinute(10_000_000)
        .maxConcurrentCalls(4)
        .budget(LlmBudget.ofCost(new BigDecimal("100")))
        .cache(LlmResponseCache.inMemory());
  }

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return stack(Backends.answering(answer)).build();
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return stack(Backends.failing(retriable)).build();
  }

  @Test
  void builder_nullArguments_throwNullPointerException() {
    new NullPointerTester().testAllPublicInstanceMethods(LlmClients.builder(r -> LlmResponse.of("")));
    assertThatThrownBy(() -> LlmClients.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_badValues_throwIllegalArgumentNamingTheOption() {
    LlmClients.Builder b = LlmClients.builder(r -> LlmResponse.of(""));

    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> b.initialBackoff(Duration.ZERO)).hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> b.maxBackoff(Duration.ofSeconds(-1))).hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> b.deadline(Duration.ZERO)).hasMessageContaining("deadline");
    assertThatThrownBy(() -> b.requestsPerMinute(0)).hasMessageContaining("requestsPerMinute");
    assertThatThrownBy(() -> b.tokensPerMinute(-5)).hasMessageContaining("tokensPerMinute");
    assertThatThrownBy(() -> b.maxConcurrentCalls(0)).hasMessageContaining("maxConcurrentCalls");
    assertThatThrownBy(() -> b.assumedOutputTokens(0)).hasMessageContaining("assumedOutputTokens");
    assertThatThrownBy(() -> b.model(" ")).hasMessageContaining("model");
  }

  @Test
  void build_conflictingOptions_throwIllegalState() {
    LlmClient backend = r -> LlmResponse.of("");

    assertThatThrownBy(() -> LlmClients.builder(backend).cache(LlmResponseCache.inMemory()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("model");
    assertThatThrownBy(() -> LlmClients.builder(backend).model("m").cache(LlmResponseCache.inMemory())
            .cacheDirectory(dir).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> LlmClients.builder(backend).budget(LlmBudget.ofCost(BigDecimal.ONE)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("model");
    assertThatThrownBy(() -> LlmClients.builder(backend).model("llama3").budget(LlmBudget.ofCost(BigDecimal.ONE)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("price").hasMessageContaining("llama3");
    assertThatThrownBy(() -> LlmClients.builder(backend).initialBackoff(Duration.ofSeconds(10))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxBackoff");
  }

  @Test
  void build_tokenBudgetWithoutModel_isAllowed() {
    LlmBudget budget = LlmBudget.ofTokens(5000);
    LlmClient c = LlmClients.builder(Backends.answering(r -> "ok")).budget(budget).build();

    c.complete(request(Stage.PROFILE, "q"));

    assertThat(budget.spentTokens()).isPositive();
  }

  @Test
  void complete_cacheHit_spendsNoBudgetNoRateAndIsMeteredAsCached() {
    AtomicInteger calls = new AtomicInteger();
    LlmBudget budget = LlmBudget.ofTokens(100_000);
    LlmUsageMeter meter = new LlmUsageMeter(time);
    LlmClient c = stack(r -> {
      calls.incrementAndGet();
      return new LlmResponse("ok", new TokenUsage(100, 20), "gpt-4o-mini-2024-07-18", 1, false);
    }).budget(budget).meter(meter).requestsPerMinute(60).build();

    c.complete(request(Stage.RERANK, "q"));
    c.complete(request(Stage.RERANK, "q"));
    c.complete(request(Stage.RERANK, "q"));

    assertThat(calls).hasValue(1);
    assertThat(budget.spentTokens()).isEqualTo(120);
    assertThat(time.sleeps()).isEmpty();
    StageUsage u = meter.snapshot().stage(Stage.RERANK);
    assertThat(u.calls()).isEqualTo(3);
    assertThat(u.cacheHits()).isEqualTo(2);
    assertThat(u.inputTokens()).isEqualTo(100);
    assertThat(meter.snapshot().models()).containsExactly("gpt-4o-mini-2024-07-18");
  }

  @Test
  void complete_retriesInsideTheStack_takeARatePermitEachAndAreMeteredAsRetries() {
    AtomicInteger calls = new AtomicInteger();
    LlmUsageMeter meter = new LlmUsageMeter(time);
    LlmClient c = stack(r -> {
      if (calls.incrementAndGet() < 3) {
        throw new LlmRetriableException("HTTP 429", null, r.stage(), 1, 429, Duration.ZERO);
      }
      return LlmResponse.of("ok");
    }).requestsPerMinute(60).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).meter(meter).build();

    LlmResponse r = c.complete(request(Stage.PROFILE, "q"));

    assertThat(r.attempts()).isEqualTo(3);
    assertThat(meter.snapshot().stage(Stage.PROFILE).retries()).isEqualTo(2);
    // each attempt waits for its own rate permit: about one second apart at 60 a minute
    assertThat(time.sleeps().stream().filter(d -> d.compareTo(Duration.ofMillis(900)) > 0)).hasSize(2);
  }

  @Test
  void complete_budgetRunsOut_throwsBudgetExceptionThatIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient c = stack(r -> {
      calls.incrementAndGet();
      return LlmResponse.of("ok", new TokenUsage(500, 500));
    }).budget(LlmBudget.ofTokens(2000)).build(); // each call may use ~1015 (1000 assumed output)

    c.complete(request(Stage.PROFILE, "q1"));
    LlmBudgetExceededException e =
        catchThrowableOfType(LlmBudgetExceededException.class, () -> c.complete(request(Stage.PROFILE, "q2")));

    assertThat(e).isNotNull();
    assertThat(calls).hasValue(1);
  }

  @Test
  void build_cacheDirectory_persistsAnswersAcrossStacks() {
    LlmClient first = LlmClients.builder(Backends.answering(r -> "disk")).model("m").cacheDirectory(dir).build();
    first.complete(request(Stage.PROFILE, "q"));
    AtomicInteger calls = new AtomicInteger();
    LlmClient second = LlmClients.builder(r -> {
      calls.incrementAndGet();
      return LlmResponse.of("fresh");
    }).model("m").cacheDirectory(dir).build();

    LlmResponse r = second.complete(request(Stage.PROFILE, "q"));

    assertThat(r.text()).isEqualTo("disk");
    assertThat(r.cached()).isTrue();
    assertThat(calls).hasValue(0);
  }
}
