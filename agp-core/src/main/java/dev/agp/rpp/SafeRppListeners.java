package dev.agp.rpp;

import dev.agp.CallEstimate;
import dev.agp.internal.FitSupport;
import dev.agp.llm.LlmCallEvent;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to listeners; a listener that throws is logged and does not stop the fit. */
final class SafeRppListeners implements RppListener {

  private static final Logger log = LoggerFactory.getLogger(SafeRppListeners.class);

  private final List<RppListener> listeners;

  SafeRppListeners(List<RppListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** Whether any listener was given (events that cost work to prepare are skipped without one). */
  boolean any() {
    return !listeners.isEmpty();
  }

  private void each(String event, Consumer<RppListener> call) {
    FitSupport.notifyAll(listeners, event, call, log);
  }

  @Override
  public void onFitStart(CallEstimate plan, boolean resumed) {
    each("onFitStart", l -> l.onFitStart(plan, resumed));
  }

  @Override
  public void onIterationStart(int iteration, int iterations) {
    each("onIterationStart", l -> l.onIterationStart(iteration, iterations));
  }

  @Override
  public void onBatchStart(int iteration, int batch, int batches, int users) {
    each("onBatchStart", l -> l.onBatchStart(iteration, batch, batches, users));
  }

  @Override
  public void onUserDone(String userId, boolean succeeded) {
    each("onUserDone", l -> l.onUserDone(userId, succeeded));
  }

  @Override
  public void onBatchEnd(RppBatchRecord record) {
    each("onBatchEnd", l -> l.onBatchEnd(record));
  }

  @Override
  public void onIterationEnd(RppIterationRecord record) {
    each("onIterationEnd", l -> l.onIterationEnd(record));
  }

  @Override
  public void onFitEnd(RppHistory history) {
    each("onFitEnd", l -> l.onFitEnd(history));
  }

  @Override
  public void onLlmCall(LlmCallEvent event) {
    each("onLlmCall", l -> l.onLlmCall(event));
  }
}
