package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Counts calls, tokens, failures, retries, cache hits and latency per {@link Stage} for every
 * client it {@linkplain #wrap wraps}. Thread-safe. The optimizers put one in front of their client
 * and expose its {@link #snapshot()} as {@code usage()}.
 */
public final class LlmUsageMeter {

  private final Ticker ticker;
  private final Map<Stage, MutableStage> stages = new EnumMap<>(Stage.class);
  private final List<Consumer<LlmCallEvent>> listeners = new CopyOnWriteArrayList<>();

  /** A meter timing calls with {@code ticker}. */
  public LlmUsageMeter(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
    for (Stage s : Stage.values()) {
      stages.put(s, new MutableStage());
    }
  }

  /** A meter timing calls with the system clock. */
  public LlmUsageMeter() {
    this(Ticker.systemTicker());
  }

  /** Calls {@code listener} after every metered request, on the calling thread. */
  public LlmUsageMeter addListener(Consumer<LlmCallEvent> listener) {
    listeners.add(requireNonNull(listener, "listener"));
    return this;
  }

  /** A client that forwards to {@code delegate} and records each request here. */
  public LlmClient wrap(LlmClient delegate) {
    requireNonNull(delegate, "delegate");
    return request -> {
      long start = ticker.read();
      try {
        LlmResponse response = delegate.complete(request);
        long nanos = ticker.read() - start;
        record(
            new LlmCallEvent(
                request.stage(),
                Duration.ofNanos(nanos),
                response.usage(),
                response.attempts(),
                response.cached(),
                Optional.empty()));
        return response;
      } catch (RuntimeException e) {
        long nanos = ticker.read() - start;
        int attempts = e instanceof LlmException le && le.attempt() > 0 ? le.attempt() : 1;
        record(
            new LlmCallEvent(
                request.stage(),
                Duration.ofNanos(nanos),
                TokenUsage.ZERO,
                attempts,
                false,
                Optional.of(e)));
        throw e;
      }
    };
  }

  /** Records one finished request (what {@link #wrap} does for each call). */
  public void record(LlmCallEvent event) {
    MutableStage s = stages.get(event.stage());
    synchronized (s) {
      s.calls++;
      s.inputTokens += event.usage().inputTokens();
      s.outputTokens += event.usage().outputTokens();
      s.retries += Math.max(0, event.attempts() - 1);
      if (event.cached()) {
        s.cacheHits++;
      }
      if (!event.succeeded()) {
        s.failures++;
      }
      s.latency.merge(LatencyHistogram.bucketOf(event.latency().toNanos()), 1L, Long::sum);
    }
    for (Consumer<LlmCallEvent> l : listeners) {
      l.accept(event);
    }
  }

  /** Counts an update the optimizer refused or reverted. */
  public void recordRejectedUpdate(Stage stage) {
    MutableStage s = stages.get(requireNonNull(stage, "stage"));
    synchronized (s) {
      s.rejectedUpdates++;
    }
  }

  /** Adds usage recorded elsewhere, for example by an earlier run restored from a checkpoint. */
  public void add(UsageReport earlier) {
    earlier
        .byStage()
        .forEach(
            (stage, u) -> {
              MutableStage s = stages.get(stage);
              synchronized (s) {
                s.calls += u.calls();
                s.inputTokens += u.inputTokens();
                s.outputTokens += u.outputTokens();
                s.failures += u.failures();
                s.retries += u.retries();
                s.cacheHits += u.cacheHits();
                s.rejectedUpdates += u.rejectedUpdates();
                u.latency().buckets().forEach((k, v) -> s.latency.merge(k, v, Long::sum));
              }
            });
  }

  /** An immutable copy of the counters. */
  public UsageReport snapshot() {
    EnumMap<Stage, StageUsage> m = new EnumMap<>(Stage.class);
    stages.forEach(
        (stage, s) -> {
          synchronized (s) {
            m.put(
                stage,
                new StageUsage(
                    s.calls,
                    s.inputTokens,
                    s.outputTokens,
                    s.failures,
                    s.retries,
                    s.cacheHits,
                    s.rejectedUpdates,
                    new LatencyHistogram(s.latency)));
          }
        });
    return new UsageReport(m);
  }

  private static final class MutableStage {
    long calls;
    long inputTokens;
    long outputTokens;
    long failures;
    long retries;
    long cacheHits;
    long rejectedUpdates;
    final Map<Integer, Long> latency = new java.util.HashMap<>();
  }
}
