package dev.agp.eval.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python literals of the Amazon 2014 metadata ({@code {'asin': 'B0', 'title': 'A
 * &amp; B', 'categories': [['Movies & TV']], 'salesRank': {'Movies': 3}, 'related': ...}}):
 * dicts, lists, tuples and sets, strings in single or double quotes with Python escapes and
 * optional {@code u}/{@code b}/{@code r} prefixes, adjacent strings concatenated, ints, floats,
 * {@code True}, {@code False} and {@code None}. Dicts become insertion-ordered maps, lists, tuples
 * and sets become lists, {@code None} becomes {@code null}.
 */
final class PythonLiteral {

  private final String s;
  private int i;

  private PythonLiteral(String s) {
    this.s = s;
  }

  static Object parse(String text) throws MalformedRecord {
    PythonLiteral p = new PythonLiteral(text);
    p.space();
    Object v = p.value();
    p.space();
    if (p.i != p.s.length()) {
      throw p.error("unexpected text after the literal");
    }
    return v;
  }

  private MalformedRecord error(String what) {
    return new MalformedRecord("Python literal: " + what + " at column " + (i + 1));
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private Object value() throws MalformedRecord {
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return dictOrSet();
      case '[':
        return sequence('[', ']');
      case '(':
        return sequence('(', ')');
      case '\'':
      case '"':
        return strings();
      default:
        break;
    }
    if ((c == 'u' || c == 'b' || c == 'r' || c == 'U' || c == 'B' || c == 'R')
        && i + 1 < s.length() && (s.charAt(i + 1) == '\'' || s.charAt(i + 1) == '"')) {
      return strings();
    }
    if (s.startsWith("True", i)) {
      i += 4;
      return Boolean.TRUE;
    }
    if (s.startsWith("False", i)) {
      i += 5;
      return Boolean.FALSE;
    }
    if (s.startsWith("None", i)) {
      i += 4;
      return null;
    }
    if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
      return number();
    }
    throw error("unexpected character '" + c + "'");
  }

  private Object dictOrSet() throws MalformedRecord {
    i++; // {
    space();
    Map<String, Object> map = new LinkedHashMap<>();
    List<Object> set = null;
    boolean first = true;
    while (true) {
      space();
      if (i < s.length() && s.charAt(i) == '}') {
        i++;
        return set != null ? set : map;
      }
      if (!first) {
        throw error("expected ',' or '}'");
      }
      Object key = value();
      space();
      if (i < s.length() && s.charAt(i) == ':' && set == null) {
        i++;
        space();
        Object v = value();
        map.put(String.valueOf(key), v);
      } else if (map.isEmpty()) {
        if (set == null) {
          set = new ArrayList<>();
        }
        set.add(key);
      } else {
        throw error("expected ':' in a dict");
      }
      space();
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      } else {
        first = false;
      }
    }
  }

  private List<Object> sequence(char open, char close) throws MalformedRecord {
    i++;
    List<Object> out = new ArrayList<>();
    boolean first = true;
    while (true) {
      space();
      if (i < s.length() && s.charAt(i) == close) {
        i++;
        return out;
      }
      if (!first) {
        throw error("expected ',' or '" + close + "'");
      }
      out.add(value());
      space();
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      } else {
        first = false;
      }
    }
  }

  private String strings() throws MalformedRecord {
    StringBuilder sb = new StringBuilder();
    do {
      string(sb);
      space();
    } while (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"' || prefixedQuote()));
    return sb.toString();
  }

  private boolean prefixedQuote() {
    char c = s.charAt(i);
    return (c == 'u' || c == 'b' || c == 'r' || c == 'U' || c == 'B' || c == 'R')
        && i + 1 < s.length() && (s.charAt(i + 1) == '\'' || s.charAt(i + 1) == '"');
  }

  private void string(StringBuilder sb) throws MalformedRecord {
    boolean raw = false;
    char c = s.charAt(i);
    if (c != '\'' && c != '"') {
      raw = c == 'r' || c == 'R';
      i++;
    }
    char quote = s.charAt(i);
    i++;
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      c = s.charAt(i++);
      if (c == quote) {
        return;
      }
      if (c != '\\' || raw) {
        sb.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'a' -> sb.append('\u0007');
        case 'v' -> sb.append('\u000B');
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int v = e - '0';
          for (int k = 0; k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
            v = v * 8 + (s.charAt(i++) - '0');
          }
          sb.append((char) v);
        }
        case 'x' -> sb.appendCodePoint(hex(2));
        case 'u' -> sb.appendCodePoint(hex(4));
        case 'U' -> sb.appendCodePoint(hex(8));
        case '\n' -> { } // line continuation
        default -> sb.append(e); // \\ \' \" and unknown escapes keep the character
      }
    }
  }

  private int hex(int digits) throws MalformedRecord {
    if (i + digits > s.length()) {
      throw error("truncated escape");
    }
    try {
      int v = Integer.parseUnsignedInt(s.substring(i, i + digits), 16);
      if (!Character.isValidCodePoint(v)) {
        throw error("invalid code point in an escape");
      }
      i += digits;
      return v;
    } catch (NumberFormatException e) {
      throw error("bad hex escape");
    }
  }

  private Number number() throws MalformedRecord {
    int start = i;
    while (i < s.length() && "+-0123456789.eE_xXabcdefABCDEFjJ".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    String t = s.substring(start, i).replace("_", "");
    try {
      if (t.matches("[+-]?\\d+")) {
        return Long.parseLong(t);
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      i = start;
      throw error("bad number '" + t + "'");
    }
  }
}
