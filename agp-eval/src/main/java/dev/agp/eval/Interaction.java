package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One user-item interaction: a rating, a review, a purchase or a shelving.
 *
 * @param userId the user's id, non-blank
 * @param itemId the item's id, non-blank
 * @param rating the rating as the dataset gives it (0 when it has none), finite
 * @param timestamp when it happened
 */
public record Interaction(String userId, String itemId, double rating, Instant timestamp) {

  /**
   * @param userId the user's id, non-blank
   * @param itemId the item's id, non-blank
   * @param rating the rating as the dataset gives it (0 when it has none), finite
   * @param timestamp when it happened
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an id is blank or the rating is not finite
   */
  public Interaction {
    requireNonNull(userId, "userId");
    requireNonNull(itemId, "itemId");
    requireNonNull(timestamp, "timestamp");
    if (blank(userId)) {
      throw new IllegalArgumentException("userId must not be blank");
    }
    if (blank(itemId)) {
      throw new IllegalArgumentException("user " + userId + ": itemId must not be blank");
    }
    if (!Double.isFinite(rating)) {
      throw new IllegalArgumentException(
          "user " + userId + ", item " + itemId + ": rating must be finite but was " + rating);
    }
  }

  /** {@link String#isBlank()}, answered at once for an id that starts with a printable ASCII character. */
  private static boolean blank(String s) {
    if (s.isEmpty()) {
      return true;
    }
    char c = s.charAt(0);
    return (c <= ' ' || c >= 0x7F) && s.isBlank();
  }
}
