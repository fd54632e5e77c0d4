package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LlmUsageMeterTest {

  /** A ticker the test moves by hand. */
  static final class FakeTicker implements Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }
  }

  @Test
  void wrap_answerReachingTheOutputCap_countedAsTruncated() {
    LlmUsageMeter meter = new LlmUsageMeter();
    LlmClient client = meter.wrap(r -> switch (r.lastUserText()) {
      case "long" -> LlmResponse.of("cut", new TokenUsage(10, 50));
      case "cached" -> LlmResponse.of("cut", new TokenUsage(10, 50)).asCached();
      default -> LlmResponse.of("ok", new TokenUsage(10, 49));
    });
    client.complete(LlmRequest.of(Stage.RPP_RANK, "s", "long").withMaxOutputTokens(50));
    client.complete(LlmRequest.of(Stage.RPP_RANK, "s", "short").withMaxOutputTokens(50));
    client.complete(LlmRequest.of(Stage.RPP_RANK, "s", "cached").withMaxOutputTokens(50));
    client.complete(LlmRequest.of(Stage.RPP_RANK, "s", "long"));
    StageUsage u = meter.snapshot().stage(Stage.RPP_RANK);
    assertThat(u.calls()).isEqualTo(4);
    assertThat(u.truncated()).isEqualTo(1);
    assertThat(meter.snapshot().minus(UsageReport.EMPTY).stage(Stage.RPP_RANK).truncated()).isEqualTo(1);
    LlmUsageMeter restored = new LlmUsageMeter();
    restored.add(meter.snapshot());
    assertThat(restored.snapshot().stage(Stage.RPP_RANK).truncated()).isEqualTo(1);
  }

  @Test
  void wrap_countsCallsTokensRetriesCacheHitsFailuresAndLatency() {
    FakeTicker ticker = new FakeTicker();
    LlmUsageMeter meter = new LlmUsageMeter(ticker);
    List<LlmCallEvent> events = new ArrayList<>();
    meter.addListener(events::add);
    LlmClient client = meter.wrap(r -> {
      ticker.nanos.addAndGet(Duration.ofMillis(120).toNanos());
      return switch (r.lastUserText()) {
        case "retried" -> LlmResponse.of("ok", new TokenUsage(10, 5)).withAttempts(3);
        case "cached" -> LlmResponse.of("ok", new TokenUsage(10, 5)).asCached();
        case "fail" -> throw new LlmRetriableException("HTTP 503", null, Stage.RERANK, 4, 503, null);
        default -> LlmResponse.of("ok", new TokenUsage(100, 20));
      };
    });

    client.complete(LlmRequest.of(Stage.RERANK, "s", "plain"));
    client.complete(LlmRequest.of(Stage.RERANK, "s", "retried"));
    client.complete(LlmRequest.of(Stage.RERANK, "s", "cached"));
    assertThatThrownBy(() -> client.complete(LlmRequest.of(Stage.RERANK, "s", "fail")))
        .isInstanceOf(LlmRetriableException.class)
        .hasMessageContaining("stage RERANK, attempt 4");
    client.complete(LlmRequest.of(Stage.PROFILE, "s", "plain"));
    meter.recordRejectedUpdate(Stage.OPTIMIZE);

    UsageReport report = meter.snapshot();
    StageUsage rerank = report.stage(Stage.RERANK);
    assertThat(rerank.calls()).isEqualTo(4);
    assertThat(rerank.inputTokens()).isEqualTo(110);
    assertThat(rerank.outputTokens()).isEqualTo(25);
    assertThat(rerank.retries()).isEqualTo(2 + 3);
    assertThat(rerank.cacheHits()).isEqualTo(1);
    assertThat(rerank.failures()).isEqualTo(1);
    assertThat(rerank.latency().count()).isEqualTo(4);
    assertThat(rerank.latency().percentile(0.5).toNanos()).isCloseTo(Duration.ofMillis(120).toNanos(), within(3_000_000L));
    assertThat(report.stage(Stage.OPTIMIZE).rejectedUpdates()).isEqualTo(1);
    assertThat(report.stage(Stage.CRITIQUE)).isEqualTo(StageUsage.ZERO);
    assertThat(report.byStage()).containsOnlyKeys(Stage.PROFILE, Stage.RERANK, Stage.OPTIMIZE);
    assertThat(report.total().calls()).isEqualTo(5);
    assertThat(events).hasSize(5).filteredOn(e -> !e.succeeded()).hasSize(1);
  }

  @Test
  void snapshots_subtractAndAddBack() {
    LlmUsageMeter meter = new LlmUsageMeter(new FakeTicker());
    LlmClient c = meter.wrap(r -> LlmResponse.of("x", new TokenUsage(1, 1)));
    c.complete(LlmRequest.of(Stage.PROFILE, "s", "u"));
    UsageReport first = meter.snapshot();
    c.complete(LlmRequest.of(Stage.PROFILE, "s", "u"));
    c.complete(LlmRequest.of(Stage.RERANK, "s", "u"));

    UsageReport delta = meter.snapshot().minus(first);

    assertThat(delta.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 1L));
    LlmUsageMeter restored = new LlmUsageMeter();
    restored.add(meter.snapshot());
    assertThat(restored.snapshot()).isEqualTo(meter.snapshot());
    assertThat(first.plus(delta)).isEqualTo(meter.snapshot());
  }

  @Test
  void latencyHistogram_percentilesWithinTheBucketWidth() {
    LlmUsageMeter meter = new LlmUsageMeter(new FakeTicker());
    for (int ms = 1; ms <= 1000; ms++) {
      meter.record(new LlmCallEvent(Stage.RERANK, Duration.ofMillis(ms), TokenUsage.ZERO, 1, false, java.util.Optional.empty()));
    }
    LatencyHistogram h = meter.snapshot().stage(Stage.RERANK).latency();

    assertThat(h.count()).isEqualTo(1000);
    assertThat(h.percentile(0.5).toMillis()).isBetween(488L, 513L);
    assertThat(h.percentile(0.99).toMillis()).isBetween(965L, 1015L);
    assertThat(h.percentile(0).toNanos()).isPositive();
    assertThat(LatencyHistogram.EMPTY.percentile(0.5)).isEqualTo(Duration.ZERO);
    assertThat(h.minus(h)).isEqualTo(LatencyHistogram.EMPTY);
    assertThatThrownBy(() -> h.percentile(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyHistogram(Map.of(-1, 1L))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exceptions_carryStageAttemptAndRetryHints() {
    LlmRetriableException e = new LlmRetriableException("rate limited", null, Stage.PROFILE, 2, 429, Duration.ofSeconds(3));
    assertThat(e.isRetriable()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(e.stage()).contains(Stage.PROFILE);
    assertThat(e.getMessage()).isEqualTo("rate limited [stage PROFILE, attempt 2]");
    LlmNonRetriableException n = new LlmNonRetriableException("HTTP 401", null);
    assertThat(n.isRetriable()).isFalse();
    assertThat(n.stage()).isEmpty();
    assertThat(n.getMessage()).isEqualTo("HTTP 401");
    assertThat(new LlmBudgetExceededException("spent", Stage.OPTIMIZE)).isInstanceOf(LlmNonRetriableException.class);
  }
}
