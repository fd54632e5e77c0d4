package dev.agp.rpp;

import dev.agp.CallEstimate;
import dev.agp.llm.LlmCallEvent;

/**
 * Progress callbacks of an RPP fit, all optional. Called on the fit's threads ({@link
 * #onUserDone} and {@link #onLlmCall} from worker threads, concurrently); implementations must be
 * quick and thread-safe. An exception thrown by a listener is logged and does not stop the fit.
 */
public interface RppListener {

  /** Before any call, with the plan; {@code resumed} when continuing from a checkpoint. */
  default void onFitStart(CallEstimate plan, boolean resumed) {}

  /** An iteration (1-based) begins. */
  default void onIterationStart(int iteration, int iterations) {}

  /** A batch (1-based) begins. */
  default void onBatchStart(int iteration, int batch, int batches, int users) {}

  /** One user's calls finished. */
  default void onUserDone(String userId, boolean succeeded) {}

  /** A batch finished and its updates were applied. */
  default void onBatchEnd(RppBatchRecord record) {}

  /** An iteration finished. */
  default void onIterationEnd(RppIterationRecord record) {}

  /** The fit ended normally. */
  default void onFitEnd(RppHistory history) {}

  /** An LLM request finished, successfully or not. */
  default void onLlmCall(LlmCallEvent event) {}
}
