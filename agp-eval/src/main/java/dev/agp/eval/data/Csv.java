package dev.agp.eval.data;

import java.util.ArrayList;
import java.util.List;

/** Splits one delimited line; RFC 4180 quoting ({@code "a, b"}, {@code ""} for a quote). */
final class Csv {

  private Csv() {}

  static List<String> split(String line, char separator) throws MalformedRecord {
    List<String> out = new ArrayList<>(8);
    if (line.indexOf('"') < 0) {
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == separator) {
          out.add(line.substring(start, i));
          start = i + 1;
        }
      }
      out.add(line.substring(start));
      return out;
    }
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == separator) {
        out.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new MalformedRecord("unterminated quoted field");
    }
    out.add(field.toString());
    return out;
  }

  /**
   * The fields of an ASCII line without quotes, {@code bytes[start, end)}, as ranges: field k is
   * {@code bytes[from[k], to[k])}. No allocation: the loaders' hot path.
   *
   * @return the number of fields, or -1 when the line has a quote (split its text with {@link
   *     #split(String, char)}) or more fields than the arrays hold
   */
  static int bounds(byte[] bytes, int start, int end, byte separator, int[] from, int[] to) {
    int n = 0;
    int fieldStart = start;
    for (int i = start; i < end; i++) {
      byte c = bytes[i];
      if (c == separator) {
        if (n == from.length) {
          return -1;
        }
        from[n] = fieldStart;
        to[n] = i;
        n++;
        fieldStart = i + 1;
      } else if (c == '"') {
        return -1;
      }
    }
    if (n == from.length) {
      return -1;
    }
    from[n] = fieldStart;
    to[n] = end;
    return n + 1;
  }

  /** The value of {@code b[from, to)} when it is 1 to 18 digits, else -1. */
  static long digits(byte[] b, int from, int to) {
    if (to - from < 1 || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int k = from; k < to; k++) {
      int c = b[k] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  /**
   * The three comma-separated fields of {@code line} into {@code out}, when the line is in the
   * plain shape {@link #split(String, char)} gives the same fields for: exactly two commas outside
   * quotes, no quote in the first and last field, and a middle field that is either without
   * quotes (and commas) or wholly quoted with no quote inside ({@code 1,"Title, The (1995)",Drama}).
   * False, with {@code out} unspecified, for anything else: split the line then. No list and no
   * character-by-character copy: MovieLens' movie lines.
   */
  static boolean threeFields(String line, String[] out) {
    int first = line.indexOf(',');
    int last = line.lastIndexOf(',');
    if (first < 0 || first == last) {
      return false;
    }
    int quote = line.indexOf('"');
    if (quote >= 0 && (quote < first || line.indexOf('"', last) >= 0)) {
      return false; // a quote in the first or the last field
    }
    if (quote < 0 || line.charAt(first + 1) != '"') {
      if (quote >= 0 || line.indexOf(',', first + 1) != last) {
        return false; // a quote inside an unquoted middle field, or more than three fields
      }
      out[1] = line.substring(first + 1, last);
    } else {
      // a quoted middle field: "...", closed right before the last comma, no quote inside
      if (last - 1 <= first + 1 || line.charAt(last - 1) != '"' || line.indexOf('"', first + 2) != last - 1) {
        return false;
      }
      out[1] = line.substring(first + 2, last - 1);
    }
    out[0] = line.substring(0, first);
    out[2] = line.substring(last + 1);
    return true;
  }

  /** Splits on a multi-character separator such as MovieLens' {@code ::}. */
  static List<String> split(String line, String separator) {
    List<String> out = new ArrayList<>(4);
    int start = 0;
    int at;
    while ((at = line.indexOf(separator, start)) >= 0) {
      out.add(line.substring(start, at));
      start = at + separator.length();
    }
    out.add(line.substring(start));
    return out;
  }
}
