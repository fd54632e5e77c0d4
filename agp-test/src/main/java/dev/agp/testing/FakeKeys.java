package dev.agp.testing;

import static java.util.Objects.requireNonNull;

/**
 * API keys for tests that check where a key goes and that no form of it leaks. A key is shaped like
 * an OpenAI key ({@code sk-<label>-FakeKeyForTests}), so the SDK's key-shape redaction applies to it
 * as to a real one, but it is put together at run time: no source file then holds a string a secret
 * scanner would take for a real key, and every key says it is fake.
 */
public final class FakeKeys {

  /** The part every fake key ends with; a test may look for it in output that must not hold a key. */
  public static final String MARKER = "FakeKeyForTests";

  private FakeKeys() {}

  /**
   * A fake key.
   *
   * @param label what tells this key from the test's other keys (letters, digits and dashes)
   * @return {@code "sk-" + label + "-" + MARKER}
   * @throws IllegalArgumentException if label is empty or holds other characters
   */
  public static String of(String label) {
    requireNonNull(label, "label");
    if (label.isEmpty() || !label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
      throw new IllegalArgumentException("a key label is letters, digits and dashes, but was '" + label + "'");
    }
    return String.join("-", "sk", label, MARKER);
  }
}
