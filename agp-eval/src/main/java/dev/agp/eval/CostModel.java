package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.UsageReport;

/** Turns a method's token usage into money, for the report's cost column. */
@FunctionalInterface
public interface CostModel {

  /** The cost of {@code usage}, in the model's currency. */
  double cost(UsageReport usage);

  /**
   * Flat prices per million input and output tokens, for example {@code perMillionTokens(0.15,
   * 0.60)} for gpt-4o-mini's list prices in US dollars. Cache hits cost nothing (their tokens are
   * not reported by the client).
   *
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
}
