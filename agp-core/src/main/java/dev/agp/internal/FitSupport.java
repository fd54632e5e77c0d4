package dev.agp.internal;

import dev.agp.UserFailure;
import dev.agp.llm.LlmBudgetExceededException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Scheduling and reporting pieces shared by the fits (AGP and RPP). */
public final class FitSupport {

  /** Failures named in a stop message; the rest are counted. */
  public static final int CAUSES_SHOWN = 3;

  private FitSupport() {}

  /** {@code items} cut into consecutive batches of {@code size} (the last may be shorter). */
  public static <T> List<List<T>> partition(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    }
    return out;
  }

  /**
   * Daemon threads of normal priority named {@code prefix} and a number from 0, as a fit's pool
   * names them (no format string: formatting a name costs a fresh JVM the locale data on a fit's
   * first step).
   *
   * @param prefix the start of every thread's name
   * @return the factory
   */
  public static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + next.getAndIncrement());
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY);
      return t;
    };
  }

  /** The first {@link #CAUSES_SHOWN} failures described, and how many more there were. */
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

  /** Why a fit stopped at {@code where}: the budget, an interrupt, or the exception. */
  public static String stopReason(String where, RuntimeException cause) {
    if (cause instanceof LlmBudgetExceededException) {
      return where + ": the budget ran out (" + cause.getMessage() + ")";
    }
    if (cause instanceof CancellationException) {
      return where + ": interrupted";
    }
    return where + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** What a stopped fit's user can do next, given its checkpoint (or none). */
  public static String checkpointNote(@Nullable Path checkpoint) {
    return checkpoint == null
        ? ". No checkpoint was configured; set checkpoint(path) to resume instead of starting over."
        : ". The checkpoint " + checkpoint + " holds the finished users; rerun with it to resume.";
  }

  /**
   * Calls {@code call} on every listener; one that throws is logged on {@code log} and the others
   * still run, so a listener bug never stops a fit.
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
