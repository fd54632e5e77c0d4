package dev.agp;

import dev.agp.llm.LlmCallEvent;

/**
 * Progress callbacks of a fit, all optional. Called on the fit's threads ({@link #onUserDone} and
 * {@link #onLlmCall} from worker threads, concurrently); implementations must be quick and
 * thread-safe. An exception thrown by a listener is logged and does not stop the fit.
 */
public interface AgpListener {

  /**
   * Before any call, with the plan; {@code resumed} when continuing from a checkpoint.
   *
   * @param plan the calls and tokens the fit plans
   * @param resumed true when continuing from a checkpoint
   */
  default void onFitStart(CallEstimate plan, boolean resumed) {}

  /**
   * An epoch (1-based) begins.
   *
   * @param epoch the epoch, 1-based
   * @param epochs the most epochs
   */
  default void onEpochStart(int epoch, int epochs) {}

  /**
   * A batch (1-based) begins.
   *
   * @param epoch the epoch, 1-based
   * @param batch the batch, 1-based
   * @param batches the batches in this epoch
   * @param users the users in this batch
   */
  default void onBatchStart(int epoch, int batch, int batches, int users) {}

  /**
   * One user's chain finished, in a training batch or a validation pass.
   *
   * @param userId the user whose chain finished
   * @param succeeded false when a step failed after the client's retries
   */
  default void onUserDone(String userId, boolean succeeded) {}

  /**
   * A batch finished and its update was applied, rejected or reverted.
   *
   * @param record the batch's record
   */
  default void onBatchEnd(BatchRecord record) {}

  /**
   * A prompt was scored on the validation users.
   *
   * @param record the validation's record
   */
  default void onValidation(EpochRecord record) {}

  /**
   * The fit ended normally (also when patience ran out).
   *
   * @param history the fit's record
   */
  default void onFitEnd(FitHistory history) {}

  /**
   * An LLM request finished, successfully or not.
   *
   * @param event the call's stage, latency, usage and outcome
   */
  default void onLlmCall(LlmCallEvent event) {}
}
