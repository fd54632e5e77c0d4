package dev.agp;

import dev.agp.internal.FitSupport;
import dev.agp.llm.LlmCallEvent;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to listeners; a listener that throws is logged and does not stop the fit. */
final class SafeListeners implements AgpListener {

  private static final Logger log = LoggerFactory.getLogger(SafeListeners.class);

  private final List<AgpListener> listeners;

  SafeListeners(List<AgpListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** Whether any listener was given (events that cost work to prepare are skipped without one). */
  boolean any() {
    return !listeners.isEmpty();
  }

  private void each(String event, Consumer<AgpListener> call) {
    FitSupport.notifyAll(listeners, event, call, log);
  }

  @Override
  public void onFitStart(CallEstimate plan, boolean resumed) {
    each("onFitStart", l -> l.onFitStart(plan, resumed));
  }

  @Override
  public void onEpochStart(int epoch, int epochs) {
    each("onEpochStart", l -> l.onEpochStart(epoch, epochs));
  }

  @Override
  public void onBatchStart(int epoch, int batch, int batches, int users) {
    each("onBatchStart", l -> l.onBatchStart(epoch, batch, batches, users));
  }

  @Override
  public void onUserDone(String userId, boolean succeeded) {
    each("onUserDone", l -> l.onUserDone(userId, succeeded));
  }

  @Override
  public void onBatchEnd(BatchRecord record) {
    each("onBatchEnd", l -> l.onBatchEnd(record));
  }

  @Override
  public void onValidation(EpochRecord record) {
    each("onValidation", l -> l.onValidation(record));
  }

  @Override
  public void onFitEnd(FitHistory history) {
    each("onFitEnd", l -> l.onFitEnd(history));
  }

  @Override
  public void onLlmCall(LlmCallEvent event) {
    each("onLlmCall", l -> l.onLlmCall(event));
  }
}
