package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import dev.agp.UserFailure;
import dev.agp.llm.UsageReport;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of an RPP fit: its users' calls ran concurrently, then their updates were applied in
 * schedule order.
 *
 * @param iteration 1-based iteration
 * @param batch 1-based batch within the iteration
 * @param userIds the batch's users, in schedule order
 * @param failures users whose calls failed; they were left out of the updates
 * @param meanReward mean reward (NDCG at the cutoff) of the users that succeeded, 0 if none did
 * @param actionCounts per pattern, how often each action was sampled in this batch
 * @param refinedAdded RPP+ sentences that joined an action space after this batch
 * @param rejectedRewrites RPP+ rewrites that were unusable (missing, blank or too long)
 * @param pendingRewrites RPP+ rewrites of base sentences still waiting, after this batch, for
 *     evidence from enough users
 * @param forgottenRewrites waiting RPP+ rewrites dropped in this batch because too many waited
 * @param usage the LLM usage of this batch alone
 */
public record RppBatchRecord(
    int iteration,
    int batch,
    List<String> userIds,
    List<UserFailure> failures,
    double meanReward,
    Map<PromptPattern, List<Integer>> actionCounts,
    int refinedAdded,
    int rejectedRewrites,
    int pendingRewrites,
    int forgottenRewrites,
    UsageReport usage) {

  /**
   * @param iteration 1-based iteration
   * @param batch 1-based batch within the iteration
   * @param userIds the batch's users, in schedule order
   * @param failures users whose calls failed; they were left out of the updates
   * @param meanReward mean reward (NDCG at the cutoff) of the users that succeeded, 0 if none did
   * @param actionCounts per pattern, how often each action was sampled in this batch
   * @param refinedAdded RPP+ sentences that joined an action space after this batch
   * @param rejectedRewrites RPP+ rewrites that were unusable (missing, blank or too long)
   * @param pendingRewrites RPP+ rewrites of base sentences still waiting, after this batch, for
   *     evidence from enough users
   * @param forgottenRewrites waiting RPP+ rewrites dropped in this batch because too many waited
   * @param usage the LLM usage of this batch alone
   * @throws NullPointerException if an argument is null
   */
  public RppBatchRecord {
    userIds = List.copyOf(userIds);
    failures = List.copyOf(failures);
    actionCounts = copy(actionCounts);
    requireNonNull(usage, "usage");
  }

  /**
   * Users of the batch that succeeded.
   *
   * @return the number of users that succeeded
   */
  public int succeeded() {
    return userIds.size() - failures.size();
  }

  static Map<PromptPattern, List<Integer>> copy(Map<PromptPattern, List<Integer>> counts) {
    EnumMap<PromptPattern, List<Integer>> m = new EnumMap<>(PromptPattern.class);
    requireNonNull(counts, "actionCounts").forEach((k, v) -> m.put(requireNonNull(k), List.copyOf(v)));
    return Collections.unmodifiableMap(m);
  }
}
