package dev.agp.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown instead of making a call that would exceed a configured token or money budget. Optimizers
 * treat it as a clean stop: they write their checkpoint and rethrow, and a later run with a larger
 * budget resumes from there.
 */
public class LlmBudgetExceededException extends LlmNonRetriableException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message which budget ran out and how much was spent, without secrets
   * @param stage the stage of the refused call, or null
   */
  public LlmBudgetExceededException(String message, @Nullable Stage stage) {
    super(message, null, stage, 0, 0, false);
  }
}
