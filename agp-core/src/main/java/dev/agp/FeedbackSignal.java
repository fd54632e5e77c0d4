package dev.agp;

/** What the optimizer learns from (the paper's feedback ablation). */
public enum FeedbackSignal {
  /** Which relevant item sat where, where it should be, and what the profile pushed above it. */
  POSITIONS,
  /**
   * Only the batch's mean NDCG and how many users had a relevant item below its target: no
   * positions, no critiques, no summarising call; the update sees the score alone.
   */
  SCORE_ONLY
}
