package dev.agp.llm;

/** Conservative token estimates made before a call, for rate limits and budgets. */
final class TokenEstimate {

  /** Characters per token assumed for prompts: fewer than the usual 4, to err on the high side. */
  static final int CHARS_PER_TOKEN = 3;

  /** Tokens a chat format adds per message. */
  static final int TOKENS_PER_MESSAGE = 4;

  private TokenEstimate() {}

  /** Prompt tokens of {@code request}, rounded up. */
  static long input(LlmRequest request) {
    return (request.characterCount() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN
        + (long) TOKENS_PER_MESSAGE * request.messages().size();
  }

  /** The request's output cap, or {@code assumedOutput} when it has none. */
  static long output(LlmRequest request, int assumedOutput) {
    return request.maxOutputTokens().isPresent() ? request.maxOutputTokens().getAsInt() : assumedOutput;
  }

  /** Input plus output estimate. */
  static long total(LlmRequest request, int assumedOutput) {
    return input(request) + output(request, assumedOutput);
  }
}
