package dev.agp.rpp;

import java.util.List;

/**
 * What an RPP fit did.
 *
 * @param iterations one record per finished iteration
 * @param batches one record per finished batch, in order
 * @param refined RPP+ sentences added to the action spaces, in the order they were added
 */
public record RppHistory(
    List<RppIterationRecord> iterations, List<RppBatchRecord> batches, List<RefinedSentence> refined) {

  /** An empty history. */
  public static final RppHistory EMPTY = new RppHistory(List.of(), List.of(), List.of());

  /**
   * @param iterations one record per finished iteration
   * @param batches one record per finished batch, in order
   * @param refined RPP+ sentences added to the action spaces, in the order they were added
   * @throws NullPointerException if a list is null
   */
  public RppHistory {
    iterations = List.copyOf(iterations);
    batches = List.copyOf(batches);
    refined = List.copyOf(refined);
  }

  /**
   * User failures over the whole fit.
   *
   * @return the number of failed users
   */
  public long failedUsers() {
    return batches.stream().mapToLong(b -> b.failures().size()).sum();
  }

  /** {@return the last iteration's mean reward, or 0 before any iteration finished} */
  public double finalMeanReward() {
    return iterations.isEmpty() ? 0 : iterations.get(iterations.size() - 1).meanReward();
  }
}
