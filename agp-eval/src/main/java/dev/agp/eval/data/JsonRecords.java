package dev.agp.eval.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the wanted top-level fields of one JSON-lines record, skipping the rest (review texts)
 * without building them; values come back as String, Number, Boolean, List, Map or null.
 */
final class JsonRecords {

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private JsonRecords() {}

  static Map<String, @Nullable Object> fields(String line, Set<String> wanted) throws MalformedRecord {
    Map<String, @Nullable Object> out = new HashMap<>(wanted.size() * 2);
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedRecord("not a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (wanted.contains(name)) {
          out.put(name, v == JsonToken.VALUE_NULL ? null : p.readValueAs(Object.class));
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new MalformedRecord("malformed JSON object");
      }
      if (p.nextToken() != null) {
        throw new MalformedRecord("text after the JSON object");
      }
    } catch (IOException e) {
      throw new MalformedRecord("invalid JSON: " + firstLine(e.getMessage()));
    }
    return out;
  }

  /** Whether the line starts like strict JSON (a double-quoted first key). */
  static boolean looksLikeJson(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '{' || Character.isWhitespace(c)) {
        continue;
      }
      return c == '"' || c == '}';
    }
    return false;
  }

  // ---- typed access, each naming the field in its error

  static String requiredText(Map<String, @Nullable Object> r, String field) throws MalformedRecord {
    Object v = r.get(field);
    if (v == null) {
      throw new MalformedRecord("missing field \"" + field + "\"");
    }
    String s = v instanceof String str ? str : v instanceof Number || v instanceof Boolean ? v.toString() : null;
    if (s == null || s.isBlank()) {
      throw new MalformedRecord("field \"" + field + "\" is not a non-empty string");
    }
    return s.strip();
  }

  static @Nullable String optionalText(Map<String, @Nullable Object> r, String field) {
    Object v = r.get(field);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return null;
  }

  static double requiredNumber(Map<String, @Nullable Object> r, String field) throws MalformedRecord {
    Object v = r.get(field);
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    } else if (v instanceof String s) {
      try {
        double d = Double.parseDouble(s.strip());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new MalformedRecord(v == null ? "missing field \"" + field + "\"" : "field \"" + field + "\" is not a number: " + v);
  }

  static long requiredLong(Map<String, @Nullable Object> r, String field) throws MalformedRecord {
    Object v = r.get(field);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new MalformedRecord(v == null ? "missing field \"" + field + "\"" : "field \"" + field + "\" is not an integer: " + v);
  }

  /** Strings of a list, or of nested lists, flattened in order; empty for anything else. */
  static List<String> strings(@Nullable Object v) {
    List<String> out = new java.util.ArrayList<>();
    collect(v, out);
    return out;
  }

  private static void collect(@Nullable Object v, List<String> out) {
    if (v instanceof String s) {
      out.add(s);
    } else if (v instanceof List<?> l) {
      for (Object o : l) {
        collect(o, out);
      }
    }
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
