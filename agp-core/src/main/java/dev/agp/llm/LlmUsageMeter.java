package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Counts calls, tokens, failures, retries, cache hits, truncated answers and latency per {@link
 * Stage} and model (the {@link LlmResponse#model()} of each answer) for every client it
 * {@linkplain #wrap wraps}.
 * Thread-safe. The optimizers put one in front of their client and expose its {@link #snapshot()}
 * as {@code usage()}; {@link UsageReport#cost(PriceTable)} prices it.
 */
public final class LlmUsageMeter {

  private final Ticker ticker;
  private final Map<Key, MutableStage> slots = new ConcurrentHashMap<>();
  private final List<Consumer<LlmCallEvent>> listeners = new CopyOnWriteArrayList<>();

  /**
   * A meter timing calls with {@code ticker}.
   *
   * @param ticker the time source of the call latencies
   */
  public LlmUsageMeter(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /** A meter timing calls with the system clock. */
  public LlmUsageMeter() {
    this(Ticker.systemTicker());
  }

  /**
   * Calls {@code listener} after every metered request, on the calling thread.
   *
   * @param listener told about every call, after it finished
   * @return this meter
   */
  public LlmUsageMeter addListener(Consumer<LlmCallEvent> listener) {
    listeners.add(requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * A client that forwards to {@code delegate} and records each request here.
   *
   * @param delegate the client to meter
   * @return the metered client
   */
  public LlmClient wrap(LlmClient delegate) {
    requireNonNull(delegate, "delegate");
    return request -> {
      long start = ticker.read();
      try {
        LlmResponse response = delegate.complete(request);
        long nanos = ticker.read() - start;
        if (truncated(request, response)) {
          MutableStage s = slot(request.stage(), response.model());
          synchronized (s) {
            s.truncated++;
          }
        }
        record(
            new LlmCallEvent(
                request.stage(),
                Duration.ofNanos(nanos),
                response.usage(),
                response.attempts(),
                response.cached(),
                Optional.empty(),
                response.model()));
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

  /**
   * Records one finished request (what {@link #wrap} does for each call).
   *
   * @param event the request's stage, latency, usage and outcome
   */
  public void record(LlmCallEvent event) {
    MutableStage s = slot(event.stage(), event.model());
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

  /**
   * Whether {@code response} was cut off by {@code request}'s output cap: a paid answer whose
   * output tokens reached the cap. OpenAI-compatible backends stop exactly at the cap when they
   * run out of room (finish reason "length"), so an answer that needed the whole allowance is
   * read as truncated; cached answers are not counted again.
   *
   * @param request the request, with or without an output cap
   * @param response its answer
   * @return true when the answer used the whole output allowance
   */
  public static boolean truncated(LlmRequest request, LlmResponse response) {
    return request.maxOutputTokens().isPresent()
        && !response.cached()
        && response.usage().outputTokens() >= request.maxOutputTokens().getAsInt();
  }

  /**
   * Counts an update the optimizer refused or reverted.
   *
   * @param stage the stage whose update was refused
   */
  public void recordRejectedUpdate(Stage stage) {
    MutableStage s = slot(requireNonNull(stage, "stage"), UsageReport.UNKNOWN_MODEL);
    synchronized (s) {
      s.rejectedUpdates++;
    }
  }

  /**
   * Adds usage recorded elsewhere, for example by an earlier run restored from a checkpoint.
   * Usage of a report without per-model figures is kept under {@link UsageReport#UNKNOWN_MODEL}.
   *
   * @param earlier the usage to add
   */
  public void add(UsageReport earlier) {
    if (earlier.byModel().isEmpty()) {
      earlier.byStage().forEach((stage, u) -> slot(stage, UsageReport.UNKNOWN_MODEL).add(u));
    } else {
      earlier.byModel().forEach((model, stages) -> stages.forEach((stage, u) -> slot(stage, model).add(u)));
    }
  }

  /** {@return an immutable copy of the counters, per stage and per model} */
  public UsageReport snapshot() {
    EnumMap<Stage, StageUsage> byStage = new EnumMap<>(Stage.class);
    Map<String, Map<Stage, StageUsage>> byModel = new TreeMap<>();
    slots.forEach(
        (key, s) -> {
          StageUsage u = s.read();
          byStage.merge(key.stage(), u, StageUsage::plus);
          byModel.computeIfAbsent(key.model(), m -> new EnumMap<>(Stage.class)).put(key.stage(), u);
        });
    return new UsageReport(byStage, byModel);
  }

  private MutableStage slot(Stage stage, String model) {
    return slots.computeIfAbsent(new Key(stage, model), k -> new MutableStage());
  }

  /*
   * equals and hashCode written out: a record's generated ones are bootstrapped on first use
   * (about a hundred java.lang.invoke classes), and the first use is the first answer of a fit.
   */
  private record Key(Stage stage, String model) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.stage == stage && java.util.Objects.equals(k.model, model);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Objects.hashCode(stage) + java.util.Objects.hashCode(model);
    }
  }

  private static final class MutableStage {
    long calls;
    long inputTokens;
    long outputTokens;
    long failures;
    long retries;
    long cacheHits;
    long rejectedUpdates;
    long truncated;
    final Map<Integer, Long> latency = new HashMap<>();

    synchronized void add(StageUsage u) {
      calls += u.calls();
      inputTokens += u.inputTokens();
      outputTokens += u.outputTokens();
      failures += u.failures();
      retries += u.retries();
      cacheHits += u.cacheHits();
      rejectedUpdates += u.rejectedUpdates();
      truncated += u.truncated();
      u.latency().buckets().forEach((k, v) -> latency.merge(k, v, Long::sum));
    }

    synchronized StageUsage read() {
      return new StageUsage(
          calls, inputTokens, outputTokens, failures, retries, cacheHits, rejectedUpdates, truncated,
          new LatencyHistogram(latency));
    }
  }
}
