package dev.agp.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task per input on a pool and returns the results in input order, so what a fit
 * computes from them does not depend on the pool's size or on timing.
 */
public final class OrderedTasks {

  private OrderedTasks() {}

  /**
   * The results in input order ({@code null} for tasks that did not finish), and the first
   * exception a task threw, if any.
   */
  public record Gathered<T>(List<@Nullable T> results, @Nullable RuntimeException stop) {}

  /**
   * Runs {@code task} for every input on {@code pool}. A task that throws cancels the tasks not
   * yet started and becomes {@link Gathered#stop()}; the other results are kept so the caller can
   * save them. An interrupt cancels everything and is reported as a {@link CancellationException}
   * stop, with the thread's interrupt flag set again. Errors are rethrown.
   *
   * @param <I> the input type
   * @param <T> the result type
   * @param pool the threads the tasks run on
   * @param inputs the inputs, in order
   * @param task the task run for each input
   * @return the results in input order, and what stopped the tasks, if anything
   */
  public static <I, T> Gathered<T> run(ExecutorService pool, List<I> inputs, Function<I, T> task) {
    List<Future<T>> futures = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      futures.add(pool.submit(() -> task.apply(input)));
    }
    List<@Nullable T> results = new ArrayList<>(Collections.nCopies(inputs.size(), null));
    RuntimeException stop = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        results.set(i, futures.get(i).get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        if (stop == null) {
          stop = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
          futures.forEach(f -> f.cancel(false));
        }
      } catch (CancellationException e) {
        // cancelled after an earlier stop; its input is redone on resume
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        return new Gathered<>(results, new CancellationException("the fit was interrupted"));
      }
    }
    return new Gathered<>(results, stop);
  }
}
