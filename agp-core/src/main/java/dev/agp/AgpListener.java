package dev.agp;

import dev.agp.llm.LlmCallEvent;

/**
 * Progress callbacks of a fit, all optional. Called on the fit's threads ({@link #onUserDone} and
 * {@link #onLlmCall} from worker threads, concurrently); implementations must be quick and
 * thread-safe. An exception thrown by a listener is logged and does not stop the fit.
 */
public interface AgpListener {

  /** Before any call, with the plan; {@code resumed} when continuing from a checkpoint. */
  default void onFitStart(CallEstimate plan, boolean resumed) {}

  /** An epoch (1-based) begins. */
  default void onEpochStart(int epoch, int epochs) {}

  /** A batch (1-based) begins. */
  default void onBatchStart(int epoch, int batch, int batches, int users) {}

  /** One user's chain finished, in a training batch or a validation pass. */
  default void onUserDone(String userId, boolean succeeded) {}

  /** A batch finished and its update was applied, rejected or reverted. */
  default void onBatchEnd(BatchRecord record) {}

  /** A prompt was scored on the validation users. */
  default void onValidation(EpochRecord record) {}

  /** The fit ended normally (also when patience ran out). */
  default void onFitEnd(FitHistory history) {}

  /** An LLM request finished, successfully or not. */
  default void onLlmCall(LlmCallEvent event) {}
}
