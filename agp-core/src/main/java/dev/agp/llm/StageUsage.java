package dev.agp.llm;

import static java.util.Objects.requireNonNull;

/**
 * What one stage of the pipeline cost.
 *
 * @param calls requests the pipeline issued, successful or not (a retried request counts once)
 * @param inputTokens prompt tokens reported by the backend
 * @param outputTokens completion tokens reported by the backend
 * @param failures requests that failed after all retries
 * @param retries extra attempts spent by retry decorators
 * @param cacheHits requests answered by a response cache without a paid call
 * @param rejectedUpdates OPTIMIZE answers the optimizer refused (no markers, empty, too long), or
 *     updates reverted by greedy acceptance; 0 for other stages
 * @param truncated answers cut off by the request's output cap: paid answers whose output tokens
 *     reached {@link LlmRequest#maxOutputTokens()} (what backends report as finish reason
 *     "length"); they are counted in {@code calls} and {@code outputTokens} too
 * @param latency the distribution of request latencies, retries included
 */
public record StageUsage(
    long calls,
    long inputTokens,
    long outputTokens,
    long failures,
    long retries,
    long cacheHits,
    long rejectedUpdates,
    long truncated,
    LatencyHistogram latency) {

  /** Nothing spent. */
  public static final StageUsage ZERO = new StageUsage(0, 0, 0, 0, 0, 0, 0, 0, LatencyHistogram.EMPTY);

  /**
   * Whether this is {@link #ZERO}, field by field: the generated {@code equals} of a record is
   * bootstrapped on its first use (about seventy {@code java.lang.invoke} classes), which in a fit
   * falls between two batches.
   */
  boolean isZero() {
    return calls == 0 && inputTokens == 0 && outputTokens == 0 && failures == 0 && retries == 0 && cacheHits == 0
        && rejectedUpdates == 0 && truncated == 0 && latency.buckets().isEmpty();
  }

  /**
   * @param calls requests the pipeline issued, successful or not (a retried request counts once)
   * @param inputTokens prompt tokens reported by the backend
   * @param outputTokens completion tokens reported by the backend
   * @param failures requests that failed after all retries
   * @param retries extra attempts spent by retry decorators
   * @param cacheHits requests answered by a response cache without a paid call
   * @param rejectedUpdates OPTIMIZE answers the optimizer refused (no markers, empty, too long), or
   *     updates reverted by greedy acceptance; 0 for other stages
   * @param truncated answers cut off by the request's output cap: paid answers whose output tokens
   *     reached {@link LlmRequest#maxOutputTokens()} (what backends report as finish reason
   *     "length"); they are counted in {@code calls} and {@code outputTokens} too
   * @param latency the distribution of request latencies, retries included
   * @throws IllegalArgumentException if a count is negative
   */
  public StageUsage {
    requireNonNull(latency, "latency");
    long[] counts = {calls, inputTokens, outputTokens, failures, retries, cacheHits, rejectedUpdates, truncated};
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("usage counts must be >= 0: " + java.util.Arrays.toString(counts));
      }
    }
  }

  /**
   * Input plus output tokens.
   *
   * @return input plus output tokens
   */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /**
   * The element-wise sum.
   *
   * @param o the other usage
   * @return the sum
   */
  public StageUsage plus(StageUsage o) {
    return new StageUsage(
        calls + o.calls,
        inputTokens + o.inputTokens,
        outputTokens + o.outputTokens,
        failures + o.failures,
        retries + o.retries,
        cacheHits + o.cacheHits,
        rejectedUpdates + o.rejectedUpdates,
        truncated + o.truncated,
        latency.plus(o.latency));
  }

  /**
   * What was spent since an earlier snapshot {@code e} of the same counters.
   *
   * @param e the earlier snapshot
   * @return the difference
   */
  public StageUsage minus(StageUsage e) {
    return new StageUsage(
        calls - e.calls,
        inputTokens - e.inputTokens,
        outputTokens - e.outputTokens,
        failures - e.failures,
        retries - e.retries,
        cacheHits - e.cacheHits,
        rejectedUpdates - e.rejectedUpdates,
        truncated - e.truncated,
        latency.minus(e.latency));
  }
}
