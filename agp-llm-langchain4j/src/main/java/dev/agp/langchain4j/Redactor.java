package dev.agp.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from texts that reach messages and logs: the known API keys, bearer tokens and
 * anything shaped like an OpenAI-style key. Servers echo keys in error bodies (OpenAI's 401 does
 * in part), so every text taken from a failure passes through here.
 */
final class Redactor {

  static final String MASK = "***";

  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
  private static final Pattern KEY_LIKE = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{8,}");

  /** A redactor that knows no key but still masks key-shaped texts. */
  static final Redactor GENERIC = new Redactor(List.of());

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** A redactor that also masks {@code secret} wherever it appears (blank secrets are ignored). */
  static Redactor of(String secret) {
    List<String> s = new ArrayList<>();
    if (!secret.isBlank()) {
      s.add(secret);
    }
    return new Redactor(s);
  }

  String redact(String text) {
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    return KEY_LIKE.matcher(out).replaceAll("sk-" + MASK);
  }

  /**
   * A copy of {@code t} and its causes with redacted messages and the original stack traces, for
   * use as the cause of our exceptions: the original may hold a key in its message.
   */
  Throwable sanitize(Throwable t) {
    return new RedactedFailure(t, this, 0);
  }

  /** A stand-in for a third-party exception, its class name and redacted message as its message. */
  static final class RedactedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 8;

    RedactedFailure(Throwable original, Redactor redactor, int depth) {
      super(
          original.getClass().getName()
              + (original.getMessage() == null ? "" : ": " + redactor.redact(original.getMessage())),
          original.getCause() == null || original.getCause() == original || depth >= MAX_DEPTH
              ? null
              : new RedactedFailure(original.getCause(), redactor, depth + 1),
          false,
          true);
      setStackTrace(original.getStackTrace());
    }
  }
}
