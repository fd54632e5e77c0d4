package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

/**
 * An RPP+ rewrite that earned a good reward and joined its pattern's action space.
 *
 * @param pattern the pattern it belongs to
 * @param action its index in the pattern's action space
 * @param parent the base action it was refined from
 * @param text the sentence
 * @param reward the reward the user's ranking earned with it
 * @param iteration the 1-based iteration it was added in
 * @param userId the training user it was written for
 * @param replaced whether it took the place of a weaker refined sentence (the space was full)
 */
public record RefinedSentence(
    PromptPattern pattern,
    int action,
    int parent,
    String text,
    double reward,
    int iteration,
    String userId,
    boolean replaced) {

  /** @throws NullPointerException if an argument is null */
  public RefinedSentence {
    requireNonNull(pattern, "pattern");
    requireNonNull(text, "text");
    requireNonNull(userId, "userId");
  }
}
