package dev.agp.llm;

import java.time.Duration;

/**
 * Waits. The retry and rate-limiting decorators wait through a sleeper so that tests can record
 * the waits instead of spending them.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps on the calling thread with {@link Thread#sleep(long, int)}. */
  Sleeper SYSTEM =
      d -> {
        if (!d.isNegative() && !d.isZero()) {
          Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        }
      };

  /**
   * Waits for {@code duration}; returns at once for zero or negative durations.
   *
   * @param duration how long to wait
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
