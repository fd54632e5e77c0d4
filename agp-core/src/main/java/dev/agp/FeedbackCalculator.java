package dev.agp;

/** Turns a ranking and the ground truth into position-based feedback. Pure code, no LLM. */
@FunctionalInterface
public interface FeedbackCalculator {

  /**
   * @throws IllegalArgumentException if the ranking is not a permutation of the user's
   *     candidates or the user has no relevant items
   */
  PositionFeedback feedback(UserCase user, Ranking ranking);
}
