package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries {@linkplain LlmException#isRetriable() retriable} failures with exponential backoff and
 * full jitter, waiting at least as long as the server's {@code Retry-After}, within a number of
 * attempts and an overall deadline. Answers carry the attempts taken; the final failure carries
 * the attempt that failed, so that {@link LlmUsageMeter} counts the retries either way.
 */
final class RetryingLlmClient implements LlmClient {

  private static final Logger log = LoggerFactory.getLogger(RetryingLlmClient.class);

  private final LlmClient delegate;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration deadline;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Random random;

  RetryingLlmClient(
      LlmClient delegate,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration deadline,
      Ticker ticker,
      Sleeper sleeper,
      Random random) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.deadline = deadline;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    long start = ticker.read();
    int attempts = 0;
    for (int round = 1; ; round++) {
      LlmException failure;
      try {
        LlmResponse response = delegate.complete(request);
        return attempts == 0 ? response : response.withAttempts(attempts + response.attempts());
      } catch (LlmException e) {
        failure = e;
      }
      attempts += Math.max(1, failure.attempt());
      if (!failure.isRetriable()) {
        throw atAttempt(failure, attempts, request.stage());
      }
      if (round >= maxAttempts) {
        throw gaveUp(failure, attempts, request.stage(), "maxAttempts " + maxAttempts + " reached");
      }
      Duration wait = backoff(round, failure);
      Duration elapsed = Duration.ofNanos(ticker.read() - start);
      if (elapsed.plus(wait).compareTo(deadline) > 0) {
        throw gaveUp(
            failure, attempts, request.stage(),
            "waiting " + wait.toMillis() + " ms more would pass the deadline of " + deadline.toMillis()
                + " ms after " + elapsed.toMillis() + " ms");
      }
      log.debug(
          "{} attempt {} of {} failed ({}); retrying in {} ms",
          request.stage(), round, maxAttempts, failure.detail(), wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new LlmNonRetriableException(
            "interrupted while waiting to retry after: " + failure.detail(), failure,
            stage(failure, request.stage()), attempts, statusCode(failure));
      }
    }
  }

  /** Full jitter on a capped exponential, but never shorter than the server's Retry-After. */
  private Duration backoff(int round, LlmException failure) {
    double cap = Math.min(maxBackoff.toNanos(), initialBackoff.toNanos() * Math.pow(2, round - 1));
    double jittered;
    synchronized (random) {
      jittered = cap * random.nextDouble();
    }
    Duration wait = Duration.ofNanos((long) jittered);
    Optional<Duration> retryAfter =
        failure instanceof LlmRetriableException r ? r.retryAfter() : Optional.empty();
    if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
      wait = retryAfter.get();
    }
    return wait;
  }

  private static LlmException gaveUp(LlmException failure, int attempts, Stage stage, String why) {
    LlmRetriableException last = (LlmRetriableException) failure;
    return new LlmRetriableException(
        "gave up after " + attempts + " attempt(s), " + why + "; last failure: " + failure.detail(),
        failure, stage(failure, stage), attempts, last.statusCode(), last.retryAfter().orElse(null));
  }

  /** The failure with the attempt count set, rethrown as is when it already says so. */
  private static LlmException atAttempt(LlmException failure, int attempts, Stage stage) {
    if (failure.attempt() == attempts && failure.stage().isPresent()) {
      return failure;
    }
    if (failure.getClass() == LlmNonRetriableException.class) {
      return new LlmNonRetriableException(
          failure.detail(), failure, stage(failure, stage), attempts, statusCode(failure));
    }
    return failure;
  }

  private static Stage stage(LlmException e, Stage fallback) {
    return e.stage().orElse(fallback);
  }

  private static int statusCode(LlmException e) {
    if (e instanceof LlmRetriableException r) {
      return r.statusCode();
    }
    return ((LlmNonRetriableException) e).statusCode();
  }
}
