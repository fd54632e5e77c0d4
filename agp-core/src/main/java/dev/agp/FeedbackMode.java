package dev.agp;

/** How per-user feedback reaches the batch summary. */
public enum FeedbackMode {
  /**
   * The paper's method: one CRITIQUE call per user not at target, then one SUMMARIZE call per
   * batch over the weighted critiques. At most {@code (3B + 2) N / B} calls per epoch.
   */
  PAPER,
  /**
   * No per-user calls: the SUMMARIZE call reads the weighted profiles and position feedback and
   * critiques them itself. At most {@code (2B + 2) N / B} calls per epoch.
   */
  COMPACT
}
