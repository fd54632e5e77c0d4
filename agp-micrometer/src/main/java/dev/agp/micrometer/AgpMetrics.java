package dev.agp.micrometer;

import static java.util.Objects.requireNonNull;

import dev.agp.CaseReranker;
import dev.agp.ServingEvent;
import dev.agp.ServingGuard;
import dev.agp.ServingListener;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Micrometer meters fed from the SDK's own events: every LLM call ({@link LlmCallEvent}, from the
 * {@link LlmUsageMeter} in front of a client) and every served request ({@link ServingEvent}, from
 * an {@code AgpModel} or a {@link ServingGuard}). Works with any {@link MeterRegistry}; Spring is
 * not needed.
 *
 * <pre>{@code
 * AgpMetrics metrics = AgpMetrics.builder(registry).defaultModel("gpt-4o-mini").build();
 * LlmClient llm = LlmBackends.openAiBuilder(key, "gpt-4o-mini").meter(metrics.meter()).build();
 * AgpModel model = AgpModel.load(path, llm)
 *     .withProfileStore(ProfileStore.inMemory(100_000))
 *     .withServingListener(metrics);
 * }</pre>
 *
 * <p>Meters (names in Micrometer's dotted form; Prometheus shows {@code agp_llm_calls_total} and so
 * on):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #LLM_CALLS}</td><td>counter</td><td>stage, model, outcome (success,
 *       failure)</td><td>LLM requests (a retried request counts once)</td></tr>
 *   <tr><td>{@value #LLM_TOKENS}</td><td>counter</td><td>stage, model, type (input,
 *       output)</td><td>tokens the backend reported</td></tr>
 *   <tr><td>{@value #LLM_RETRIES}</td><td>counter</td><td>stage, model</td><td>extra
 *       attempts</td></tr>
 *   <tr><td>{@value #LLM_CACHE_HITS}</td><td>counter</td><td>stage, model</td><td>requests the
 *       response cache answered (no paid call)</td></tr>
 *   <tr><td>{@value #LLM_FAILURES}</td><td>counter</td><td>stage, model, error (exception
 *       type)</td><td>requests that failed after all retries</td></tr>
 *   <tr><td>{@value #LLM_LATENCY}</td><td>timer</td><td>stage, model, outcome</td><td>request
 *       wall time, retries included</td></tr>
 *   <tr><td>{@value #SERVING_REQUESTS}</td><td>timer</td><td>method, outcome (ranked,
 *       fallback_failure, fallback_deadline), profile (store, generated, shared, given,
 *       none)</td><td>served rerank requests and their latency</td></tr>
 *   <tr><td>{@value #SERVING_FALLBACKS}</td><td>counter</td><td>method, reason (failure,
 *       deadline)</td><td>requests answered with the base order</td></tr>
 * </table>
 *
 * <p>Stage names are lower case ({@code profile}, {@code rerank}, ...); a call whose model is
 * unknown (a failed call, a backend that does not name it) is tagged with the {@linkplain
 * Builder#defaultModel default model}. Every meter also carries the builder's common tags.
 * Thread-safe; meters are registered on first use and reused.
 */
public final class AgpMetrics implements ServingListener, Consumer<LlmCallEvent> {

  /** LLM requests. */
  public static final String LLM_CALLS = "agp.llm.calls";
  /** Tokens reported by the backend. */
  public static final String LLM_TOKENS = "agp.llm.tokens";
  /** Extra attempts spent by retries. */
  public static final String LLM_RETRIES = "agp.llm.retries";
  /** Requests answered by the response cache. */
  public static final String LLM_CACHE_HITS = "agp.llm.cache.hits";
  /** Requests that failed after all retries. */
  public static final String LLM_FAILURES = "agp.llm.failures";
  /** LLM request latency. */
  public static final String LLM_LATENCY = "agp.llm.latency";
  /** Served rerank requests. */
  public static final String SERVING_REQUESTS = "agp.serving.requests";
  /** Served requests answered with the base order. */
  public static final String SERVING_FALLBACKS = "agp.serving.fallbacks";
  /** The model tag when neither the event nor the builder names one. */
  public static final String UNKNOWN_MODEL = "unknown";

  private final MeterRegistry registry;
  private final Tags common;
  private final String defaultModel;
  private final ConcurrentMap<CallKey, CallMeters> calls = new ConcurrentHashMap<>();
  private final ConcurrentMap<FailureKey, Counter> failures = new ConcurrentHashMap<>();
  private final ConcurrentMap<ServingEventKey, Timer> served = new ConcurrentHashMap<>();
  private final ConcurrentMap<ServingEventKey, Counter> fallbacks = new ConcurrentHashMap<>();

  private AgpMetrics(Builder b) {
    this.registry = b.registry;
    this.common = b.tags;
    this.defaultModel = b.defaultModel;
  }

  /**
   * Metrics on {@code registry} without common tags.
   *
   * @param registry where the meters are registered
   * @return the metrics
   * @throws NullPointerException if registry is null
   */
  public static AgpMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * A builder of metrics on {@code registry}.
   *
   * @param registry where the meters are registered
   * @return a builder
   * @throws NullPointerException if registry is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(requireNonNull(registry, "registry"));
  }

  /**
   * A new usage meter that reports every call it records here: pass it to {@code
   * LlmClients.Builder.meter} or {@code LlmBackends.Builder.meter} (outermost, so cache hits are
   * seen too).
   *
   * @return a meter feeding these metrics
   */
  public LlmUsageMeter meter() {
    return new LlmUsageMeter().addListener(this);
  }

  /**
   * {@code client} reporting every call here.
   *
   * @param client the client to measure
   * @return a client forwarding to it
   * @throws NullPointerException if client is null
   */
  public LlmClient instrument(LlmClient client) {
    return meter().wrap(requireNonNull(client, "client"));
  }

  /**
   * {@code reranker} reporting every request here as {@code method}, through a {@link
   * ServingGuard} without a deadline. For an {@code AgpModel} use {@code withServingListener(this)}
   * instead, which also reports where each profile came from.
   *
   * @param method the method tag, such as {@code "RPP"}
   * @param reranker the reranker to measure
   * @return a reranker forwarding to it
   * @throws NullPointerException if an argument is null
   */
  public CaseReranker instrument(String method, CaseReranker reranker) {
    return ServingGuard.builder(requireNonNull(reranker, "reranker")).method(method).listener(this).build();
  }

  /**
   * Records one LLM call.
   *
   * @param event the call
   */
  @Override
  public void accept(LlmCallEvent event) {
    requireNonNull(event, "event");
    String model = event.model().equals(UsageReport.UNKNOWN_MODEL) ? defaultModel : event.model();
    CallMeters m = calls.computeIfAbsent(new CallKey(event.stage(), model), this::callMeters);
    if (event.succeeded()) {
      m.success.increment();
      m.successLatency.record(event.latency().toNanos(), TimeUnit.NANOSECONDS);
    } else {
      m.failure.increment();
      m.failureLatency.record(event.latency().toNanos(), TimeUnit.NANOSECONDS);
      String error = event.failure().map(e -> e.getClass().getSimpleName()).orElse("unknown");
      failures.computeIfAbsent(new FailureKey(event.stage(), model, error),
          k -> Counter.builder(LLM_FAILURES).description("LLM requests that failed after all retries")
              .tags(common).tag("stage", stage(k.stage())).tag("model", k.model()).tag("error", k.error())
              .register(registry)).increment();
    }
    if (event.usage().inputTokens() > 0) {
      m.inputTokens.increment(event.usage().inputTokens());
    }
    if (event.usage().outputTokens() > 0) {
      m.outputTokens.increment(event.usage().outputTokens());
    }
    if (event.attempts() > 1) {
      m.retries.increment(event.attempts() - 1);
    }
    if (event.cached()) {
      m.cacheHits.increment();
    }
  }

  /**
   * Records one served request.
   *
   * @param event the request
   */
  @Override
  public void onServed(ServingEvent event) {
    requireNonNull(event, "event");
    ServingEventKey key = new ServingEventKey(event.method(), lower(event.outcome().name()), lower(event.profile().name()));
    served.computeIfAbsent(key, k -> Timer.builder(SERVING_REQUESTS).description("Served rerank requests")
            .tags(common).tag("method", k.method()).tag("outcome", k.outcome()).tag("profile", k.profile())
            .register(registry))
        .record(event.latency().toNanos(), TimeUnit.NANOSECONDS);
    if (event.outcome().fallback()) {
      String reason = switch (event.outcome()) {
        case FALLBACK_DEADLINE -> "deadline";
        default -> "failure";
      };
      fallbacks.computeIfAbsent(new ServingEventKey(event.method(), reason, ""),
          k -> Counter.builder(SERVING_FALLBACKS).description("Served requests answered with the base order")
              .tags(common).tag("method", k.method()).tag("reason", k.outcome())
              .register(registry)).increment();
    }
  }

  private CallMeters callMeters(CallKey k) {
    Tags t = common.and(Tag.of("stage", stage(k.stage())), Tag.of("model", k.model()));
    return new CallMeters(
        Counter.builder(LLM_CALLS).description("LLM requests").tags(t).tag("outcome", "success").register(registry),
        Counter.builder(LLM_CALLS).description("LLM requests").tags(t).tag("outcome", "failure").register(registry),
        Counter.builder(LLM_TOKENS).description("Tokens the backend reported").tags(t).tag("type", "input").register(registry),
        Counter.builder(LLM_TOKENS).description("Tokens the backend reported").tags(t).tag("type", "output").register(registry),
        Counter.builder(LLM_RETRIES).description("Extra attempts spent by retries").tags(t).register(registry),
        Counter.builder(LLM_CACHE_HITS).description("LLM requests the response cache answered").tags(t).register(registry),
        Timer.builder(LLM_LATENCY).description("LLM request latency, retries included").tags(t).tag("outcome", "success").register(registry),
        Timer.builder(LLM_LATENCY).description("LLM request latency, retries included").tags(t).tag("outcome", "failure").register(registry));
  }

  private static String stage(Stage s) {
    return lower(s.name());
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private record CallKey(Stage stage, String model) {}

  private record FailureKey(Stage stage, String model, String error) {}

  private record ServingEventKey(String method, String outcome, String profile) {}

  private record CallMeters(
      Counter success,
      Counter failure,
      Counter inputTokens,
      Counter outputTokens,
      Counter retries,
      Counter cacheHits,
      Timer successLatency,
      Timer failureLatency) {}

  /**
   * Options of {@link AgpMetrics}. Setters throw {@link NullPointerException} for null and {@link
   * IllegalArgumentException} for a blank value.
   */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private String defaultModel = UNKNOWN_MODEL;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Adds a tag to every meter, for example the name of the recommendation surface.
     *
     * @param key the tag key
     * @param value the tag value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      this.tags = tags.and(key, value);
      return this;
    }

    /**
     * The model tag of calls whose event does not name one (failures; backends that do not say),
     * by default {@value AgpMetrics#UNKNOWN_MODEL}.
     *
     * @param model the served model's name
     * @return this builder
     */
    public Builder defaultModel(String model) {
      requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("defaultModel must not be blank");
      }
      this.defaultModel = model;
      return this;
    }

    /**
     * The metrics.
     *
     * @return metrics registering on the builder's registry
     */
    public AgpMetrics build() {
      return new AgpMetrics(this);
    }
  }
}
