package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An RPP+ rewrite of a base sentence that joined its pattern's action space: the rankings of
 * several training users used it (each had it written for them) and earned a good mean reward.
 *
 * @param pattern the pattern it belongs to
 * @param action its index in the pattern's action space
 * @param parent the base action it was refined from (never another rewrite)
 * @param text the sentence
 * @param reward the mean reward of the rankings that used it, one (the latest) per user
 * @param iteration the 1-based iteration it was added in
 * @param userIds the training users whose rankings are its evidence, at least {@code
 *     refineMinUsers} of them
 * @param replaced whether it took the place of a weaker refined sentence (the space was full)
 */
public record RefinedSentence(
    PromptPattern pattern,
    int action,
    int parent,
    String text,
    double reward,
    int iteration,
    List<String> userIds,
    boolean replaced) {

  /**
   * @param pattern the pattern it belongs to
   * @param action its index in the pattern's action space
   * @param parent the base action it was refined from (never another rewrite)
   * @param text the sentence
   * @param reward the mean reward of the rankings that used it, one (the latest) per user
   * @param iteration the 1-based iteration it was added in
   * @param userIds the training users whose rankings are its evidence, at least {@code
   *     refineMinUsers} of them
   * @param replaced whether it took the place of a weaker refined sentence (the space was full)
   * @throws NullPointerException if an argument or user id is null
   */
  public RefinedSentence {
    requireNonNull(pattern, "pattern");
    requireNonNull(text, "text");
    userIds = List.copyOf(userIds);
  }
}
