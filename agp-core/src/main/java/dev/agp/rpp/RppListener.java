package dev.agp.rpp;

import dev.agp.CallEstimate;
import dev.agp.llm.LlmCallEvent;

/**
 * Progress callbacks of an RPP fit, all optional. Called on the fit's threads ({@link
 * #onUserDone} and {@link #onLlmCall} from worker threads, concurrently); implementations must be
 * quick and thread-safe. An exception thrown by a listener is logged and does not stop the fit.
 */
public interface RppListener {

  /**
   * Before any call, with the plan; {@code resumed} when continuing from a checkpoint.
   *
   * @param plan the calls and tokens the fit plans
   * @param resumed true when continuing from a checkpoint
   */
  default void onFitStart(CallEstimate plan, boolean resumed) {}

  /**
   * An iteration (1-based) begins.
   *
   * @param iteration the iteration, 1-based
   * @param iterations the number of iterations
   */
  default void onIterationStart(int iteration, int iterations) {}

  /**
   * A batch (1-based) begins.
   *
   * @param iteration the iteration, 1-based
   * @param batch the batch, 1-based
   * @param batches the batches in this iteration
   * @param users the users in this batch
   */
  default void onBatchStart(int iteration, int batch, int batches, int users) {}

  /**
   * One user's calls finished.
   *
   * @param userId the user whose calls finished
   * @param succeeded false when a call failed after the client's retries
   */
  default void onUserDone(String userId, boolean succeeded) {}

  /**
   * A batch finished and its updates were applied.
   *
   * @param record the batch's record
   */
  default void onBatchEnd(RppBatchRecord record) {}

  /**
   * An iteration finished.
   *
   * @param record the iteration's record
   */
  default void onIterationEnd(RppIterationRecord record) {}

  /**
   * The fit ended normally.
   *
   * @param history the fit's record
   */
  default void onFitEnd(RppHistory history) {}

  /**
   * An LLM request finished, successfully or not.
   *
   * @param event the call's stage, latency, usage and outcome
   */
  default void onLlmCall(LlmCallEvent event) {}
}
