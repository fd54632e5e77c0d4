package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The prompt chosen for one user: an action and its sentence per pattern, and the number of
 * history items shown.
 *
 * @param actions per pattern, the 0-based index of the chosen action in that pattern's action
 *     space (for {@link PromptPattern#HISTORY_RECORDS}, the index into {@link
 *     PromptPattern#HISTORY_INCREMENTS})
 * @param sentences per pattern, the sentence put in the prompt ("" for none)
 * @param historyLength the history items shown (already capped by the user's history)
 */
public record RppPrompt(
    Map<PromptPattern, Integer> actions, Map<PromptPattern, String> sentences, int historyLength) {

  /**
   * @param actions per pattern, the 0-based index of the chosen action in that pattern's action
   *     space (for {@link PromptPattern#HISTORY_RECORDS}, the index into {@link
   *     PromptPattern#HISTORY_INCREMENTS})
   * @param sentences per pattern, the sentence put in the prompt ("" for none)
   * @param historyLength the history items shown (already capped by the user's history)
   * @throws NullPointerException if an argument or entry is null
   * @throws IllegalArgumentException if a pattern is missing, an action is negative or the
   *     history length is negative
   */
  public RppPrompt {
    requireNonNull(actions, "actions");
    requireNonNull(sentences, "sentences");
    EnumMap<PromptPattern, Integer> a = new EnumMap<>(PromptPattern.class);
    EnumMap<PromptPattern, String> s = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      Integer action = actions.get(p);
      String sentence = sentences.get(p);
      if (action == null || sentence == null) {
        throw new IllegalArgumentException("pattern " + p + " has no action or sentence");
      }
      if (action < 0) {
        throw new IllegalArgumentException("pattern " + p + ": action must be >= 0 but was " + action);
      }
      a.put(p, action);
      s.put(p, sentence);
    }
    if (historyLength < 0) {
      throw new IllegalArgumentException("historyLength must be >= 0 but was " + historyLength);
    }
    actions = Collections.unmodifiableMap(a);
    sentences = Collections.unmodifiableMap(s);
  }

  /**
   * The chosen action of {@code pattern}.
   *
   * @param pattern the pattern asked about
   * @return the action
   */
  public int action(PromptPattern pattern) {
    return actions.get(requireNonNull(pattern, "pattern"));
  }

  /**
   * The sentence of {@code pattern} ("" for none).
   *
   * @param pattern the pattern asked about
   * @return the sentence
   */
  public String sentence(PromptPattern pattern) {
    return sentences.get(requireNonNull(pattern, "pattern"));
  }

  /** This prompt with other sentences (RPP+ rewrites), the actions unchanged. */
  RppPrompt withSentences(Map<PromptPattern, String> rewrites) {
    EnumMap<PromptPattern, String> s = new EnumMap<>(sentences);
    s.putAll(rewrites);
    return new RppPrompt(actions, s, historyLength);
  }
}
