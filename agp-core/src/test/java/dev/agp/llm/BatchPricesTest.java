package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchPricesTest {

  @Test
  void defaults_openAiModels_haveBatchPricesAtHalfTheListPrice() {
    PriceTable p = PriceTable.defaults();

    for (String model : new String[] {"gpt-4o", "gpt-4o-mini"}) {
      PriceTable.ModelPrice standard = p.priceOf(model).orElseThrow();
      PriceTable.ModelPrice batch = p.batchPriceOf(model).orElseThrow();
      assertThat(batch.inputPerMillion().multiply(BigDecimal.valueOf(2))).isEqualByComparingTo(standard.inputPerMillion());
      assertThat(batch.outputPerMillion().multiply(BigDecimal.valueOf(2))).isEqualByComparingTo(standard.outputPerMillion());
    }
    assertThat(p.batchPriceOf("deepseek-chat")).isEmpty();
  }

  @Test
  void priceOf_batchTierOfDatedSnapshot_isTheBatchPriceOfItsFamily() {
    PriceTable p = PriceTable.defaults();

    String tier = PriceTable.batchTier("gpt-4o-mini-2024-07-18");

    assertThat(tier).isEqualTo("gpt-4o-mini-2024-07-18[batch]");
    assertThat(PriceTable.batchTier(tier)).isEqualTo(tier);
    assertThat(PriceTable.isBatchTier(tier)).isTrue();
    assertThat(p.priceOf(tier)).contains(PriceTable.ModelPrice.of("0.075", "0.30"));
    assertThat(p.priceOf(PriceTable.batchTier("deepseek-chat"))).isEmpty();
  }

  @Test
  void cost_batchAndStandardCallsOfOneModel_areEachPricedAtTheirOwnPrice() {
    LlmUsageMeter meter = new LlmUsageMeter();
    meter.record(new LlmCallEvent(Stage.RERANK, Duration.ZERO, new TokenUsage(1_000_000, 0), 1, false, Optional.empty(), "gpt-4o"));
    meter.record(new LlmCallEvent(Stage.RERANK, Duration.ZERO, new TokenUsage(1_000_000, 0), 1, false, Optional.empty(),
        PriceTable.batchTier("gpt-4o")));

    CostReport c = meter.snapshot().cost(PriceTable.defaults());

    assertThat(c.byModel()).containsOnlyKeys("gpt-4o", "gpt-4o[batch]");
    assertThat(c.total()).isEqualByComparingTo("3.75");
    assertThat(c.complete()).isTrue();
  }

  @Test
  void withBatch_override_replacesOneBatchPriceAndKeepsTheRest() {
    PriceTable p = PriceTable.defaults().withBatch("gpt-4o", PriceTable.ModelPrice.of("1", "2")).withAsOf(LocalDate.of(2026, 1, 1));

    assertThat(p.batchPriceOf("gpt-4o")).contains(PriceTable.ModelPrice.of("1", "2"));
    assertThat(p.batchPriceOf("gpt-4o-mini")).isPresent();
    assertThat(p.priceOf("gpt-4o")).contains(PriceTable.ModelPrice.of("2.50", "10.00"));
    assertThat(new PriceTable(LocalDate.of(2026, 1, 1), Map.of("m", PriceTable.ModelPrice.of("1", "1"))).batchPrices()).isEmpty();
  }

  @Test
  void constructor_batchTierNameAsModel_isRejected() {
    assertThatThrownBy(() -> new PriceTable(LocalDate.of(2026, 1, 1), Map.of("gpt-4o[batch]", PriceTable.ModelPrice.of("1", "1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withBatch");
  }

  @Test
  void budget_batchAnswer_isSettledAtTheBatchPrice() {
    LlmBudget budget = LlmBudget.ofCost(new BigDecimal("100"));
    LlmClient backend = r -> new LlmResponse("ok", new TokenUsage(1_000_000, 0), PriceTable.batchTier("gpt-4o"), 1, false);
    LlmClient c = new BudgetedLlmClient(backend, budget, "gpt-4o", PriceTable.defaults(), 100);

    c.complete(LlmRequest.of(Stage.RERANK, "s", "u"));

    assertThat(budget.spentCost()).isEqualByComparingTo("1.25");
  }
}
