package dev.agp.llm;

/**
 * A source of nanosecond time for measuring durations: call latencies, deadlines and the rate
 * limiter's refill. It is the one notion of time of the SDK: the optimizers' and the client stack's
 * builders take a ticker, and tests pass a fake one that moves only when they say so (together with
 * a {@link Sleeper} that advances it instead of waiting).
 *
 * <p>Only differences between two readings mean anything, as with {@link System#nanoTime()}; a
 * reading is not a wall-clock time. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * The current reading of this ticker.
   *
   * @return nanoseconds elapsed since a fixed but arbitrary origin
   */
  long read();

  /**
   * The ticker of the running JVM.
   *
   * @return a ticker reading {@link System#nanoTime()}
   */
  static Ticker systemTicker() {
    return System::nanoTime;
  }
}
