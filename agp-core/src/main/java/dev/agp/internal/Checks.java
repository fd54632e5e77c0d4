package dev.agp.internal;

import dev.agp.UserCase;
import dev.agp.prompt.CandidateLabels;

/** Builder argument checks: an IllegalArgumentException naming the option and the bad value. */
public final class Checks {

  private Checks() {}

  /**
   * @param name the value's name, for the message
   * @param value the value checked
   * @param min the least allowed value
   * @return the value
   * @throws IllegalArgumentException if value is below min
   */
  public static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
    }
    return value;
  }

  /**
   * @param name the value's name, for the message
   * @param value the value checked
   * @param min the least allowed value
   * @param max the greatest allowed value
   * @return the value
   * @throws IllegalArgumentException if value is outside [min, max]
   */
  public static int between(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "] but was " + value);
    }
    return value;
  }

  /**
   * @param name the value's name, for the message
   * @param value the value checked
   * @param min the least allowed value
   * @param max the greatest allowed value
   * @return the value
   * @throws IllegalArgumentException if value is outside [min, max] or NaN
   */
  public static double between(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "] but was " + value);
    }
    return value;
  }

  /**
   * A sampling temperature, in [0, 2].
   *
   * @param value the temperature checked
   * @return the value
   * @throws IllegalArgumentException if it is outside [0, 2] or NaN
   */
  public static double temperature(double value) {
    return between("temperature", value, 0, 2);
  }

  /**
   * The domain word, stripped.
   *
   * @param domain the domain word
   * @return the word, stripped
   * @throws IllegalArgumentException if it is blank or longer than 40 characters
   */
  public static String domain(String domain) {
    if (domain.isBlank() || domain.length() > 40) {
      throw new IllegalArgumentException(
          "domain must be a non-blank word of at most 40 characters but was \"" + domain + "\"");
    }
    return domain.strip();
  }

  /**
   * A case whose candidates can all be shown under labels.
   *
   * @param user the case checked
   * @return the same case
   * @throws IllegalArgumentException naming the user, when it has more than {@link
   *     CandidateLabels#MAX_CANDIDATES} candidates
   */
  public static UserCase labelable(UserCase user) {
    if (user.candidates().size() > CandidateLabels.MAX_CANDIDATES) {
      throw new IllegalArgumentException(
          "user " + user.userId() + " has " + user.candidates().size() + " candidates; at most "
              + CandidateLabels.MAX_CANDIDATES + " can be shown under labels");
    }
    return user;
  }

  /**
   * Item attribute keys to show in prompts: non-blank, distinct, at most 20, stripped.
   *
   * @param keys the attribute keys, in the order shown
   * @return the keys, stripped, as an unmodifiable list
   * @throws NullPointerException if the list or a key is null
   * @throws IllegalArgumentException if a key is blank or repeated, or there are more than 20
   */
  public static java.util.List<String> attributeKeys(java.util.List<String> keys) {
    java.util.Objects.requireNonNull(keys, "keys");
    if (keys.size() > 20) {
      throw new IllegalArgumentException("at most 20 attributes can be shown but " + keys.size() + " were given");
    }
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String k : keys) {
      java.util.Objects.requireNonNull(k, "attribute key");
      if (k.isBlank()) {
        throw new IllegalArgumentException("an attribute key must not be blank");
      }
      if (!out.add(k.strip())) {
        throw new IllegalArgumentException("attribute key \"" + k.strip() + "\" is given twice");
      }
    }
    return java.util.List.copyOf(out);
  }
}
