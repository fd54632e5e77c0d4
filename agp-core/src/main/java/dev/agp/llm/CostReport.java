package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the recorded tokens cost at a {@link PriceTable}, in US dollars; see {@link
 * UsageReport#cost(PriceTable)}.
 *
 * @param total the cost of every priced token
 * @param byStage the cost per stage (stages without priced tokens absent)
 * @param byModel the cost per model (models without a price absent)
 * @param unpricedTokens tokens per model the table has no price for: not in the totals
 * @param pricesAsOf the date of the prices used
 */
public record CostReport(
    BigDecimal total,
    Map<Stage, BigDecimal> byStage,
    Map<String, BigDecimal> byModel,
    Map<String, Long> unpricedTokens,
    LocalDate pricesAsOf) {

  /**
   * @param total the cost of every priced token
   * @param byStage the cost per stage (stages without priced tokens absent)
   * @param byModel the cost per model (models without a price absent)
   * @param unpricedTokens tokens per model the table has no price for: not in the totals
   * @param pricesAsOf the date of the prices used
   * @throws NullPointerException if an argument, key or value is null
   */
  public CostReport {
    requireNonNull(total, "total");
    requireNonNull(pricesAsOf, "pricesAsOf");
    EnumMap<Stage, BigDecimal> stages = new EnumMap<>(Stage.class);
    stages.putAll(requireNonNull(byStage, "byStage"));
    byStage = Collections.unmodifiableMap(stages);
    byModel = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(byModel, "byModel")));
    unpricedTokens = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(unpricedTokens, "unpricedTokens")));
  }

  /** {@return whether every recorded token had a price} */
  public boolean complete() {
    return unpricedTokens.isEmpty();
  }
}
