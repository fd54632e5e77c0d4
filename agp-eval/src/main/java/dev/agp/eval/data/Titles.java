package dev.agp.eval.data;

import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;
import org.jspecify.annotations.Nullable;

/** Turns raw titles into what the LLM should read: entities unescaped, markup dropped, trimmed. */
final class Titles {

  private Titles() {}

  /** The cleaned title, empty when nothing readable is left. */
  static Optional<String> clean(@Nullable String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw;
    if (s.indexOf('<') >= 0 && s.indexOf('>') > s.indexOf('<')) {
      s = Jsoup.parse(s).text(); // drops tags, unescapes entities
    } else if (s.indexOf('&') >= 0) {
      s = Parser.unescapeEntities(s, false);
    }
    s = collapse(s);
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  static String collapse(String s) {
    return collapsed(s) ? s : collapseEachChar(s);
  }

  /**
   * Whether {@link #collapseEachChar} would give {@code s} back: no white space, space or control
   * character except single ASCII spaces between other characters. Most titles are, and are kept
   * as they are without a copy.
   */
  private static boolean collapsed(String s) {
    boolean afterSpace = true; // a leading space is not collapsed
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        if (afterSpace) {
          return false;
        }
        afterSpace = true;
      } else if ((c > ' ' && c < 0x7F) || (c > 0xA0 && !Character.isWhitespace(c) && !Character.isSpaceChar(c))) {
        afterSpace = false;
      } else {
        return false; // a control character, or white space other than a single ASCII space
      }
    }
    return !afterSpace || s.isEmpty();
  }

  /** White space, spaces and control characters collapsed to single spaces, none at either end. */
  static String collapseEachChar(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        space = sb.length() > 0;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
