package dev.agp.llm;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failure that a later attempt may not repeat: rate limits, timeouts, server errors, refused or
 * reset connections, malformed transport responses.
 */
public non-sealed class LlmRetriableException extends LlmException {

  private static final long serialVersionUID = 1L;

  /** How long the server asked the caller to wait, null when it did not say. */
  private final @Nullable Duration retryAfter;
  /** The HTTP status, 0 when the failure had none. */
  private final int statusCode;

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null
   * @param attempt the 1-based attempt that failed, or 0
   * @param statusCode the HTTP status, or 0 when there was none
   * @param retryAfter the server's {@code Retry-After}, or null
   */
  public LlmRetriableException(
      String message,
      @Nullable Throwable cause,
      @Nullable Stage stage,
      int attempt,
      int statusCode,
      @Nullable Duration retryAfter) {
    this(message, cause, stage, attempt, statusCode, retryAfter, true);
  }

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null
   * @param attempt the 1-based attempt that failed, or 0
   * @param statusCode the HTTP status, or 0 when there was none
   * @param retryAfter the server's {@code Retry-After}, or null
   * @param requestSent false only when the request is known never to have reached the server
   */
  public LlmRetriableException(
      String message,
      @Nullable Throwable cause,
      @Nullable Stage stage,
      int attempt,
      int statusCode,
      @Nullable Duration retryAfter,
      boolean requestSent) {
    super(message, cause, stage, attempt, requestSent);
    this.statusCode = statusCode;
    this.retryAfter = retryAfter;
  }

  /**
   * A retriable failure without status or retry hint.
   *
   * @param message what failed; never holds an API key
   * @param cause the underlying failure, or null
   */
  public LlmRetriableException(String message, @Nullable Throwable cause) {
    this(message, cause, null, 0, 0, null);
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }

  /** {@return how long the server asked the caller to wait, when it said so} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** {@return the HTTP status, or 0 when the failure had none (timeout, refused connection)} */
  public int statusCode() {
    return statusCode;
  }
}
