package dev.agp;

import static java.util.Objects.requireNonNull;

/**
 * A generated description of a user's preferences.
 *
 * @param userId the user it describes
 * @param text the profile, possibly empty when the LLM returned nothing
 */
public record UserProfile(String userId, String text) {

  /**
   * @param userId the user it describes
   * @param text the profile, possibly empty when the LLM returned nothing
   * @throws NullPointerException if an argument is null
   */
  public UserProfile {
    requireNonNull(userId, "userId");
    requireNonNull(text, "text");
  }
}
