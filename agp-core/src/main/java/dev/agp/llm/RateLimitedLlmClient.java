package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Holds calls back to a requests-per-minute and a tokens-per-minute limit. Tokens are reserved
 * from an estimate before the call (the prompt as the {@link TokenCounter} bounds it plus the
 * output cap) and corrected to the reported usage after it; a failed call gives its tokens back.
 */
final class RateLimitedLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final @Nullable TokenBucket requests;
  private final @Nullable TokenBucket tokens;
  private final int assumedOutputTokens;
  private final TokenCounter counter;
  private final Ticker ticker;
  private final Sleeper sleeper;

  RateLimitedLlmClient(
      LlmClient delegate,
      long requestsPerMinute,
      long tokensPerMinute,
      int assumedOutputTokens,
      TokenCounter counter,
      Ticker ticker,
      Sleeper sleeper) {
    this.delegate = requireNonNull(delegate, "delegate");
    long now = ticker.read();
    this.requests = requestsPerMinute > 0 ? new TokenBucket(requestsPerMinute, now) : null;
    this.tokens = tokensPerMinute > 0 ? new TokenBucket(tokensPerMinute, now) : null;
    this.assumedOutputTokens = assumedOutputTokens;
    this.counter = counter;
    this.ticker = ticker;
    this.sleeper = sleeper;
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    long estimate = TokenEstimate.total(request, counter, assumedOutputTokens);
    long now = ticker.read();
    long wait = 0;
    if (requests != null) {
      wait = requests.reserve(1, now);
    }
    if (tokens != null) {
      wait = Math.max(wait, tokens.reserve(estimate, now));
    }
    if (wait > 0) {
      try {
        sleeper.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (tokens != null) {
          tokens.adjust(-estimate);
        }
        throw new LlmNonRetriableException(
            "interrupted while waiting for the rate limit", e, request.stage(), 0, 0);
      }
    }
    LlmResponse response;
    try {
      response = delegate.complete(request);
    } catch (RuntimeException e) {
      if (tokens != null) {
        tokens.adjust(-estimate);
      }
      throw e;
    }
    if (tokens != null) {
      long actual = response.usage().totalTokens();
      if (actual > 0) {
        tokens.adjust(actual - estimate);
      }
    }
    return response;
  }
}
