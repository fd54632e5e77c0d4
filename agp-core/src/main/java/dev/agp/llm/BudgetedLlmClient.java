package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Optional;

/** Refuses calls that could exceed an {@link LlmBudget} and charges the budget for the others. */
final class BudgetedLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final LlmBudget budget;
  private final String model;
  private final PriceTable prices;
  private final int assumedOutputTokens;

  BudgetedLlmClient(LlmClient delegate, LlmBudget budget, String model, PriceTable prices, int assumedOutputTokens) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.budget = budget;
    this.model = model;
    this.prices = prices;
    this.assumedOutputTokens = assumedOutputTokens;
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    TokenUsage estimate =
        new TokenUsage(TokenEstimate.input(request), TokenEstimate.output(request, assumedOutputTokens));
    BigDecimal estimatedCost = cost(model, estimate);
    budget.reserve(request.stage(), estimate.totalTokens(), estimatedCost);
    LlmResponse response;
    try {
      response = delegate.complete(request);
    } catch (RuntimeException e) {
      budget.release(estimate.totalTokens(), estimatedCost);
      throw e;
    }
    TokenUsage charged = response.usage().totalTokens() > 0 ? response.usage() : estimate;
    String answered = response.model().isEmpty() || prices.priceOf(response.model()).isEmpty() ? model : response.model();
    budget.settle(estimate.totalTokens(), estimatedCost, charged.totalTokens(), cost(answered, charged));
    return response;
  }

  private BigDecimal cost(String modelName, TokenUsage usage) {
    Optional<PriceTable.ModelPrice> price = prices.priceOf(modelName);
    return price.map(p -> p.cost(usage)).orElse(BigDecimal.ZERO);
  }
}
