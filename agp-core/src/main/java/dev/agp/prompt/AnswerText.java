package dev.agp.prompt;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Model answers made safe to read: capped in size, normalised (NFKC, invisible characters
 * dropped, line separators of every script as {@code \n}, the punctuation of CJK scripts as its
 * ASCII counterpart), and scanned for {@code <tag>...</tag>} blocks in one linear pass. Every
 * method runs in time linear in its input; none uses a regular expression.
 */
public final class AnswerText {

  /**
   * {@code s} in Unicode normalisation form NFKC. Text that is all ASCII is its own NFKC form, and
   * most prompts and answers are: they skip the normaliser (and, in a fresh JVM, loading its data).
   */
  static String nfkc(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFKC) ? s : Normalizer.normalize(s, Normalizer.Form.NFKC);
      }
    }
    return s;
  }

  /**
   * The longest answer read, in UTF-16 chars: far above any output cap a caller sets (32k tokens
   * are about 130k chars). A longer answer keeps its first and last halves.
   */
  public static final int MAX_CHARS = 262_144;

  private AnswerText() {}

  /**
   * {@code text} cut to {@link #MAX_CHARS}: its first and last halves joined by a newline.
   *
   * @param text the answer, of any length
   * @return the text, or its ends when it is longer
   */
  public static String cap(String text) {
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    int half = MAX_CHARS / 2;
    int headEnd = half;
    if (Character.isHighSurrogate(text.charAt(headEnd - 1))) {
      headEnd--;
    }
    int tailStart = text.length() - half;
    if (Character.isLowSurrogate(text.charAt(tailStart))) {
      tailStart++;
    }
    return text.substring(0, headEnd) + "\n" + text.substring(tailStart);
  }

  /**
   * The capped answer in the form the parsers read: NFKC (fullwidth letters and brackets become
   * ASCII), CR, CRLF, NEL and the Unicode line and paragraph separators become {@code \n}, tabs
   * and other whitespace controls a space; format, control, private-use, unpaired surrogate and
   * other default-ignorable characters (zero-width spaces, joiners, bidi controls, tag characters,
   * variation selectors) are dropped; the CJK comma, full stop and lenticular brackets become
   * {@code , . [ ]}.
   *
   * @param answer a model's answer
   * @return the normalised text
   */
  public static String normalise(String answer) {
    String capped = cap(answer);
    String nfkc = nfkc(capped);
    String s = cap(nfkc);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp == '\r') {
        sb.append('\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          n = 2;
        }
      } else if (cp == '\n' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        sb.append('\n');
      } else if (cp == '\t' || cp == 0x0B || cp == 0x0C) {
        sb.append(' ');
      } else if (cp == 0x3001 || cp == 0xFF64) {
        sb.append(',');
      } else if (cp == 0x3002 || cp == 0xFF61) {
        sb.append('.');
      } else if (cp == 0x3010 || cp == 0x3014 || cp == 0x3016) {
        sb.append('[');
      } else if (cp == 0x3011 || cp == 0x3015 || cp == 0x3017) {
        sb.append(']');
      } else if (!invisible(cp)) {
        sb.appendCodePoint(cp);
      }
      i += n;
    }
    return sb.toString();
  }

  /**
   * Whether {@code cp} is dropped from untrusted text: controls (tab, newline and carriage return
   * are handled by the callers), format characters (zero-width, bidi, tags), private use,
   * unpaired surrogates, noncharacters, and the default-ignorable code points of Unicode that are
   * not format characters (variation selectors, fillers, the combining grapheme joiner).
   *
   * @param cp a code point
   * @return true when it is dropped
   */
  public static boolean invisible(int cp) {
    int type = Character.getType(cp);
    if (type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
        || type == Character.SURROGATE) {
      return true;
    }
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
      return true; // noncharacters
    }
    return cp == 0x034F
        || cp == 0x115F || cp == 0x1160
        || cp == 0x17B4 || cp == 0x17B5
        || (cp >= 0x180B && cp <= 0x180F)
        || cp == 0x3164 || cp == 0xFFA0
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || (cp >= 0xFFF0 && cp <= 0xFFF8)
        || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
        || (cp >= 0x1D173 && cp <= 0x1D17A)
        || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  /**
   * The inner ranges of {@code <name>} blocks, in order: each runs from the end of an opening tag
   * to the next opening or closing tag of that name, or to the end of the text. Tags match without
   * case and with spaces inside ({@code < / Ranking >}); the ranges never overlap.
   *
   * @param text normalised text
   * @param name the tag name, lower case
   * @return {@code [start, end, closed]} triples, closed being 1 when a closing tag ends the range
   */
  public static List<int[]> blocks(String text, String name) {
    List<int[]> tags = tags(text, name);
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < tags.size(); k++) {
      int[] t = tags.get(k);
      if (t[2] == 1) {
        continue; // a closing tag opens nothing
      }
      int end = k + 1 < tags.size() ? tags.get(k + 1)[0] : text.length();
      boolean closed = k + 1 < tags.size() && tags.get(k + 1)[2] == 1;
      out.add(new int[] {t[1], end, closed ? 1 : 0});
    }
    return out;
  }

  /**
   * The text of the last {@code <name>...</name>} block that is closed, or null. Runs in one
   * pass; blocks are delimited as in {@link #blocks}.
   *
   * @param text the text searched, already normalised
   * @param name the tag's name
   * @return the block's text, or null when no block is closed
   */
  public static String lastClosed(String text, String name) {
    List<int[]> b = blocks(text, name);
    for (int k = b.size() - 1; k >= 0; k--) {
      if (b.get(k)[2] == 1) {
        return text.substring(b.get(k)[0], b.get(k)[1]);
      }
    }
    return null;
  }

  /**
   * Every {@code <name>} and {@code </name>} tag as {@code [start, end, closing]} (closing is 1 for
   * a closing tag), in order; one pass, without case, with spaces allowed inside the tag.
   *
   * @param text the text searched, already normalised
   * @param name the tag's name
   * @return the tags, in order
   */
  public static List<int[]> tags(String text, String name) {
    List<int[]> out = new ArrayList<>();
    int n = text.length();
    int i = text.indexOf('<');
    while (i >= 0) {
      int j = skipSpaces(text, i + 1);
      boolean closing = j < n && text.charAt(j) == '/';
      if (closing) {
        j = skipSpaces(text, j + 1);
      }
      int next = i + 1;
      if (text.regionMatches(true, j, name, 0, name.length())) {
        int k = skipSpaces(text, j + name.length());
        if (k < n && text.charAt(k) == '>') {
          out.add(new int[] {i, k + 1, closing ? 1 : 0});
          next = k + 1;
        }
      }
      i = text.indexOf('<', next);
    }
    return out;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n')) {
      i++;
    }
    return i;
  }
}
