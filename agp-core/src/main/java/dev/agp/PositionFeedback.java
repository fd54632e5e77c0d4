package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Position-based feedback for one user, computed in code from the ranking and the ground truth.
 *
 * @param userId the user
 * @param placements one entry per relevant item, in ranking order
 * @param averagePosition the mean 1-based position of the relevant items ({@code avgPos(u)})
 * @param ndcg NDCG of the ranking at the optimizer's cutoff (binary relevance)
 * @param text the feedback rendered for the LLM
 */
public record PositionFeedback(
    String userId, List<ItemPlacement> placements, double averagePosition, double ndcg, String text) {

  /**
   * @param userId the user
   * @param placements one entry per relevant item, in ranking order
   * @param averagePosition the mean 1-based position of the relevant items ({@code avgPos(u)})
   * @param ndcg NDCG of the ranking at the optimizer's cutoff (binary relevance)
   * @param text the feedback rendered for the LLM
   * @throws IllegalArgumentException if the average position is below 1 or NDCG is outside [0, 1]
   */
  public PositionFeedback {
    requireNonNull(userId, "userId");
    placements = List.copyOf(requireNonNull(placements, "placements"));
    requireNonNull(text, "text");
    if (!(averagePosition >= 1)) {
      throw new IllegalArgumentException("averagePosition must be >= 1 but was " + averagePosition);
    }
    if (!(ndcg >= 0 && ndcg <= 1 + 1e-9)) {
      throw new IllegalArgumentException("ndcg must be in [0, 1] but was " + ndcg);
    }
  }

  /**
   * Whether every relevant item sits at its target: such users need no critique.
   *
   * @return true when every relevant item sits at its target
   */
  public boolean atTarget() {
    return placements.stream().allMatch(ItemPlacement::atTarget);
  }
}
