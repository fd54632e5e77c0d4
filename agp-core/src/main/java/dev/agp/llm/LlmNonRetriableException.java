package dev.agp.llm;

import org.jspecify.annotations.Nullable;

/**
 * A failure that retrying cannot fix: a bad request, failed authentication, a missing model,
 * content filtering, or an exhausted budget.
 */
public non-sealed class LlmNonRetriableException extends LlmException {

  private static final long serialVersionUID = 1L;

  /** The HTTP status, 0 when the failure had none. */
  private final int statusCode;

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null
   * @param attempt the 1-based attempt that failed, or 0
   * @param statusCode the HTTP status, or 0 when there was none
   */
  public LlmNonRetriableException(
      String message, @Nullable Throwable cause, @Nullable Stage stage, int attempt, int statusCode) {
    this(message, cause, stage, attempt, statusCode, true);
  }

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null
   * @param attempt the 1-based attempt that failed, or 0
   * @param statusCode the HTTP status, or 0 when there was none
   * @param requestSent false only when the request is known never to have reached the server
   */
  public LlmNonRetriableException(
      String message, @Nullable Throwable cause, @Nullable Stage stage, int attempt, int statusCode,
      boolean requestSent) {
    super(message, cause, stage, attempt, requestSent);
    this.statusCode = statusCode;
  }

  /**
   * A non-retriable failure without status.
   *
   * @param message what failed; never holds an API key
   * @param cause the underlying failure, or null
   */
  public LlmNonRetriableException(String message, @Nullable Throwable cause) {
    this(message, cause, null, 0, 0);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }

  /** {@return the HTTP status, or 0 when the failure had none} */
  public int statusCode() {
    return statusCode;
  }
}
