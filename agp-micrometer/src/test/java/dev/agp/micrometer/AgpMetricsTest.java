package dev.agp.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.NullPointerTester;
import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.CaseReranker;
import dev.agp.ProfilePrompt;
import dev.agp.ProfileStore;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgpMetricsTest {

  private static final List<UserCase> USERS = GenreWorld.users("m", 5, 41);

  private final MeterRegistry registry = new SimpleMeterRegistry();

  private double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private long timerCount(String name, String... tags) {
    Timer t = registry.find(name).tags(tags).timer();
    return t == null ? 0 : t.count();
  }

  @Test
  void accept_callEvents_countCallsTokensRetriesCacheHitsAndLatency() {
    AgpMetrics metrics = AgpMetrics.builder(registry).tag("surface", "home").build();

    metrics.accept(new LlmCallEvent(Stage.RERANK, Duration.ofMillis(120), new TokenUsage(100, 20), 3, false,
        Optional.empty(), "gpt-4o-mini"));
    metrics.accept(new LlmCallEvent(Stage.RERANK, Duration.ofMillis(1), TokenUsage.ZERO, 1, true,
        Optional.empty(), "gpt-4o-mini"));

    String[] rerank = {"stage", "rerank", "model", "gpt-4o-mini", "surface", "home"};
    assertThat(count(AgpMetrics.LLM_CALLS, concat(rerank, "outcome", "success"))).isEqualTo(2);
    assertThat(count(AgpMetrics.LLM_TOKENS, concat(rerank, "type", "input"))).isEqualTo(100);
    assertThat(count(AgpMetrics.LLM_TOKENS, concat(rerank, "type", "output"))).isEqualTo(20);
    assertThat(count(AgpMetrics.LLM_RETRIES, rerank)).isEqualTo(2);
    assertThat(count(AgpMetrics.LLM_CACHE_HITS, rerank)).isEqualTo(1);
    Timer latency = registry.find(AgpMetrics.LLM_LATENCY).tags(concat(rerank, "outcome", "success")).timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(120);
  }

  @Test
  void accept_failureOfAnUnknownModel_isTaggedWithTheDefaultModelAndTheError() {
    AgpMetrics metrics = AgpMetrics.builder(registry).defaultModel("llama3.1").build();

    metrics.accept(new LlmCallEvent(Stage.PROFILE, Duration.ofMillis(5), TokenUsage.ZERO, 2, false,
        Optional.of(new LlmRetriableException("HTTP 503", null))));

    assertThat(count(AgpMetrics.LLM_CALLS, "stage", "profile", "model", "llama3.1", "outcome", "failure")).isEqualTo(1);
    assertThat(count(AgpMetrics.LLM_FAILURES, "stage", "profile", "model", "llama3.1", "error", "LlmRetriableException"))
        .isEqualTo(1);
    assertThat(count(AgpMetrics.LLM_RETRIES, "stage", "profile")).isEqualTo(1);
  }

  @Test
  void agpModel_servedThroughAMeteredClient_reportsCallsAndServingOutcomes() {
    AgpMetrics metrics = AgpMetrics.of(registry);
    ScriptedLlmClient script = GenreWorld.llm().build();
    LlmClient llm = LlmClients.builder(script).model("scripted").cache(LlmResponseCache.inMemory())
        .meter(metrics.meter()).build();
    AgpModel model = AgpOptimizer.builder().llm(llm).domain("movie").build()
        .model(new ProfilePrompt("Name the favourite genre."))
        .withProfileStore(ProfileStore.inMemory(100))
        .withServingListener(metrics);
    UserCase u = USERS.get(0);

    model.rerank(u);
    model.rerank(u);

    assertThat(count(AgpMetrics.LLM_CALLS, "stage", "profile", "outcome", "success")).isEqualTo(1);
    assertThat(count(AgpMetrics.LLM_CALLS, "stage", "rerank", "outcome", "success")).isEqualTo(2);
    assertThat(count(AgpMetrics.LLM_CACHE_HITS, "stage", "rerank")).isEqualTo(1);
    assertThat(timerCount(AgpMetrics.SERVING_REQUESTS, "method", "AGP", "outcome", "ranked", "profile", "generated"))
        .isEqualTo(1);
    assertThat(timerCount(AgpMetrics.SERVING_REQUESTS, "method", "AGP", "outcome", "ranked", "profile", "store"))
        .isEqualTo(1);
    assertThat(script.callCount()).isEqualTo(2);
  }

  @Test
  void instrument_rerankerThatFallsBack_countsTheFallback() {
    AgpMetrics metrics = AgpMetrics.of(registry);
    CaseReranker measured = metrics.instrument("RPP", Ranking::fallback);

    measured.rerank(USERS.get(1));

    assertThat(count(AgpMetrics.SERVING_FALLBACKS, "method", "RPP", "reason", "failure")).isEqualTo(1);
    assertThat(timerCount(AgpMetrics.SERVING_REQUESTS, "method", "RPP", "outcome", "fallback_failure", "profile", "none"))
        .isEqualTo(1);
  }

  @Test
  void instrument_client_reportsEveryCall() {
    AgpMetrics metrics = AgpMetrics.of(registry);
    LlmClient measured = metrics.instrument(ScriptedLlmClient.always("ok"));

    measured.complete(dev.agp.llm.LlmRequest.of(Stage.DIRECT_RERANK, "", "q"));

    assertThat(count(AgpMetrics.LLM_CALLS, "stage", "direct_rerank", "model", AgpMetrics.UNKNOWN_MODEL, "outcome", "success")).isEqualTo(1);
    assertThat(metrics.meter()).isInstanceOf(LlmUsageMeter.class);
  }

  @Test
  void builder_badValues_failFast() {
    AgpMetrics.Builder b = AgpMetrics.builder(registry);

    assertThatThrownBy(() -> b.defaultModel(" ")).isInstanceOf(IllegalArgumentException.class);
    new NullPointerTester().testAllPublicInstanceMethods(b);
    new NullPointerTester().testAllPublicStaticMethods(AgpMetrics.class);
    new NullPointerTester().testAllPublicInstanceMethods(AgpMetrics.of(registry));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
