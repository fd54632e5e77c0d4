package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.internal.ServingSupport;
import dev.agp.internal.ServingThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving controls for any {@link CaseReranker} (an RPP model, a baseline, your own): an optional
 * per-request deadline after which the base order is returned flagged as a fallback, and a {@link
 * ServingEvent} per request for metrics.
 *
 * <pre>{@code
 * CaseReranker served = ServingGuard.builder(rppModel)
 *     .method("RPP")
 *     .deadline(Duration.ofSeconds(2))
 *     .listener(metrics)
 *     .build();
 * }</pre>
 *
 * <p>The wrapped reranker keeps running after a deadline passes (its answer is dropped); it is
 * never interrupted. For an {@link AgpModel} prefer {@link AgpModel#withDeadline}, which also keeps
 * a late profile in the store and skips a RERANK call not yet started. Thread-safe when the
 * wrapped reranker is.
 */
public final class ServingGuard implements CaseReranker {

  private static final Logger log = LoggerFactory.getLogger(ServingGuard.class);

  private final CaseReranker reranker;
  private final String method;
  private final @Nullable Duration deadline;
  private final Executor executor;
  private final List<ServingListener> listeners;
  private final LongAdder requests = new LongAdder();
  private final LongAdder failureFallbacks = new LongAdder();
  private final LongAdder deadlineFallbacks = new LongAdder();

  private ServingGuard(Builder b) {
    this.reranker = b.reranker;
    this.method = b.method;
    this.deadline = b.deadline;
    this.executor = b.executor;
    this.listeners = List.copyOf(b.listeners);
  }

  /**
   * A builder guarding {@code reranker}, without a deadline, reporting as method {@code "reranker"}.
   *
   * @param reranker the reranker to guard
   * @return a builder
   * @throws NullPointerException if reranker is null
   */
  public static Builder builder(CaseReranker reranker) {
    return new Builder(requireNonNull(reranker, "reranker"));
  }

  /**
   * Reranks through the guarded reranker within the deadline, if any.
   *
   * @param user the user's history and candidates
   * @return the guarded reranker's ranking, or the base order flagged as a fallback when the
   *     deadline passed
   * @throws NullPointerException if user is null
   * @throws RuntimeException whatever the guarded reranker throws
   */
  @Override
  public Ranking rerank(UserCase user) {
    requireNonNull(user, "user");
    long start = System.nanoTime();
    requests.increment();
    @Nullable Ranking ranking = deadline == null
        ? reranker.rerank(user)
        : ServingSupport.within(() -> reranker.rerank(user), executor, deadline, start, () -> { }, user.userId(), log);
    ServingOutcome outcome;
    if (ranking == null) {
      deadlineFallbacks.increment();
      ranking = Ranking.fallback(user);
      outcome = ServingOutcome.FALLBACK_DEADLINE;
    } else if (ranking.fallback()) {
      failureFallbacks.increment();
      outcome = ServingOutcome.FALLBACK_FAILURE;
    } else {
      outcome = ServingOutcome.RANKED;
    }
    if (!listeners.isEmpty()) {
      ServingSupport.notifyServed(listeners, new ServingEvent(
          method, outcome, ProfileSource.NONE, Duration.ofNanos(Math.max(0, System.nanoTime() - start))), log);
    }
    return ranking;
  }

  /** {@return the method name this guard reports} */
  public String method() {
    return method;
  }

  /**
   * Requests and fallbacks since this guard was built (the store fields are 0).
   *
   * @return the counts
   */
  public ServingStats servingStats() {
    return new ServingStats(requests.sum(), 0, 0, 0, failureFallbacks.sum(), deadlineFallbacks.sum(), 0);
  }

  /**
   * Options of a {@link ServingGuard}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} for a bad value.
   */
  public static final class Builder {
    private final CaseReranker reranker;
    private String method = "reranker";
    private @Nullable Duration deadline;
    private Executor executor = ServingThreads.shared();
    private final List<ServingListener> listeners = new ArrayList<>();

    private Builder(CaseReranker reranker) {
      this.reranker = reranker;
    }

    /**
     * The method name of the events, such as {@code "RPP"} (default {@code "reranker"}).
     *
     * @param method a non-blank name
     * @return this builder
     */
    public Builder method(String method) {
      requireNonNull(method, "method");
      if (method.isBlank()) {
        throw new IllegalArgumentException("method must not be blank");
      }
      this.method = method;
      return this;
    }

    /**
     * The longest a request may take, {@code > 0} (default: none).
     *
     * @param deadline the deadline
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be > 0 but was " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * Runs requests that have a deadline (default: a shared pool of daemon threads made on demand).
     *
     * @param executor the executor; needs a thread per request in flight
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Adds a listener receiving an event per request.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ServingListener listener) {
      this.listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The guarded reranker.
     *
     * @return a new guard
     */
    public ServingGuard build() {
      return new ServingGuard(this);
    }
  }
}
