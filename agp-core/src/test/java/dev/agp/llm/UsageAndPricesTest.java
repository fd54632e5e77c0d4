package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.internal.AgpJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageAndPricesTest {

  private final FakeTime time = new FakeTime();

  private static LlmCallEvent ok(Stage stage, long in, long out, String model) {
    return new LlmCallEvent(stage, Duration.ofMillis(100), new TokenUsage(in, out), 1, false, Optional.empty(), model);
  }

  @Test
  void priceOf_datedSnapshotName_usesTheLongestMatchingFamily() {
    PriceTable p = PriceTable.defaults();

    assertThat(p.priceOf("gpt-4o-mini-2024-07-18")).contains(ModelPriceOf("0.15", "0.60"));
    assertThat(p.priceOf("gpt-4o-2024-08-06")).contains(ModelPriceOf("2.50", "10.00"));
    assertThat(p.priceOf("deepseek-chat")).contains(ModelPriceOf("0.27", "1.10"));
    assertThat(p.priceOf("gpt-4")).isEmpty();
    assertThat(p.priceOf("gpt-4omni")).isEmpty();
    assertThat(p.asOf()).isEqualTo(PriceTable.DEFAULT_AS_OF);
  }

  private static PriceTable.ModelPrice ModelPriceOf(String in, String out) {
    return PriceTable.ModelPrice.of(in, out);
  }

  @Test
  void with_override_replacesOnePriceAndKeepsTheRest() {
    PriceTable p = PriceTable.defaults().with("gpt-4o", PriceTable.ModelPrice.of("1", "2")).withAsOf(LocalDate.of(2026, 1, 1));

    assertThat(p.priceOf("gpt-4o")).contains(PriceTable.ModelPrice.of("1", "2"));
    assertThat(p.priceOf("deepseek-chat")).isPresent();
    assertThat(p.asOf()).isEqualTo(LocalDate.of(2026, 1, 1));
    assertThatThrownBy(() -> PriceTable.ModelPrice.of("-1", "0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void meter_callsOfTwoModels_areReportedPerStageAndPerModelAndCosted() {
    LlmUsageMeter meter = new LlmUsageMeter(time);
    meter.record(ok(Stage.PROFILE, 1_000_000, 0, "gpt-4o-mini-2024-07-18"));
    meter.record(ok(Stage.PROFILE, 0, 1_000_000, "deepseek-chat"));
    meter.record(ok(Stage.RERANK, 500_000, 500_000, "deepseek-chat"));
    meter.record(ok(Stage.RERANK, 10, 10, "llama3"));
    meter.recordRejectedUpdate(Stage.OPTIMIZE);

    UsageReport u = meter.snapshot();
    CostReport c = u.cost(PriceTable.defaults());

    assertThat(u.models()).containsExactly("", "deepseek-chat", "gpt-4o-mini-2024-07-18", "llama3");
    assertThat(u.stage(Stage.PROFILE).calls()).isEqualTo(2);
    assertThat(u.usage(Stage.RERANK, "deepseek-chat").totalTokens()).isEqualTo(1_000_000);
    assertThat(u.model("deepseek-chat").calls()).isEqualTo(2);
    assertThat(u.stage(Stage.OPTIMIZE).rejectedUpdates()).isEqualTo(1);
    assertThat(c.byModel().get("gpt-4o-mini-2024-07-18")).isEqualByComparingTo("0.15");
    assertThat(c.byModel().get("deepseek-chat")).isEqualByComparingTo("1.785"); // 1.10 + 0.135 + 0.55
    assertThat(c.byStage().get(Stage.PROFILE)).isEqualByComparingTo("1.25");
    assertThat(c.total()).isEqualByComparingTo("1.935");
    assertThat(c.unpricedTokens()).containsExactly(Map.entry("llama3", 20L));
    assertThat(c.complete()).isFalse();
  }

  @Test
  void minusAndPlus_keepPerModelFigures() {
    LlmUsageMeter meter = new LlmUsageMeter(time);
    meter.record(ok(Stage.PROFILE, 10, 5, "a"));
    UsageReport before = meter.snapshot();
    meter.record(ok(Stage.PROFILE, 7, 3, "a"));
    meter.record(ok(Stage.RERANK, 1, 1, "b"));

    UsageReport delta = meter.snapshot().minus(before);

    assertThat(delta.usage(Stage.PROFILE, "a").inputTokens()).isEqualTo(7);
    assertThat(delta.usage(Stage.RERANK, "b").calls()).isEqualTo(1);
    assertThat(before.plus(delta)).isEqualTo(meter.snapshot());
  }

  @Test
  void json_roundTrip_keepsPerModelUsageAndOldDocumentsStillRead() throws Exception {
    LlmUsageMeter meter = new LlmUsageMeter(time);
    meter.record(ok(Stage.PROFILE, 10, 5, "gpt-4o"));
    UsageReport u = meter.snapshot();

    UsageReport back = AgpJson.mapper().readValue(AgpJson.mapper().writeValueAsString(u), UsageReport.class);
    UsageReport old = AgpJson.mapper().readValue(
        "{\"byStage\":{\"PROFILE\":{\"calls\":2,\"inputTokens\":3,\"outputTokens\":4,\"failures\":0,\"retries\":0,"
            + "\"cacheHits\":0,\"rejectedUpdates\":0,\"latency\":{\"buckets\":{}}}}}",
        UsageReport.class);

    assertThat(back).isEqualTo(u);
    assertThat(old.stage(Stage.PROFILE).calls()).isEqualTo(2);
    assertThat(old.stage(Stage.PROFILE).truncated()).isZero();
    assertThat(old.byModel()).isEmpty();
    LlmUsageMeter resumed = new LlmUsageMeter(time);
    resumed.add(old);
    assertThat(resumed.snapshot().usage(Stage.PROFILE, UsageReport.UNKNOWN_MODEL).calls()).isEqualTo(2);
  }

  @Test
  void retryAfter_secondsDatesAndMillis_parse() {
    Instant now = Instant.parse("2015-10-21T07:27:00Z");

    assertThat(RetryAfter.parse("120", now)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", now)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now)).contains(Duration.ofSeconds(60));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", now)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
    assertThat(RetryAfter.parse("-3", now)).isEmpty();
    assertThat(RetryAfter.parse("", now)).isEmpty();
    assertThat(RetryAfter.parseMillis("1500.5")).contains(Duration.ofNanos(1_500_500_000));
    assertThat(RetryAfter.parseMillis("-1")).isEmpty();
    assertThat(RetryAfter.parseMillis("x")).isEmpty();
  }

  @Test
  void budget_factories_validate() {
    assertThatThrownBy(() -> LlmBudget.ofTokens(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LlmBudget.ofCost(BigDecimal.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(LlmBudget.ofTokensAndCost(5, BigDecimal.ONE).maxTokens()).hasValue(5);
    assertThat(LlmBudget.ofCost(BigDecimal.ONE).maxTokens()).isEmpty();
  }

  @Test
  void isZero_sameAsEqualToZero_forEachFieldSetAlone() {
    assertThat(StageUsage.ZERO.isZero()).isTrue();
    assertThat(new StageUsage(0, 0, 0, 0, 0, 0, 0, 0, new LatencyHistogram(Map.of())).isZero()).isTrue();
    for (int field = 0; field < 9; field++) {
      long[] c = new long[8];
      LatencyHistogram latency = LatencyHistogram.EMPTY;
      if (field < 8) {
        c[field] = 1;
      } else {
        latency = new LatencyHistogram(Map.of(3, 1L));
      }
      StageUsage u = new StageUsage(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], latency);
      assertThat(u.isZero()).as("field %d", field).isEqualTo(u.equals(StageUsage.ZERO)).isFalse();
    }
    UsageReport r = new UsageReport(Map.of(Stage.PROFILE, StageUsage.ZERO, Stage.RERANK,
        new StageUsage(1, 0, 0, 0, 0, 0, 0, 0, LatencyHistogram.EMPTY)));
    assertThat(r.byStage()).containsOnlyKeys(Stage.RERANK);
  }
}
