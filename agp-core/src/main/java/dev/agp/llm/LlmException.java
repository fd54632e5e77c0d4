package dev.agp.llm;

import dev.agp.AgpException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Base of every LLM failure. Unchecked; either {@link LlmRetriableException} or {@link
 * LlmNonRetriableException}. Carries the stage and the attempt when known, never an API key.
 */
public abstract sealed class LlmException extends AgpException
    permits LlmRetriableException, LlmNonRetriableException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Stage stage;
  private final int attempt;
  private final boolean requestSent;

  /**
   * A failure of a request that may have reached the server.
   *
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null when unknown
   * @param attempt the 1-based attempt that failed, or 0 when unknown
   */
  protected LlmException(
      String message, @Nullable Throwable cause, @Nullable Stage stage, int attempt) {
    this(message, cause, stage, attempt, true);
  }

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or null
   * @param stage the stage of the failed call, or null when unknown
   * @param attempt the 1-based attempt that failed, or 0 when unknown
   * @param requestSent false only when the request is known never to have reached the server
   *     (refused connection, connect timeout, unknown host, a budget's refusal)
   */
  protected LlmException(
      String message, @Nullable Throwable cause, @Nullable Stage stage, int attempt, boolean requestSent) {
    super(message, cause);
    this.stage = stage;
    this.attempt = Math.max(0, attempt);
    this.requestSent = requestSent;
  }

  /** Whether a later attempt of the same request may succeed. */
  public abstract boolean isRetriable();

  /** The stage of the failed call, when known. */
  public Optional<Stage> stage() {
    return Optional.ofNullable(stage);
  }

  /** The 1-based attempt that failed, or 0 when unknown. */
  public int attempt() {
    return attempt;
  }

  /**
   * Whether the request may have reached the server, which may then bill it: true unless it is
   * known never to have left (refused connection, connect timeout, unknown host, a budget's
   * refusal). Budgets charge failed attempts that were sent, unless the server refused them with
   * a 4xx status.
   */
  public boolean requestSent() {
    return requestSent;
  }

  /** The message without the stage and attempt suffix, for decorators that rethrow with context. */
  String detail() {
    String base = super.getMessage();
    return base == null ? "" : base;
  }

  @Override
  public String getMessage() {
    String base = super.getMessage();
    StringBuilder context = new StringBuilder();
    if (stage != null) {
      context.append("stage ").append(stage);
    }
    if (attempt > 0) {
      context.append(context.length() > 0 ? ", " : "").append("attempt ").append(attempt);
    }
    return context.length() == 0 ? base : base + " [" + context + "]";
  }
}
