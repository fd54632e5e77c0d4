package dev.agp.prompt;

import static java.util.Objects.requireNonNull;

import dev.agp.prompt.AnswerText;

/**
 * Prepares text the SDK does not control (titles, histories, generated profiles, critiques,
 * summaries, optimiser output and RPP+ rewrites) for a prompt, by code point after NFKC
 * normalisation:
 *
 * <ul>
 *   <li>format, control, private-use, unpaired-surrogate and other default-ignorable characters
 *       (zero-width spaces and joiners, bidi overrides, tag characters, variation selectors) are
 *       dropped; the line and paragraph separators U+2028, U+2029 and NEL become spaces, and so
 *       do tabs;
 *   <li>every bracket a model could read as the delimiter of a block or a label — {@code < >}
 *       and their look-alikes in any script ({@code ‹ › « » 〈 〉 《 》 ⟨ ⟩ ❮ ❯ ⧼ ⧽ ≪ ≫}, fullwidth
 *       and small forms through NFKC), {@code [ ]} and theirs ({@code 【 】 〔 〕 ⟦ ⟧ ⁅ ⁆}) —
 *       becomes a parenthesis, so the text can neither open nor close a {@code <tag>} block;
 *   <li>one or two letters in parentheses, which read like a candidate label ({@code (B)}),
 *       are shown in ornamental parentheses instead: {@code ❨B❩};
 *   <li>the length is capped (never splitting a surrogate pair).
 * </ul>
 *
 * Neutralising neutralised text changes nothing.
 */
public final class UntrustedText {

  /** Marks text cut at its cap. */
  public static final String ELLIPSIS = "…";

  /** Replaces the parentheses around a label-shaped word. */
  static final char LABEL_OPEN = '❨';
  /** Replaces the parentheses around a label-shaped word. */
  static final char LABEL_CLOSE = '❩';

  private static final String OPENING = "<‹«〈《⟨⟪˂ᐸ❬❮❰⧼≪[【〔〖〘〚⟦⁅⦋⦍⦏";
  private static final String CLOSING = ">›»〉》⟩⟫˃ᐳ❭❯❱⧽≫]】〕〗〙〛⟧⁆⦌⦎⦐";

  private UntrustedText() {}

  /**
   * Multi-line text for a delimited block, at most {@code maxChars} characters.
   *
   * @param text the text, from a user, a catalogue or a model
   * @param maxChars the most characters kept
   * @return the text, safe inside the prompt's delimiters
   * @throws NullPointerException if text is null
   * @throws IllegalArgumentException if maxChars is below 1
   */
  public static String block(String text, int maxChars) {
    return cap(neutralise(requireNonNull(text, "text"), false, maxChars), maxChars);
  }

  /**
   * One line (a title or a sentence): line breaks become spaces, then as {@link #block}, stripped,
   * at most {@code maxChars} characters.
   *
   * @param text the text, from a user, a catalogue or a model
   * @param maxChars the most characters kept
   * @return the line
   * @throws NullPointerException if text is null
   * @throws IllegalArgumentException if maxChars is below 1
   */
  public static String line(String text, int maxChars) {
    return cap(neutralise(requireNonNull(text, "text"), true, maxChars).strip(), maxChars);
  }

  private static String neutralise(String text, boolean singleLine, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1 but was " + maxChars);
    }
    // what is cut off anyway need not be normalised: keep a generous margin for dropped characters
    long keep = 4L * maxChars + 64;
    String s = text.length() > keep ? text.substring(0, end(text, (int) keep)) : text;
    for (int pass = 0; pass < 3; pass++) {
      String n = AnswerText.nfkc(s);
      String out = labelShapes(filter(n, singleLine));
      if (out.equals(s)) {
        break;
      }
      s = out;
    }
    return s;
  }

  private static String filter(String s, boolean singleLine) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp == '\r') {
        sb.append(singleLine ? ' ' : '\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          n = 2;
        }
      } else if (cp == '\n') {
        sb.append(singleLine ? ' ' : '\n');
      } else if (cp == '\t' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        sb.append(' ');
      } else if (AnswerText.invisible(cp)) {
        // dropped
      } else if (cp < 0x10000 && OPENING.indexOf(cp) >= 0) {
        sb.append('(');
      } else if (cp < 0x10000 && CLOSING.indexOf(cp) >= 0) {
        sb.append(')');
      } else {
        sb.appendCodePoint(cp);
      }
      i += n;
    }
    return sb.toString();
  }

  /** {@code (B)}, {@code ( ab )}: one or two ASCII letters in parentheses, shown as {@code ❨B❩}. */
  private static String labelShapes(String s) {
    int open = s.indexOf('(');
    if (open < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int copied = 0;
    while (open >= 0) {
      int i = open + 1;
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      int letters = i;
      while (i < s.length() && i - letters < 3 && isAsciiLetter(s.charAt(i))) {
        i++;
      }
      int count = i - letters;
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (count >= 1 && count <= 2 && i < s.length() && s.charAt(i) == ')') {
        sb.append(s, copied, open).append(LABEL_OPEN).append(s, letters, letters + count).append(LABEL_CLOSE);
        copied = i + 1;
        open = s.indexOf('(', i + 1);
      } else {
        open = s.indexOf('(', open + 1);
      }
    }
    return sb.append(s, copied, s.length()).toString();
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** {@code max}, or one less when that would split a surrogate pair. */
  private static int end(String s, int max) {
    return max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
  }

  private static String cap(String s, int maxChars) {
    if (s.length() <= maxChars) {
      return s;
    }
    int e = Math.max(0, maxChars - ELLIPSIS.length());
    return s.substring(0, end(s, e)) + ELLIPSIS;
  }
}
