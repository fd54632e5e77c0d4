package dev.agp.langchain4j;

import dev.agp.AgpException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Removes secrets from texts that reach messages and logs. Servers echo keys in error bodies
 * (OpenAI's 401 does in part), sometimes encoded, so every text taken from a failure passes
 * through here, which masks:
 *
 * <ul>
 *   <li>each known key, in any letter case;
 *   <li>each known key percent-encoded, wholly or in part ({@code sk%2Dproj...}, {@code %73%6B...});
 *   <li>any run of base64 (standard or URL-safe, padded or not) or hex that decodes to bytes
 *       holding a known key in any letter case, whatever the run's alignment (so a key inside a
 *       Basic or Bearer credential is found too);
 *   <li>bearer tokens and anything shaped like an OpenAI-style key, known or not.
 * </ul>
 *
 * Every check runs in time linear in the text (times the number of keys).
 */
final class Redactor {

  static final String MASK = "***";

  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s{1,8})[^\\s\"',;]+");
  private static final Pattern KEY_LIKE = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{8,}");

  /** A redactor that knows no key but still masks key-shaped texts. */
  static final Redactor GENERIC = new Redactor(List.of());

  private final List<byte[]> secrets;
  private final List<String> lowerSecrets;

  private Redactor(List<String> secrets) {
    this.secrets = new ArrayList<>();
    this.lowerSecrets = new ArrayList<>();
    for (String s : secrets) {
      this.lowerSecrets.add(s.toLowerCase(Locale.ROOT));
      this.secrets.add(s.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A redactor that also masks {@code secret} wherever it appears, in any form (blank secrets are ignored). */
  static Redactor of(String secret) {
    List<String> s = new ArrayList<>();
    if (!secret.isBlank()) {
      s.add(secret.strip());
    }
    return new Redactor(s);
  }

  String redact(String text) {
    String out = text;
    if (!lowerSecrets.isEmpty()) {
      out = maskPlainAndPercentEncoded(out);
      out = maskEncodedRuns(out);
    }
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    return KEY_LIKE.matcher(out).replaceAll("sk-" + MASK);
  }

  /**
   * Masks every known key in a view of {@code text} with {@code %XX} escapes decoded and letters
   * lower-cased; each match masks the original characters it came from.
   */
  private String maskPlainAndPercentEncoded(String text) {
    int n = text.length();
    StringBuilder view = new StringBuilder(n);
    int[] from = new int[n + 1];
    int[] to = new int[n + 1];
    for (int i = 0; i < n; ) {
      char c = text.charAt(i);
      int width = 1;
      if (c == '%' && i + 2 < n && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
        c = (char) (hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
        width = 3;
      } else if (c == '\\' && i + 5 < n && text.charAt(i + 1) == 'u' && hex4(text, i + 2) >= 0) {
        c = (char) hex4(text, i + 2);
        width = 6;
      }
      from[view.length()] = i;
      to[view.length()] = i + width;
      view.append(Character.toLowerCase(c));
      i += width;
    }
    boolean[] masked = new boolean[n];
    boolean any = false;
    String v = view.toString();
    for (String secret : lowerSecrets) {
      int at = v.indexOf(secret);
      while (at >= 0) {
        for (int k = from[at]; k < to[at + secret.length() - 1]; k++) {
          masked[k] = true;
        }
        any = true;
        at = v.indexOf(secret, at + 1);
      }
    }
    return any ? apply(text, masked) : text;
  }

  /** Masks whole runs of base64 or hex characters that decode, at some alignment, to a known key. */
  private String maskEncodedRuns(String text) {
    int n = text.length();
    boolean[] masked = new boolean[n];
    boolean any = false;
    for (boolean hexRuns : new boolean[] {false, true}) {
      int i = 0;
      while (i < n) {
        if (!(hexRuns ? hex(text.charAt(i)) >= 0 : isBase64(text.charAt(i)))) {
          i++;
          continue;
        }
        int start = i;
        while (i < n && (hexRuns ? hex(text.charAt(i)) >= 0 : isBase64(text.charAt(i)))) {
          i++;
        }
        int end = i;
        while (!hexRuns && i < n && text.charAt(i) == '=') {
          i++;
        }
        if (end - start >= shortest() && (hexRuns ? holdsHex(text.substring(start, end)) : holdsBase64(text.substring(start, end)))) {
          for (int k = start; k < i; k++) {
            masked[k] = true;
          }
          any = true;
        }
      }
    }
    return any ? apply(text, masked) : text;
  }

  private int shortest() {
    int shortest = Integer.MAX_VALUE;
    for (byte[] s : secrets) {
      shortest = Math.min(shortest, s.length);
    }
    return shortest;
  }

  private boolean holdsBase64(String run) {
    for (int offset = 0; offset < 4 && offset < run.length(); offset++) {
      if (contains(decodeBase64(run.substring(offset)))) {
        return true;
      }
    }
    return false;
  }

  private boolean holdsHex(String run) {
    for (int offset = 0; offset < 2 && offset < run.length(); offset++) {
      if (contains(decodeHex(run.substring(offset)))) {
        return true;
      }
    }
    return false;
  }

  private boolean contains(byte[] decoded) {
    if (decoded.length == 0) {
      return false;
    }
    byte[] lower = decoded.clone();
    for (int i = 0; i < lower.length; i++) {
      if (lower[i] >= 'A' && lower[i] <= 'Z') {
        lower[i] = (byte) (lower[i] + ('a' - 'A'));
      }
    }
    String view = new String(lower, StandardCharsets.ISO_8859_1);
    for (byte[] s : secrets) {
      if (view.contains(new String(s, StandardCharsets.ISO_8859_1))) {
        return true;
      }
    }
    return false;
  }

  /** Base64 of either alphabet, padding optional, decoded; empty when it is not base64. */
  private static byte[] decodeBase64(String run) {
    String s = run.replace('-', '+').replace('_', '/');
    int usable = s.length() % 4 == 1 ? s.length() - 1 : s.length(); // a last lone char encodes nothing
    if (usable < 2) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(s.substring(0, usable));
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static byte[] decodeHex(String run) {
    int pairs = 0;
    while (2 * pairs + 1 < run.length() && hex(run.charAt(2 * pairs)) >= 0 && hex(run.charAt(2 * pairs + 1)) >= 0) {
      pairs++;
    }
    byte[] out = new byte[pairs];
    for (int k = 0; k < pairs; k++) {
      out[k] = (byte) (hex(run.charAt(2 * k)) * 16 + hex(run.charAt(2 * k + 1)));
    }
    return out;
  }

  private static boolean isBase64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '+' || c == '/' || c == '-' || c == '_';
  }

  private static int hex4(String s, int i) {
    int v = 0;
    for (int k = i; k < i + 4; k++) {
      int h = hex(s.charAt(k));
      if (h < 0) {
        return -1;
      }
      v = v * 16 + h;
    }
    return v;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static String apply(String text, boolean[] masked) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (masked[i]) {
        sb.append(MASK);
        while (i + 1 < text.length() && masked[i + 1]) {
          i++;
        }
      } else {
        sb.append(text.charAt(i));
      }
    }
    return sb.toString();
  }

  /**
   * A copy of {@code t} and its causes with redacted messages and the original stack traces, for
   * use as the cause of our exceptions: the original may hold a key in its message.
   */
  Throwable sanitize(Throwable t) {
    return new RedactedFailure(t, this, false, 0);
  }

  /**
   * A copy of {@code t} and its causes with no messages at all (only class names and stack
   * traces): for authentication failures, whose bodies are not quoted anywhere.
   */
  Throwable withhold(Throwable t) {
    return new RedactedFailure(t, this, true, 0);
  }

  /** A stand-in for a third-party exception, its class name and redacted message as its message. */
  static final class RedactedFailure extends AgpException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 8;

    RedactedFailure(Throwable original, Redactor redactor, boolean withhold, int depth) {
      super(
          original.getClass().getName()
              + (original.getMessage() == null ? ""
                  : withhold ? ": (message withheld)" : ": " + redactor.redact(original.getMessage())),
          original.getCause() == null || original.getCause() == original || depth >= MAX_DEPTH
              ? null
              : new RedactedFailure(original.getCause(), redactor, withhold, depth + 1),
          false,
          true);
      setStackTrace(original.getStackTrace());
    }
  }
}
