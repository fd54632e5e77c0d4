package dev.agp;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the SDK defines: catch it to handle any AGP failure at one place.
 * Unchecked and serialisable, like its subclasses, which add their details as serialisable fields
 * (a file as its path string, never a live object that would not cross a process boundary).
 *
 * <p>Beneath it:
 *
 * <ul>
 *   <li>LLM failures: {@link dev.agp.llm.LlmException}, either {@link
 *       dev.agp.llm.LlmRetriableException} or {@link dev.agp.llm.LlmNonRetriableException} (such
 *       as {@link dev.agp.llm.LlmBudgetExceededException});
 *   <li>fit failures: {@link FitException} ({@link AgpFitException}, {@link
 *       dev.agp.rpp.RppFitException}), {@link CheckpointException}, {@link RejectedUpdateException},
 *       {@link AnswerParseException};
 *   <li>the failures of the other modules: reading data ({@code DatasetFormatException}),
 *       experiments ({@code NotEnoughUsersException}, {@code ExperimentStoppedException}), Batch
 *       API calls ({@code BatchApiException}).
 * </ul>
 *
 * <p>Argument and configuration errors stay {@link IllegalArgumentException}, {@link
 * NullPointerException} and {@link IllegalStateException}, as Java code expects of a bad call; a
 * failed file operation outside a checkpoint or a dataset stays an {@link
 * java.io.UncheckedIOException}.
 */
public abstract class AgpException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message and a cause.
   *
   * @param message what went wrong, naming what is to blame, without secrets
   * @param cause the underlying failure, or null
   */
  protected AgpException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * An exception with a message and no cause.
   *
   * @param message what went wrong, naming what is to blame, without secrets
   */
  protected AgpException(String message) {
    super(message);
  }

  /**
   * An exception that may leave out its suppressed exceptions or its stack trace: for signals
   * thrown often on purpose, where a stack trace costs time and tells nothing.
   *
   * @param message what happened
   * @param cause the underlying failure, or null
   * @param enableSuppression whether suppressed exceptions are recorded
   * @param writableStackTrace whether the stack trace is filled in
   */
  protected AgpException(
      String message,
      @Nullable Throwable cause,
      boolean enableSuppression,
      boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }
}
