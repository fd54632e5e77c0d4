package dev.agp.llm;

/**
 * Tokens a call consumed, as the provider reported them.
 *
 * @param inputTokens prompt tokens, {@code >= 0}
 * @param outputTokens completion tokens, {@code >= 0}
 */
public record TokenUsage(long inputTokens, long outputTokens) {

  /** No tokens: what a backend that reports nothing (or a cache hit) is charged. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0);

  /**
   * @param inputTokens prompt tokens, {@code >= 0}
   * @param outputTokens completion tokens, {@code >= 0}
   * @throws IllegalArgumentException if a count is negative
   */
  public TokenUsage {
    if (inputTokens < 0) {
      throw new IllegalArgumentException("inputTokens must be >= 0 but was " + inputTokens);
    }
    if (outputTokens < 0) {
      throw new IllegalArgumentException("outputTokens must be >= 0 but was " + outputTokens);
    }
  }

  /**
   * Input plus output tokens.
   *
   * @return input plus output tokens
   */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /**
   * The element-wise sum.
   *
   * @param other the other usage
   * @return the sum
   */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
  }
}
