package dev.agp.llm;

import static java.util.Objects.requireNonNull;

/**
 * The answer to an {@link LlmRequest}.
 *
 * @param text the generated text, possibly empty
 * @param usage tokens charged for the call ({@link TokenUsage#ZERO} for a cache hit)
 * @param model the model that answered, or "" when unknown
 * @param attempts how many attempts the call took, {@code >= 1} (set by retry decorators)
 * @param cached whether the answer came from a response cache rather than a paid call
 */
public record LlmResponse(String text, TokenUsage usage, String model, int attempts, boolean cached) {

  /**
   * @param text the generated text, possibly empty
   * @param usage tokens charged for the call ({@link TokenUsage#ZERO} for a cache hit)
   * @param model the model that answered, or "" when unknown
   * @param attempts how many attempts the call took, {@code >= 1} (set by retry decorators)
   * @param cached whether the answer came from a response cache rather than a paid call
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if attempts is below 1
   */
  public LlmResponse {
    requireNonNull(text, "text");
    requireNonNull(usage, "usage");
    requireNonNull(model, "model");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1 but was " + attempts);
    }
  }

  /**
   * A single-attempt, uncached answer with no usage information.
   *
   * @param text the answer's text
   * @return the response
   */
  public static LlmResponse of(String text) {
    return new LlmResponse(text, TokenUsage.ZERO, "", 1, false);
  }

  /**
   * A single-attempt, uncached answer with token usage.
   *
   * @param text the answer's text
   * @param usage the tokens the call used
   * @return the response
   */
  public static LlmResponse of(String text, TokenUsage usage) {
    return new LlmResponse(text, usage, "", 1, false);
  }

  /**
   * This response with another attempt count.
   *
   * @param newAttempts the attempts made, {@code >= 1}
   * @return the new response
   */
  public LlmResponse withAttempts(int newAttempts) {
    return new LlmResponse(text, usage, model, newAttempts, cached);
  }

  /**
   * This response marked as served from a cache, charged no tokens.
   *
   * @return the same text with {@code cached} true, zero usage and one attempt
   */
  public LlmResponse asCached() {
    return new LlmResponse(text, TokenUsage.ZERO, model, 1, true);
  }
}
