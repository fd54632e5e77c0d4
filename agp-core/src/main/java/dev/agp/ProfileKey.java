package dev.agp;

import static java.util.Objects.requireNonNull;

/**
 * Identifies a stored {@link UserProfile}: whose it is, what it was written from and with which
 * prompt. A profile depends only on the user's recent history and the model's profile prompt
 * (with its template, domain, history length, limits and sampling settings), so a key from {@link
 * AgpModel#profileKey(UserCase)} changes exactly when a stored profile stops being valid: a new
 * history item, or another model.
 *
 * @param userId the user
 * @param historyFingerprint SHA-256 (hex) of the history items the profile is written from: ids,
 *     titles and attributes, oldest first
 * @param promptFingerprint SHA-256 (hex) of everything in the model that shapes a profile
 */
public record ProfileKey(String userId, String historyFingerprint, String promptFingerprint) {

  /**
   * @param userId the user
   * @param historyFingerprint SHA-256 (hex) of the history items the profile is written from: ids,
   *     titles and attributes, oldest first
   * @param promptFingerprint SHA-256 (hex) of everything in the model that shapes a profile
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public ProfileKey {
    requireNonNull(userId, "userId");
    requireNonNull(historyFingerprint, "historyFingerprint");
    requireNonNull(promptFingerprint, "promptFingerprint");
    if (userId.isBlank() || historyFingerprint.isBlank() || promptFingerprint.isBlank()) {
      throw new IllegalArgumentException("a profile key needs a user id and both fingerprints: " + this);
    }
  }

  /**
   * The key as one string, {@code promptFingerprint/historyFingerprint/userId}, for stores keyed by
   * text (a Redis key, a database column). The user id comes last so it may contain any character.
   *
   * @return the key as text
   */
  public String asText() {
    return promptFingerprint + "/" + historyFingerprint + "/" + userId;
  }
}
