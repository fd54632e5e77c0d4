package dev.agp.internal;

import dev.agp.UserFailure;
import dev.agp.llm.LlmBudgetExceededException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Scheduling and reporting pieces shared by the fits (AGP and RPP). */
public final class FitSupport {

  /** Failures named in a stop message; the rest are counted. */
  public static final int CAUSES_SHOWN = 3;

  private FitSupport() {}

  /**
   * {@code items} cut into consecutive batches of {@code size} (the last may be shorter).
   *
   * @param <T> the element type
   * @param items the items, in order
   * @param size the batch size, {@code >= 1}
   * @return the batches, in order
   */
  public static <T> List<List<T>> partition(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    }
    return out;
  }

  /**
   * The first {@link #CAUSES_SHOWN} failures described, and how many more there were.
   *
   * @param failures the failures, in order
   * @return the description, for a stop message
   */
  public static String causes(List<UserFailure> failures) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(CAUSES_SHOWN, failures.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(failures.get(i).describe());
    }
    if (failures.size() > CAUSES_SHOWN) {
      sb.append("; and ").append(failures.size() - CAUSES_SHOWN).append(" more");
    }
    return sb.toString();
  }

  /**
   * Why a fit stopped at {@code where}: the budget, an interrupt, or the exception.
   *
   * @param where the round and batch, as the message names them
   * @param cause what stopped the fit
   * @return the reason, for a stop message
   */
  public static String stopReason(String where, RuntimeException cause) {
    if (cause instanceof LlmBudgetExceededException) {
      return where + ": the budget ran out (" + cause.getMessage() + ")";
    }
    if (cause instanceof CancellationException) {
      return where + ": interrupted";
    }
    return where + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /**
   * What a stopped fit's user can do next, given its checkpoint (or none).
   *
   * @param checkpoint the fit's checkpoint, or null
   * @return the sentence that ends a stop message
   */
  public static String checkpointNote(@Nullable Path checkpoint) {
    return checkpoint == null
        ? ". No checkpoint was configured; set checkpoint(path) to resume instead of starting over."
        : ". The checkpoint " + checkpoint + " holds the finished users; rerun with it to resume.";
  }

  /**
   * Calls {@code call} on every listener; one that throws is logged on {@code log} and the others
   * still run, so a listener bug never stops a fit.
   *
   * @param <L> the listener type
   * @param listeners the listeners, in the order added
   * @param event the event's name, for the log
   * @param call calls one listener
   * @param log where a listener's failure is logged
   */
  public static <L> void notifyAll(List<L> listeners, String event, Consumer<L> call, Logger log) {
    for (L l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("Listener {} threw from {}; the fit goes on", l.getClass().getName(), event, e);
      }
    }
  }
}
