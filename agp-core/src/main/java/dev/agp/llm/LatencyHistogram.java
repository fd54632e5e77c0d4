package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable latency distribution on logarithmic buckets 5% wide, so that percentiles of any
 * number of calls cost constant memory and histograms from resumed runs merge exactly. A reported
 * percentile is the geometric middle of its bucket: within 2.5% of the true value.
 *
 * @param buckets bucket index to count; bucket {@code i} holds latencies in {@code [1.05^i,
 *     1.05^(i+1))} microseconds, bucket 0 also everything below 1 microsecond
 */
public record LatencyHistogram(Map<Integer, Long> buckets) {

  private static final double GROWTH = 1.05;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  /** The empty histogram. */
  public static final LatencyHistogram EMPTY = new LatencyHistogram(Map.of());

  /**
   * @param buckets bucket index to count; bucket {@code i} holds latencies in {@code [1.05^i,
   *     1.05^(i+1))} microseconds, bucket 0 also everything below 1 microsecond
   * @throws IllegalArgumentException for a negative bucket index or a count below 1
   */
  public LatencyHistogram {
    requireNonNull(buckets, "buckets");
    for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
      if (e.getKey() < 0 || e.getValue() < 1) {
        throw new IllegalArgumentException("invalid latency bucket " + e);
      }
    }
    buckets = Map.copyOf(buckets);
  }

  static int bucketOf(long nanos) {
    double micros = nanos / 1_000.0;
    if (micros < 1) {
      return 0;
    }
    return (int) Math.floor(Math.log(micros) / LOG_GROWTH);
  }

  /** {@return the number of recorded latencies} */
  public long count() {
    long n = 0;
    for (long c : buckets.values()) {
      n += c;
    }
    return n;
  }

  /**
   * The latency at quantile {@code q}, or {@link Duration#ZERO} when nothing was recorded.
   *
   * @param q a quantile in [0, 1], for example 0.5 for the median or 0.99
   * @return the latency: the geometric middle of the bucket that holds the quantile
   * @throws IllegalArgumentException if q is outside [0, 1]
   */
  public Duration percentile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1] but was " + q);
    }
    long total = count();
    if (total == 0) {
      return Duration.ZERO;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (Map.Entry<Integer, Long> e : new TreeMap<>(buckets).entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        double micros = Math.pow(GROWTH, e.getKey() + 0.5);
        return Duration.ofNanos(Math.round(micros * 1_000));
      }
    }
    throw new AssertionError("rank beyond count");
  }

  /**
   * The sum of both distributions.
   *
   * @param other another meter's distribution
   * @return the sum
   */
  public LatencyHistogram plus(LatencyHistogram other) {
    Map<Integer, Long> merged = new TreeMap<>(buckets);
    other.buckets.forEach((k, v) -> merged.merge(k, v, Long::sum));
    return new LatencyHistogram(merged);
  }

  /**
   * This distribution without the latencies of an earlier snapshot of the same meter.
   *
   * @param earlier an earlier snapshot of this distribution
   * @return the difference
   */
  public LatencyHistogram minus(LatencyHistogram earlier) {
    Map<Integer, Long> rest = new TreeMap<>(buckets);
    earlier.buckets.forEach(
        (k, v) -> {
          long left = rest.getOrDefault(k, 0L) - v;
          if (left > 0) {
            rest.put(k, left);
          } else {
            rest.remove(k);
          }
        });
    return new LatencyHistogram(rest);
  }
}
