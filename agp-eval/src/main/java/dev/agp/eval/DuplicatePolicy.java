package dev.agp.eval;

/**
 * What {@link LeaveOneOut} does when a user interacted with the same item more than once (a
 * re-rating, a second review, a re-read). Removed repeats are counted in {@link
 * LooSplit.Report#duplicatesRemoved()}.
 */
public enum DuplicatePolicy {
  /**
   * Keep the latest interaction with the item (by timestamp; for equal timestamps the later
   * one in the input), drop the earlier ones: the item sits where the user last met it. The
   * default.
   */
  KEEP_LAST,
  /** Keep the earliest interaction with the item, drop the later ones: first consumption. */
  KEEP_FIRST,
  /**
   * Keep every repeat. The held-out item may then also be in the user's history; base
   * recommenders never recommend consumed items, so such a user never becomes a candidate case
   * (the protocol counts it as a user whose held-out item the base cannot rank).
   */
  KEEP_ALL
}
