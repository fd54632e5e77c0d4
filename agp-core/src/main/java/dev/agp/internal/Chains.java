package dev.agp.internal;

import dev.agp.internal.OrderedTasks.Gathered;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs one chain of dependent steps per input (a user's profile, then rerank, then critique) on
 * a pool, scheduling each step as its own task: when a step finishes, the chain's next step joins
 * the back of the pool's queue. A pool smaller than the number of chains thus still keeps every
 * thread busy (ten users' three calls on eight threads take four rounds, not six), and several
 * groups of chains started on the same pool share it. Results are kept per input, in input order,
 * so what a fit computes from them does not depend on the pool's size or on timing.
 *
 * <p>A step that throws stops the group: no further step of it starts, steps already running
 * finish, and the exception becomes {@link Gathered#stop()}; chains that finished keep their
 * results. Errors are rethrown by {@link #await()}.
 *
 * @param <T> a chain's result
 */
public final class Chains<T> {

  /** One step of a chain: typically one LLM call, then what comes next. */
  @FunctionalInterface
  public interface Step<T> {
    /**
     * Runs the step; the result of a chain or its next step.
     *
     * @return the chain's next step or its result
     */
    Next<T> run();
  }

  /** What follows a step: the chain's next step, or its result. */
  public static final class Next<T> {
    private final @Nullable Step<T> step;
    private final @Nullable T result;

    private Next(@Nullable Step<T> step, @Nullable T result) {
      this.step = step;
      this.result = result;
    }

    /**
     * The chain goes on with {@code step}.
     *
     * @param <T> the chain's result type
     * @param step the next step
     * @return the continuation
     */
    public static <T> Next<T> then(Step<T> step) {
      return new Next<>(java.util.Objects.requireNonNull(step, "step"), null);
    }

    /**
     * The chain ends with {@code result}.
     *
     * @param <T> the chain's result type
     * @param result the chain's result
     * @return the end of the chain
     */
    public static <T> Next<T> done(T result) {
      return new Next<>(null, java.util.Objects.requireNonNull(result, "result"));
    }
  }

  private final ExecutorService pool;
  private final AtomicReferenceArray<T> results;
  private final CountDownLatch open;
  private final AtomicReference<@Nullable RuntimeException> stop = new AtomicReference<>();
  private final AtomicReference<@Nullable Error> error = new AtomicReference<>();
  private volatile boolean stopped;

  private Chains(ExecutorService pool, int n) {
    this.pool = pool;
    this.results = new AtomicReferenceArray<>(n);
    this.open = new CountDownLatch(n);
  }

  /**
   * Starts a chain for every input on {@code pool}, the first steps queued in input order, and
   * returns at once. No first step runs before {@code gate} opens, so that groups started
   * together queue all their first steps before any second step: with one thread the calls then
   * come in the same order every run.
   *
   * @param <I> the input type
   * @param <T> the chains' result type
   * @param pool the threads that run the steps
   * @param inputs one chain per input, in order
   * @param first the first step of an input's chain
   * @param gate the latch the first steps wait for
   * @return the running chains
   */
  public static <I, T> Chains<T> start(ExecutorService pool, List<I> inputs, Function<I, Step<T>> first,
      CountDownLatch gate) {
    Chains<T> c = new Chains<>(pool, inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      I input = inputs.get(i);
      c.submit(i, () -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted before the chain started");
        }
        return first.apply(input).run();
      });
    }
    return c;
  }

  /**
   * A gate for {@link #start}, opened with {@code countDown()}.
   *
   * @return a closed gate
   */
  public static CountDownLatch gate() {
    return new CountDownLatch(1);
  }

  /**
   * Starts the chains and waits for them.
   *
   * @param <I> the input type
   * @param <T> the chains' result type
   * @param pool the threads that run the steps
   * @param inputs one chain per input, in order
   * @param first the first step of an input's chain
   * @return the results in input order, and what stopped the chains, if anything
   */
  public static <I, T> Gathered<T> run(ExecutorService pool, List<I> inputs, Function<I, Step<T>> first) {
    CountDownLatch gate = gate();
    Chains<T> c = start(pool, inputs, first, gate);
    gate.countDown();
    return c.await();
  }

  /**
   * {@code step} and every step after it, each run between {@code before} and {@code after} on its
   * thread.
   *
   * @param <T> the chain's result type
   * @param step the first step wrapped
   * @param before run before each step
   * @param after run after each step, also when it throws
   * @return the wrapped step
   */
  public static <T> Step<T> around(Step<T> step, Runnable before, Runnable after) {
    return () -> {
      before.run();
      Next<T> next;
      try {
        next = step.run();
      } finally {
        after.run();
      }
      return next.step != null ? Next.then(around(next.step, before, after)) : next;
    };
  }

  private void submit(int i, Step<T> step) {
    if (stopped) {
      open.countDown();
      return;
    }
    try {
      pool.execute(() -> runStep(i, step));
    } catch (RejectedExecutionException e) {
      fail(new CancellationException("the pool was shut down"));
      open.countDown();
    }
  }

  private void runStep(int i, Step<T> step) {
    if (stopped) {
      open.countDown();
      return;
    }
    Next<T> next;
    try {
      next = step.run();
    } catch (RuntimeException e) {
      fail(e);
      open.countDown();
      return;
    } catch (Error e) {
      error.compareAndSet(null, e);
      stopped = true;
      open.countDown();
      return;
    }
    if (next.step != null) {
      submit(i, next.step);
    } else {
      results.set(i, next.result);
      open.countDown();
    }
  }

  private void fail(RuntimeException e) {
    stop.compareAndSet(null, e);
    stopped = true;
  }

  /** No step of these chains starts from now on; running ones finish. */
  public void stop() {
    stopped = true;
  }

  /**
   * The results of the chains finished so far, in input order ({@code null} for the others).
   *
   * @return the results so far
   */
  public List<@Nullable T> finished() {
    List<@Nullable T> out = new ArrayList<>(results.length());
    for (int i = 0; i < results.length(); i++) {
      out.add(results.get(i));
    }
    return out;
  }

  /**
   * Waits until every chain has finished or been stopped. An interrupt stops the chains and is
   * reported as a {@link CancellationException} stop, with the thread's interrupt flag set again.
   *
   * @return the results in input order, and what stopped the chains, if anything
   * @throws Error if a step threw one
   */
  public Gathered<T> await() {
    try {
      open.await();
    } catch (InterruptedException e) {
      stopped = true;
      Thread.currentThread().interrupt();
      return new Gathered<>(finished(), new CancellationException("the fit was interrupted"));
    }
    Error err = error.get();
    if (err != null) {
      throw err;
    }
    return new Gathered<>(finished(), stop.get());
  }
}
