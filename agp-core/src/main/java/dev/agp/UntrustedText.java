package dev.agp;

import static java.util.Objects.requireNonNull;

/**
 * Prepares text the SDK does not control (titles, histories, generated profiles and critiques)
 * for a prompt: control characters are removed, angle brackets become look-alikes ({@code ‹ ›})
 * so the text cannot open or close the prompt's delimited blocks, and the length is capped.
 */
public final class UntrustedText {

  /** Marks text cut at its cap. */
  public static final String ELLIPSIS = "…";

  private UntrustedText() {}

  /**
   * Multi-line text for a delimited block, at most {@code maxChars} characters.
   *
   * @throws IllegalArgumentException if maxChars is below 1
   */
  public static String block(String text, int maxChars) {
    return cap(neutralise(requireNonNull(text, "text"), false), maxChars);
  }

  /**
   * One line (a title): newlines become spaces, square brackets become parentheses so a title
   * cannot pose as a candidate label, at most {@code maxChars} characters.
   *
   * @throws IllegalArgumentException if maxChars is below 1
   */
  public static String line(String text, int maxChars) {
    String s = neutralise(requireNonNull(text, "text"), true).replace('[', '(').replace(']', ')');
    return cap(s.strip(), maxChars);
  }

  private static String neutralise(String text, boolean singleLine) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append('‹');
        case '>' -> sb.append('›');
        case '\r' -> {
          if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
            sb.append(singleLine ? ' ' : '\n');
          }
        }
        case '\n' -> sb.append(singleLine ? ' ' : '\n');
        case '\t' -> sb.append(' ');
        default -> {
          if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  private static String cap(String s, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1 but was " + maxChars);
    }
    if (s.length() <= maxChars) {
      return s;
    }
    int end = maxChars - ELLIPSIS.length();
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, Math.max(0, end)) + ELLIPSIS;
  }
}
