package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.PriceTable;
import dev.agp.llm.UsageReport;

/** Turns a method's token usage into money, for the report's cost column. */
@FunctionalInterface
public interface CostModel {

  /**
   * The cost of {@code usage}, in the model's currency.
   *
   * @param usage the tokens to price
   * @return the cost, {@code >= 0}
   */
  double cost(UsageReport usage);

  /**
   * Flat prices per million input and output tokens, for example {@code perMillionTokens(0.15,
   * 0.60)} for gpt-4o-mini's list prices in US dollars. Cache hits cost nothing (their tokens are
   * not reported by the client).
   *
   * @param inputPrice the price of a million input tokens
   * @param outputPrice the price of a million output tokens
   * @return the model
   * @throws IllegalArgumentException if a price is negative or not finite
   */
  static CostModel perMillionTokens(double inputPrice, double outputPrice) {
    if (!(inputPrice >= 0 && Double.isFinite(inputPrice)) || !(outputPrice >= 0 && Double.isFinite(outputPrice))) {
      throw new IllegalArgumentException(
          "prices must be finite and >= 0 but were " + inputPrice + " and " + outputPrice);
    }
    return usage -> {
      requireNonNull(usage, "usage");
      return (usage.total().inputTokens() * inputPrice + usage.total().outputTokens() * outputPrice) / 1e6;
    };
  }

  /**
   * Prices each model's tokens from {@code prices} (per stage and model, as the clients reported
   * them). Tokens of models the table does not price count for nothing; {@link
   * dev.agp.llm.UsageReport#cost} lists them as unpriced.
   *
   * @param prices the prices per stage and model
   * @return the model
   * @throws NullPointerException if prices is null
   */
  static CostModel of(PriceTable prices) {
    requireNonNull(prices, "prices");
    return usage -> requireNonNull(usage, "usage").cost(prices).total().doubleValue();
  }
}
