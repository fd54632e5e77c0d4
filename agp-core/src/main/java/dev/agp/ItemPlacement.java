package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where one relevant item landed in a ranking, and where it should have been.
 *
 * @param itemId the relevant item
 * @param title its title
 * @param position its 1-based position in the LLM's ranking
 * @param targetPosition its 1-based place among the user's relevant items (1 for a single
 *     held-out item)
 * @param rankedAbove titles of non-relevant items the profile pushed above it, best first
 */
public record ItemPlacement(
    String itemId, String title, int position, int targetPosition, List<String> rankedAbove) {

  /**
   * @param itemId the relevant item
   * @param title its title
   * @param position its 1-based position in the LLM's ranking
   * @param targetPosition its 1-based place among the user's relevant items (1 for a single
   *     held-out item)
   * @param rankedAbove titles of non-relevant items the profile pushed above it, best first
   * @throws IllegalArgumentException if a position is below 1
   */
  public ItemPlacement {
    requireNonNull(itemId, "itemId");
    requireNonNull(title, "title");
    rankedAbove = List.copyOf(requireNonNull(rankedAbove, "rankedAbove"));
    if (position < 1 || targetPosition < 1) {
      throw new IllegalArgumentException(
          "positions are 1-based: position " + position + ", target " + targetPosition);
    }
  }

  /** {@return whether the item sits at (or above) its target} */
  public boolean atTarget() {
    return position <= targetPosition;
  }
}
