package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.testing.LlmClientContractTest;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RateLimitedLlmClientTest extends LlmClientContractTest {

  private final FakeTime time = new FakeTime();

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return new RateLimitedLlmClient(Backends.answering(answer), 600, 1_000_000, 100, COUNTER, time, time);
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return new RateLimitedLlmClient(Backends.failing(retriable), 600, 1_000_000, 100, COUNTER, time, time);
  }

  /** Counts a third of a token per character and 4 a message: 14 for the sized request. */
  private static final TokenCounter COUNTER =
      messages -> messages.stream().mapToLong(m -> (m.text().length() + 2) / 3 + 4).sum();

  /** A request whose token estimate is exact: 30 characters and a 250-token cap. */
  private static LlmRequest sized() {
    return new LlmRequest(List.of(LlmMessage.user("x".repeat(30 - 0))), Stage.RERANK, 0, OptionalInt.of(250), false);
  }

  private static LlmClient charging(long tokens) {
    return r -> LlmResponse.of("ok", new TokenUsage(tokens, 0));
  }

  @Test
  void complete_sixtyRequestsPerMinute_spacesCallsOneSecondApart() {
    LlmClient c = new RateLimitedLlmClient(Backends.answering(r -> "ok"), 60, 0, 100, COUNTER, time, time);

    for (int i = 0; i < 5; i++) {
      c.complete(request(Stage.RERANK, "q" + i));
    }

    assertThat(time.sleeps()).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void complete_requestsAfterAPause_goWithoutWaitingUpToOneSecondsWorth() {
    LlmClient c = new RateLimitedLlmClient(Backends.answering(r -> "ok"), 600, 0, 100, COUNTER, time, time);
    time.advance(Duration.ofMinutes(1));

    for (int i = 0; i < 10; i++) {
      c.complete(request(Stage.RERANK, "q" + i));
    }
    c.complete(request(Stage.RERANK, "one more"));

    // 600 a minute = 10 a second: a burst of 10, then 100 ms apart
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void complete_tokensPerMinute_waitsForTheReportedUsageNotTheEstimate() {
    // 6000 a minute = 100 a second, capacity 100. Estimate: 10 + 4 + 250 = 264; usage reported 114
    LlmClient c = new RateLimitedLlmClient(charging(114), 0, 6000, 100, COUNTER, time, time);

    c.complete(sized());
    c.complete(sized());

    // after the first call: 100 - 264 + (264 - 114) = -14; the second needs 100: waits 1.14 s
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1140));
  }

  @Test
  void complete_failedCall_givesItsTokensBack() {
    RateLimitedLlmClient c = new RateLimitedLlmClient(Backends.failing(true), 0, 6000, 100, COUNTER, time, time);

    catchThrowableOfType(LlmRetriableException.class, () -> c.complete(sized()));
    catchThrowableOfType(LlmRetriableException.class, () -> c.complete(sized()));

    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void complete_backendWithoutUsage_keepsTheEstimateCharged() {
    LlmClient c = new RateLimitedLlmClient(charging(0), 0, 6000, 100, COUNTER, time, time);

    c.complete(sized());
    c.complete(sized());

    // 100 - 264 = -164; the second needs 100: waits 2.64 s
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(2640));
  }

  @Test
  void complete_interruptedWhileWaiting_throwsNonRetriableAndKeepsTheInterrupt() {
    Sleeper interrupted = d -> {
      throw new InterruptedException();
    };
    LlmClient c = new RateLimitedLlmClient(Backends.answering(r -> "ok"), 60, 0, 100, COUNTER, time, interrupted);
    c.complete(request(Stage.RERANK, "first"));
    try {
      LlmNonRetriableException e =
          catchThrowableOfType(LlmNonRetriableException.class, () -> c.complete(request(Stage.RERANK, "second")));

      assertThat(e.getMessage()).contains("rate limit");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void tokenBucket_requestLargerThanCapacity_goesAndLeavesDebt() {
    TokenBucket b = new TokenBucket(60, 0);

    assertThat(b.reserve(5, 0)).isZero();
    assertThat(b.available(0)).isEqualTo(-4.0);
    assertThat(b.reserve(1, 0)).isEqualTo(5_000_000_000L);
  }
}
