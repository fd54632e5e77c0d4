package dev.agp;

import java.util.List;

/**
 * What a fit did: every batch and every validation, and how it ended.
 *
 * @param epochs validation records, epoch 0 (initial prompt) first
 * @param batches batch records in order
 * @param bestEpoch the epoch whose prompt was selected (0 = the initial prompt)
 * @param bestValidationNdcg its validation score
 * @param stoppedEarly whether patience ran out before the last epoch
 */
public record FitHistory(
    List<EpochRecord> epochs,
    List<BatchRecord> batches,
    int bestEpoch,
    double bestValidationNdcg,
    boolean stoppedEarly) {

  /** An empty history. */
  public static final FitHistory EMPTY = new FitHistory(List.of(), List.of(), 0, 0, false);

  /**
   * @param epochs validation records, epoch 0 (initial prompt) first
   * @param batches batch records in order
   * @param bestEpoch the epoch whose prompt was selected (0 = the initial prompt)
   * @param bestValidationNdcg its validation score
   * @param stoppedEarly whether patience ran out before the last epoch
   * @throws NullPointerException if a list is null
   */
  public FitHistory {
    epochs = List.copyOf(epochs);
    batches = List.copyOf(batches);
  }

  /**
   * Updates refused or reverted over the whole fit.
   *
   * @return the number of rejected updates
   */
  public long rejectedUpdates() {
    return batches.stream()
        .filter(b -> b.outcome() == UpdateOutcome.REJECTED || b.outcome() == UpdateOutcome.REVERTED)
        .count();
  }

  /**
   * Training and validation user failures over the whole fit.
   *
   * @return the number of failed users
   */
  public long failedUsers() {
    return batches.stream().mapToLong(b -> b.failures().size()).sum()
        + epochs.stream().mapToLong(e -> e.failures().size()).sum();
  }
}
