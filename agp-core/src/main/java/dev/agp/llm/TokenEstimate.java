package dev.agp.llm;

/** Token estimates made before a call, for rate limits and budgets: never below what is billed. */
final class TokenEstimate {

  private TokenEstimate() {}

  /** Prompt tokens of {@code request}, as {@code counter} bounds them. */
  static long input(LlmRequest request, TokenCounter counter) {
    return Math.max(0, counter.promptTokens(request.messages()));
  }

  /** The request's output cap, or {@code assumedOutput} when it has none. */
  static long output(LlmRequest request, int assumedOutput) {
    return request.maxOutputTokens().isPresent() ? request.maxOutputTokens().getAsInt() : assumedOutput;
  }

  /** Input plus output estimate. */
  static long total(LlmRequest request, TokenCounter counter, int assumedOutput) {
    return input(request, counter) + output(request, assumedOutput);
  }
}
