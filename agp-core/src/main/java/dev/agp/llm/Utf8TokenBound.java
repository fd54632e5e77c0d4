package dev.agp.llm;

import java.util.List;

/** One token per UTF-8 byte, plus a chat format's overhead: an upper bound for byte-level tokenizers. */
final class Utf8TokenBound implements TokenCounter {

  /** Tokens a chat format adds per message (role markers), counted generously. */
  static final int PER_MESSAGE = 10;
  /** Tokens a chat format adds to start the reply, counted generously. */
  static final int PRIMING = 10;

  static final Utf8TokenBound INSTANCE = new Utf8TokenBound();

  private Utf8TokenBound() {}

  @Override
  public long promptTokens(List<LlmMessage> messages) {
    long n = PRIMING;
    for (LlmMessage m : messages) {
      n += PER_MESSAGE + utf8Length(m.text());
    }
    return n;
  }

  /** The UTF-8 length of {@code s}; an unpaired surrogate counts 3 bytes, as its replacement does. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "TokenCounter.utf8Bound()";
  }
}
