package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.UsageReport;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over the training users.
 *
 * @param iteration 1-based iteration
 * @param users training users scheduled
 * @param failures users whose calls failed in this iteration
 * @param meanReward mean reward (NDCG at the cutoff) of the users that succeeded
 * @param sampledCounts per pattern, how often each action was sampled
 * @param greedyCounts per pattern, how often each action is what serving would send to the training
 *     users after this iteration (the last choice of the greedy roll-forward over every trained
 *     step)
 * @param actionSpaceSizes per pattern, the actions available at the end of the iteration
 * @param usage the LLM usage of this iteration alone
 */
public record RppIterationRecord(
    int iteration,
    int users,
    int failures,
    double meanReward,
    Map<PromptPattern, List<Integer>> sampledCounts,
    Map<PromptPattern, List<Integer>> greedyCounts,
    Map<PromptPattern, Integer> actionSpaceSizes,
    UsageReport usage) {

  /**
   * @param iteration 1-based iteration
   * @param users training users scheduled
   * @param failures users whose calls failed in this iteration
   * @param meanReward mean reward (NDCG at the cutoff) of the users that succeeded
   * @param sampledCounts per pattern, how often each action was sampled
   * @param greedyCounts per pattern, how often each action is what serving would send to the
   *     training users after this iteration (the last choice of the greedy roll-forward over every
   *     trained step)
   * @param actionSpaceSizes per pattern, the actions available at the end of the iteration
   * @param usage the LLM usage of this iteration alone
   * @throws NullPointerException if an argument is null
   */
  public RppIterationRecord {
    sampledCounts = RppBatchRecord.copy(sampledCounts);
    greedyCounts = RppBatchRecord.copy(greedyCounts);
    EnumMap<PromptPattern, Integer> sizes = new EnumMap<>(PromptPattern.class);
    requireNonNull(actionSpaceSizes, "actionSpaceSizes").forEach((k, v) -> sizes.put(requireNonNull(k), requireNonNull(v)));
    actionSpaceSizes = Collections.unmodifiableMap(sizes);
    requireNonNull(usage, "usage");
  }
}
