package dev.agp.internal;

import dev.agp.ServingEvent;
import dev.agp.ServingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** The deadline and the listener fan-out shared by the serving paths (AgpModel, ServingGuard). */
public final class ServingSupport {

  private ServingSupport() {}

  /**
   * Runs {@code work} on {@code executor} and waits for it until {@code deadline} after {@code
   * startNanos} ({@link System#nanoTime()}). Gives up, calling {@code onGiveUp} and returning null,
   * when the deadline passes, the executor rejects the work or the waiting thread is interrupted
   * (its flag set again); the work is never interrupted, and a failure it meets after the caller
   * gave up is logged. What the work throws in time is rethrown.
   *
   * @param <T> the work's result type
   * @param work the serving work (profile and rerank)
   * @param executor the executor the work runs on
   * @param deadline the time allowed from {@code startNanos}
   * @param startNanos when the request started, from {@link System#nanoTime()}
   * @param onGiveUp run when the caller gives up
   * @param userId the user, for the log
   * @param log where failures are logged
   * @return the work's result, or null when the caller gave up
   */
  public static <T> @Nullable T within(
      Supplier<T> work, Executor executor, Duration deadline, long startNanos, Runnable onGiveUp, String userId,
      Logger log) {
    CompletableFuture<T> f;
    try {
      f = CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      log.warn("Reranking user {}: the serving executor rejected the request; returning the base order", userId);
      onGiveUp.run();
      return null;
    }
    try {
      return f.get(Math.max(0, deadline.toNanos() - (System.nanoTime() - startNanos)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      onGiveUp.run();
      log.debug("Reranking user {}: the deadline of {} passed; returning the base order", userId, deadline);
      f.whenComplete((late, error) -> {
        if (error != null) {
          log.warn("Reranking user {} failed after its deadline had passed", userId, error);
        }
      });
      return null;
    } catch (InterruptedException e) {
      onGiveUp.run();
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Hands {@code event} to every listener; one that throws is logged and never fails the request.
   *
   * @param listeners the model's serving listeners
   * @param event what the request served, and how fast
   * @param log where a listener's failure is logged
   */
  public static void notifyServed(List<ServingListener> listeners, ServingEvent event, Logger log) {
    for (ServingListener l : listeners) {
      try {
        l.onServed(event);
      } catch (RuntimeException e) {
        log.warn("Serving listener {} threw; the request is served", l.getClass().getName(), e);
      }
    }
  }
}
