package dev.agp;

import static java.util.Objects.requireNonNull;

/**
 * The shared profile-generation instruction that AGP learns ({@code p_gen} in the paper).
 *
 * @param text the instruction, non-blank
 */
public record ProfilePrompt(String text) {

  /**
   * @param text the instruction, non-blank
   * @throws NullPointerException if text is null
   * @throws IllegalArgumentException if text is blank
   */
  public ProfilePrompt {
    requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new IllegalArgumentException("profile prompt must not be blank");
    }
  }
}
