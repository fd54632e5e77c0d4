package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ways a server may echo a key: raw, in other cases, base64 (standard and URL-safe, padded or
 * not, alone or inside a Basic or Bearer credential), percent-encoded (every byte, or only the
 * reserved ones), hex and JSON-escaped (every character a unicode escape). Used both to build hostile
 * error bodies and to check that no form of the key survives in any text the SDK produces (here and in
 * the CLI's tests, through the test-jar).
 */
public final class KeyForms {

  private KeyForms() {}

  /**
   * Each form by a short name.
   *
   * @param key the key
   * @return its forms, by name
   */
  public static Map<String, String> of(String key) {
    byte[] raw = key.getBytes(StandardCharsets.UTF_8);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("raw", key);
    m.put("upper", key.toUpperCase(Locale.ROOT));
    m.put("lower", key.toLowerCase(Locale.ROOT));
    m.put("swapped", swapCase(key));
    m.put("base64", Base64.getEncoder().encodeToString(raw));
    m.put("base64-unpadded", Base64.getEncoder().withoutPadding().encodeToString(raw));
    m.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    m.put("base64-basic", Base64.getEncoder().encodeToString(("apikey:" + key).getBytes(StandardCharsets.UTF_8)));
    m.put("base64-bearer", Base64.getEncoder().encodeToString(("Bearer " + key).getBytes(StandardCharsets.UTF_8)));
    m.put("base64-upper-key", Base64.getEncoder().encodeToString(key.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    m.put("percent-all", percentAll(raw, true));
    m.put("percent-all-lower", percentAll(raw, false));
    m.put("percent-reserved", key.replace("-", "%2D").replace("_", "%5F"));
    m.put("hex", HexFormat.of().formatHex(raw));
    m.put("hex-upper", HexFormat.of().withUpperCase().formatHex(raw));
    m.put("json-unicode", jsonEscaped(key, false));
    m.put("json-unicode-upper", jsonEscaped(key, true));
    return m;
  }

  /**
   * Asserts that {@code text} holds no form of {@code key}, nor a 12-character piece of one.
   *
   * @param key the key
   * @param text the text to search
   * @param where what the text is, for the failure message
   */
  public static void assertAbsent(String key, String text, String where) {
    for (Map.Entry<String, String> f : of(key).entrySet()) {
      for (String piece : pieces(f.getValue())) {
        assertThat(text).as("%s holds the key (%s form: %s)", where, f.getKey(), piece).doesNotContain(piece);
      }
    }
  }

  /** The form itself and its 12-character pieces, away from the ends (where neighbours change base64). */
  private static List<String> pieces(String form) {
    List<String> out = new ArrayList<>();
    out.add(form);
    for (int i = 4; i + 12 <= form.length() - 4; i += 6) {
      out.add(form.substring(i, i + 12));
    }
    return out;
  }

  private static String swapCase(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return sb.toString();
  }

  private static String percentAll(byte[] raw, boolean upper) {
    StringBuilder sb = new StringBuilder();
    for (byte b : raw) {
      String h = String.format(upper ? "%%%02X" : "%%%02x", b & 0xFF);
      sb.append(h);
    }
    return sb.toString();
  }

  /** Every character as a JSON unicode escape (backslash, u, four hex digits), as a writer escaping all would. */
  private static String jsonEscaped(String s, boolean upper) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(String.format(upper ? "\\u%04X" : "\\u%04x", (int) c));
    }
    return sb.toString();
  }

  /**
   * A JSON error body that echoes every form of the key.
   *
   * @param key the key
   * @return the body
   */
  public static String echoingBody(String key) {
    StringBuilder sb = new StringBuilder("{\"error\":{\"message\":\"Incorrect API key provided.");
    of(key).forEach((name, form) -> sb.append(' ').append(name).append('=').append(form));
    return sb.append("\",\"type\":\"invalid_request_error\"}}").toString();
  }
}
