package dev.agp;

/** Turns a ranking and the ground truth into position-based feedback. Pure code, no LLM. */
@FunctionalInterface
public interface FeedbackCalculator {

  /**
   * @param user the user, with relevant items
   * @param ranking a permutation of the user's candidates
   * @return the feedback: placements, average position, NDCG and text
   * @throws IllegalArgumentException if the ranking is not a permutation of the user's
   *     candidates or the user has no relevant items
   */
  PositionFeedback feedback(UserCase user, Ranking ranking);

  /**
   * The built-in calculator, to decorate: for each relevant item its position, its target (its
   * place among the relevant items) and the items ranked above it, in words that call items
   * {@code domain}s; NDCG at {@code cutoff}; titles capped at {@code maxTitleChars}. What {@link
   * AgpOptimizer} uses unless given another.
   *
   * @param cutoff the NDCG cutoff
   * @param maxTitleChars the longest title shown in the feedback text
   * @param domain the word for what is recommended, for example {@code movie}
   * @return the calculator
   * @throws NullPointerException if domain is null
   * @throws IllegalArgumentException if cutoff is below 1 or maxTitleChars below 10
   */
  static FeedbackCalculator positions(int cutoff, int maxTitleChars, String domain) {
    java.util.Objects.requireNonNull(domain, "domain");
    dev.agp.internal.Checks.atLeast("cutoff", cutoff, 1);
    dev.agp.internal.Checks.atLeast("maxTitleChars", maxTitleChars, 10);
    return new PositionFeedbackCalculator(cutoff, maxTitleChars, domain);
  }
}
