package dev.agp;

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

  /** The 0-based index of {@code label} (upper case), or empty when it is not a label shape. */
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

  /** {@code "A, B, C"} for a list of {@code count} candidates (the format example in prompts). */
  public static String example(int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ", ").append(label(i));
    }
    return sb.toString();
  }
}
