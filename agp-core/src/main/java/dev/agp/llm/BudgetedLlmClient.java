package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * Refuses attempts that could exceed an {@link LlmBudget} and charges the budget for the others.
 * It sits inside the retry loop, so every attempt is reserved and charged on its own:
 *
 * <ul>
 *   <li>the reservation is the prompt tokens as the {@link TokenCounter} bounds them plus the
 *       output cap (the assumed output for a request without one), priced at the highest input
 *       and output prices of the configured model and of every model in the price table: a server
 *       may answer with a pricier model than asked;
 *   <li>an answer is charged its reported usage (the reservation when it reports none) at the price
 *       of the model that answered (the highest price when that model is not in the table);
 *   <li>an attempt that failed after its request was sent is charged its reservation, as providers
 *       bill it; one the server refused with a 4xx status, or that never left, is not charged, nor
 *       is an exception that is not an {@link LlmException} (see {@link LlmClient}).
 * </ul>
 */
final class BudgetedLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final LlmBudget budget;
  private final String model;
  private final PriceTable prices;
  private final int assumedOutputTokens;
  private final TokenCounter counter;
  private final PriceTable.ModelPrice ceiling;

  BudgetedLlmClient(LlmClient delegate, LlmBudget budget, String model, PriceTable prices, int assumedOutputTokens) {
    this(delegate, budget, model, prices, assumedOutputTokens, TokenCounter.utf8Bound());
  }

  BudgetedLlmClient(
      LlmClient delegate, LlmBudget budget, String model, PriceTable prices, int assumedOutputTokens,
      TokenCounter counter) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.budget = budget;
    this.model = model;
    this.prices = prices;
    this.assumedOutputTokens = assumedOutputTokens;
    this.counter = counter;
    this.ceiling = ceiling(prices, model);
  }

  /** The highest input and the highest output price among {@code model} and every model of the table. */
  static PriceTable.ModelPrice ceiling(PriceTable prices, String model) {
    return prices.ceiling(model);
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    TokenUsage estimate = new TokenUsage(
        TokenEstimate.input(request, counter), TokenEstimate.output(request, assumedOutputTokens));
    BigDecimal estimatedCost = ceiling.cost(estimate);
    budget.reserve(request.stage(), estimate.totalTokens(), estimatedCost);
    LlmResponse response;
    try {
      response = delegate.complete(request);
    } catch (RuntimeException e) {
      if (billable(e)) {
        budget.chargeFailed(estimate.totalTokens(), estimatedCost);
      } else {
        budget.release(estimate.totalTokens(), estimatedCost);
      }
      throw e;
    }
    TokenUsage charged = response.usage().totalTokens() > 0 ? response.usage() : estimate;
    PriceTable.ModelPrice price = response.model().isEmpty()
        ? prices.priceOf(model).orElse(ceiling)
        : prices.priceOf(response.model()).orElse(ceiling);
    budget.settle(estimate.totalTokens(), estimatedCost, charged.totalTokens(), price.cost(charged));
    return response;
  }

  /**
   * Whether a failed attempt may be billed: an {@link LlmException} of a request that was sent and
   * that the server did not refuse with a 4xx. Any other exception is the client's defect or the
   * application's control flow (see {@link LlmClient}), not a model call: not charged.
   */
  static boolean billable(RuntimeException e) {
    if (!(e instanceof LlmException le)) {
      return false;
    }
    if (!le.requestSent()) {
      return false;
    }
    int status = le instanceof LlmRetriableException r ? r.statusCode() : ((LlmNonRetriableException) le).statusCode();
    return status < 400 || status > 499;
  }
}
