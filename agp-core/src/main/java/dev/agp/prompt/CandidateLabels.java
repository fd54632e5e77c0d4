package dev.agp.prompt;

import java.util.OptionalInt;

/**
 * The opaque labels candidates are shown under: {@code A}..{@code Z}, then {@code AA}..{@code
 * ZZ}. Never raw ids and never 0-based integers, which LLMs confuse with ranks.
 */
public final class CandidateLabels {

  /** The most candidates one list can label. */
  public static final int MAX_CANDIDATES = 26 + 26 * 26;

  private CandidateLabels() {}

  /**
   * The label of the candidate at 0-based {@code index}.
   *
   * @param index the candidate's 0-based index
   * @return the label: {@code A} to {@code Z}, then {@code AA}, {@code AB}, ...
   * @throws IllegalArgumentException if index is outside [0, MAX_CANDIDATES)
   */
  public static String label(int index) {
    if (index < 0 || index >= MAX_CANDIDATES) {
      throw new IllegalArgumentException(
          "candidate index must be in [0, " + MAX_CANDIDATES + ") but was " + index);
    }
    if (index < 26) {
      return String.valueOf((char) ('A' + index));
    }
    int i = index - 26;
    return "" + (char) ('A' + i / 26) + (char) ('A' + i % 26);
  }

  /**
   * The 0-based index of {@code label} (upper case), or empty when it is not a label shape.
   *
   * @param label a label, in upper case
   * @return the index, or empty
   */
  public static OptionalInt index(String label) {
    if (label.length() == 1 && label.charAt(0) >= 'A' && label.charAt(0) <= 'Z') {
      return OptionalInt.of(label.charAt(0) - 'A');
    }
    if (label.length() == 2
        && label.charAt(0) >= 'A'
        && label.charAt(0) <= 'Z'
        && label.charAt(1) >= 'A'
        && label.charAt(1) <= 'Z') {
      return OptionalInt.of(26 + (label.charAt(0) - 'A') * 26 + (label.charAt(1) - 'A'));
    }
    return OptionalInt.empty();
  }

  /**
   * The format illustration the built-in prompts show: {@code "C, A, B"} (three labels, not in
   * label order), or {@code "B, A"} / {@code "A"} for shorter lists. It is deliberately not the
   * identity order of the list being ranked: a model that copies an example of {@code "A, B, C,
   * ..."} returns the base order unnoticed, while a copy of this one names three candidates and
   * shows up as a repaired answer. The prompts say it is an illustration with three labels.
   *
   * @param count the number of candidates ranked, {@code >= 1}
   * @return the illustration, for example {@code "C, A, B"}
   * @throws IllegalArgumentException if count is below 1
   */
  public static String example(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1 but was " + count);
    }
    return count >= 3 ? "C, A, B" : count == 2 ? "B, A" : "A";
  }
}
