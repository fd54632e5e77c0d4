package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import dev.agp.llm.UsageReport;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CostModelTest {

  private static UsageReport usage(String model, long in, long out) {
    LlmUsageMeter meter = new LlmUsageMeter();
    meter.record(new LlmCallEvent(Stage.RERANK, Duration.ofMillis(5), new TokenUsage(in, out), 1, false,
        Optional.empty(), model));
    return meter.snapshot();
  }

  @Test
  void of_pricesEachModelFromTheTable() {
    CostModel prices = CostModel.of(PriceTable.defaults());

    // gpt-4o-mini: $0.15 / $0.60 per million tokens
    assertThat(prices.cost(usage("gpt-4o-mini-2024-07-18", 2_000_000, 1_000_000))).isCloseTo(0.90, within(1e-9));
    assertThat(prices.cost(usage("simulated-llm", 2_000_000, 1_000_000))).isZero();
  }

  @Test
  void perMillionTokens_flatPrices() {
    assertThat(CostModel.perMillionTokens(1.0, 2.0).cost(usage("any", 1_000_000, 500_000))).isCloseTo(2.0, within(1e-9));
    assertThatThrownBy(() -> CostModel.perMillionTokens(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CostModel.of(null)).isInstanceOf(NullPointerException.class);
  }
}
