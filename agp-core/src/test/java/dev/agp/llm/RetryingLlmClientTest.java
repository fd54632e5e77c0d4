package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.testing.LlmClientContractTest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryingLlmClientTest extends LlmClientContractTest {

  private final FakeTime time = new FakeTime();

  /** A random whose nextDouble is always 0.5: the jittered wait is half the cap. */
  private static final class Half extends Random {
    private static final long serialVersionUID = 1L;

    @Override
    public double nextDouble() {
      return 0.5;
    }
  }

  private RetryingLlmClient retrying(LlmClient backend, int maxAttempts, Duration deadline) {
    return new RetryingLlmClient(
        backend, maxAttempts, Duration.ofMillis(500), Duration.ofSeconds(4), deadline, time, time, new Half());
  }

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return retrying(Backends.answering(answer), 3, Duration.ofMinutes(1));
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return retrying(Backends.failing(retriable), 3, Duration.ofMinutes(1));
  }

  /** Fails with the queued failures, then answers "ok". */
  private static LlmClient script(LlmException... failures) {
    Deque<LlmException> queue = new ArrayDeque<>(List.of(failures));
    return r -> {
      LlmException next = queue.poll();
      if (next != null) {
        throw next;
      }
      return LlmResponse.of("ok");
    };
  }

  private static LlmRetriableException unavailable(Duration retryAfter) {
    return new LlmRetriableException("HTTP 503", null, Stage.RERANK, 1, 503, retryAfter);
  }

  @Test
  void complete_twoRetriableFailuresThenAnswer_returnsAnswerWithThreeAttempts() {
    LlmClient c = retrying(script(unavailable(null), unavailable(null)), 5, Duration.ofMinutes(1));

    LlmResponse r = c.complete(request(Stage.RERANK, "q"));

    assertThat(r.text()).isEqualTo("ok");
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void complete_backoff_isHalfOfTheDoublingCapWithHalfJitterAndStopsAtMaxBackoff() {
    LlmClient c = retrying(
        script(unavailable(null), unavailable(null), unavailable(null), unavailable(null), unavailable(null)),
        6, Duration.ofMinutes(1));

    c.complete(request(Stage.RERANK, "q"));

    // caps 0.5, 1, 2, 4, 4 s (maxBackoff 4 s); full jitter at 0.5 gives half of each
    assertThat(time.sleeps()).containsExactly(
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  @Test
  void complete_fullJitter_staysWithinTheCaps() {
    LlmClient c = new RetryingLlmClient(
        script(unavailable(null), unavailable(null), unavailable(null)), 4, Duration.ofMillis(500),
        Duration.ofSeconds(4), Duration.ofMinutes(1), time, time, new Random(7));

    c.complete(request(Stage.RERANK, "q"));

    List<Duration> s = time.sleeps();
    assertThat(s).hasSize(3);
    assertThat(s.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(500));
    assertThat(s.get(1)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
    assertThat(s.get(2)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Test
  void complete_retryAfterLongerThanBackoff_waitsTheRetryAfter() {
    LlmClient c = retrying(script(unavailable(Duration.ofSeconds(7))), 3, Duration.ofMinutes(1));

    c.complete(request(Stage.RERANK, "q"));

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void complete_retryAfterShorterThanBackoff_waitsTheBackoff() {
    LlmClient c = retrying(script(unavailable(Duration.ofMillis(10))), 3, Duration.ofMinutes(1));

    c.complete(request(Stage.RERANK, "q"));

    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void complete_nonRetriableFailure_isNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient c = retrying(r -> {
      calls.incrementAndGet();
      throw Backends.failure(false, r.stage());
    }, 5, Duration.ofMinutes(1));

    LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request(Stage.PROFILE, "q")));

    assertThat(calls).hasValue(1);
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.attempt()).isEqualTo(1);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void complete_nonRetriableAfterRetries_carriesTheAttemptNumber() {
    LlmClient c = retrying(
        script(unavailable(null), new LlmNonRetriableException("HTTP 400", null, Stage.RERANK, 1, 400)),
        5, Duration.ofMinutes(1));

    LlmNonRetriableException e =
        catchThrowableOfType(LlmNonRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

    assertThat(e.attempt()).isEqualTo(2);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("HTTP 400").contains("attempt 2");
  }

  @Test
  void complete_attemptsExhausted_throwsRetriableWithAttemptsStatusAndCause() {
    LlmClient c = retrying(Backends.failing(true), 4, Duration.ofMinutes(1));

    LlmRetriableException e =
        catchThrowableOfType(LlmRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

    assertThat(e.attempt()).isEqualTo(4);
    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(e.stage()).contains(Stage.RERANK);
    assertThat(e.getMessage()).contains("gave up after 4 attempt(s)").contains("maxAttempts 4");
    assertThat(e.getCause()).isInstanceOf(LlmRetriableException.class);
    assertThat(time.sleeps()).hasSize(3);
  }

  @Test
  void complete_nextWaitWouldPassTheDeadline_givesUpWithoutWaiting() {
    LlmClient c = retrying(Backends.failing(true), 10, Duration.ofMillis(1600));

    LlmRetriableException e =
        catchThrowableOfType(LlmRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

    // waits 250 + 500 ms = 750 ms; the third wait (1 s) would end at 1750 ms > 1600 ms
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(e.attempt()).isEqualTo(3);
    assertThat(e.getMessage()).contains("deadline");
  }

  @Test
  void complete_retryAfterBeyondTheDeadline_givesUpAtOnce() {
    LlmClient c = retrying(script(unavailable(Duration.ofMinutes(10))), 5, Duration.ofMinutes(1));

    LlmRetriableException e =
        catchThrowableOfType(LlmRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

    assertThat(time.sleeps()).isEmpty();
    assertThat(e.retryAfter()).contains(Duration.ofMinutes(10));
  }

  @Test
  void complete_slowAttemptsUseUpTheDeadline_givesUp() {
    LlmClient slowFailing = r -> {
      time.advance(Duration.ofSeconds(20));
      throw Backends.failure(true, r.stage());
    };
    LlmClient c = retrying(slowFailing, 10, Duration.ofSeconds(30));

    LlmRetriableException e =
        catchThrowableOfType(LlmRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

    assertThat(e.attempt()).isEqualTo(2);
  }

  @Test
  void complete_interruptedWhileWaiting_throwsNonRetriableAndKeepsTheInterrupt() {
    Sleeper interrupted = d -> {
      throw new InterruptedException();
    };
    LlmClient c = new RetryingLlmClient(
        Backends.failing(true), 5, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofMinutes(1),
        time, interrupted, new Half());
    try {
      LlmNonRetriableException e =
          catchThrowableOfType(LlmNonRetriableException.class, () -> c.complete(request(Stage.RERANK, "q")));

      assertThat(e.getMessage()).contains("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void complete_otherRuntimeException_isNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient c = retrying(r -> {
      calls.incrementAndGet();
      throw new IllegalStateException("bug");
    }, 5, Duration.ofMinutes(1));

    catchThrowableOfType(IllegalStateException.class, () -> c.complete(request(Stage.RERANK, "q")));

    assertThat(calls).hasValue(1);
  }

  @Test
  void meter_retriedCalls_countRetriesOnSuccessAndOnFailure() {
    LlmUsageMeter meter = new LlmUsageMeter(time);
    meter.wrap(retrying(script(unavailable(null), unavailable(null)), 5, Duration.ofMinutes(1)))
        .complete(request(Stage.RERANK, "q"));
    LlmClient failing = meter.wrap(retrying(Backends.failing(true), 3, Duration.ofMinutes(1)));
    catchThrowableOfType(LlmRetriableException.class, () -> failing.complete(request(Stage.PROFILE, "q")));

    UsageReport u = meter.snapshot();

    assertThat(u.stage(Stage.RERANK).retries()).isEqualTo(2);
    assertThat(u.stage(Stage.RERANK).failures()).isZero();
    assertThat(u.stage(Stage.PROFILE).retries()).isEqualTo(2);
    assertThat(u.stage(Stage.PROFILE).failures()).isEqualTo(1);
  }
}
