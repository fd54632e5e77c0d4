package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.UsageReport;
import java.util.List;

/**
 * One training batch, as recorded in {@link FitHistory}.
 *
 * @param epoch 1-based epoch
 * @param batch 1-based batch within the epoch
 * @param userIds the batch's users, in schedule order
 * @param failures users that failed and were left out
 * @param ndcg the batch's mean NDCG at the cutoff, under the prompt before the update
 * @param averagePosition mean position of the batch's relevant items
 * @param strength the update strength told to the optimizer
 * @param feedback the feedback text the optimizer received
 * @param summarised whether an LLM summarised that feedback
 * @param droppedUsers users whose feedback did not fit the size cap
 * @param promptBefore the prompt the batch was run with
 * @param promptAfter the prompt after the update
 * @param outcome what happened to the proposal
 * @param reason why it was rejected or reverted, else ""
 * @param usage the LLM usage of this batch alone
 */
public record BatchRecord(
    int epoch,
    int batch,
    List<String> userIds,
    List<UserFailure> failures,
    double ndcg,
    double averagePosition,
    UpdateStrength strength,
    String feedback,
    boolean summarised,
    int droppedUsers,
    String promptBefore,
    String promptAfter,
    UpdateOutcome outcome,
    String reason,
    UsageReport usage) {

  /**
   * @param epoch 1-based epoch
   * @param batch 1-based batch within the epoch
   * @param userIds the batch's users, in schedule order
   * @param failures users that failed and were left out
   * @param ndcg the batch's mean NDCG at the cutoff, under the prompt before the update
   * @param averagePosition mean position of the batch's relevant items
   * @param strength the update strength told to the optimizer
   * @param feedback the feedback text the optimizer received
   * @param summarised whether an LLM summarised that feedback
   * @param droppedUsers users whose feedback did not fit the size cap
   * @param promptBefore the prompt the batch was run with
   * @param promptAfter the prompt after the update
   * @param outcome what happened to the proposal
   * @param reason why it was rejected or reverted, else ""
   * @param usage the LLM usage of this batch alone
   * @throws NullPointerException if an argument is null
   */
  public BatchRecord {
    userIds = List.copyOf(userIds);
    failures = List.copyOf(failures);
    requireNonNull(strength, "strength");
    requireNonNull(feedback, "feedback");
    requireNonNull(promptBefore, "promptBefore");
    requireNonNull(promptAfter, "promptAfter");
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
    requireNonNull(usage, "usage");
  }
}
