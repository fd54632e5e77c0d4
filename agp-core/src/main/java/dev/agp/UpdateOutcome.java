package dev.agp;

/** What happened to a batch's proposed prompt. */
public enum UpdateOutcome {
  /** The new prompt replaced the old one. */
  ACCEPTED,
  /** The optimizer returned the same prompt. */
  UNCHANGED,
  /** The proposal was unusable (no markers, empty, too long) and the old prompt was kept. */
  REJECTED,
  /** Greedy acceptance re-scored the batch and kept the old prompt because it scored higher. */
  REVERTED,
  /** Every user of the batch failed, so no update was attempted. */
  SKIPPED
}
