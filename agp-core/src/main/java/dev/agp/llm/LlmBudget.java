package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A spending limit in tokens, in US dollars, or both, shared by every call of the clients it is
 * given to (see {@link LlmClients.Builder#budget}). Thread-safe.
 *
 * <p><b>What it guarantees.</b> Before each attempt the client reserves what the attempt can cost
 * at most — the prompt tokens as its {@link TokenCounter} bounds them (an exact tokenizer for
 * OpenAI's models through {@code LlmBackends}, one token per UTF-8 byte otherwise) plus the output
 * cap, priced at the highest prices of the configured model and the price table, since a server
 * may answer with a pricier model — and refuses the attempt with an {@link
 * LlmBudgetExceededException} once what is already spent plus that could exceed a limit. While
 * only the reservations of calls in flight stand in the way, the attempt waits for them to settle
 * (they usually settle far below what they reserved), so a run spends its budget rather than
 * stopping early at a point that depends on timing. After the
 * attempt the reservation is replaced by the reported usage at the answering model's price; an
 * attempt that failed after its request was sent is charged its reservation (providers bill
 * those), one refused by the server (4xx) or never sent is not. So calls in flight together never
 * overshoot a limit while each answer stays within its output cap, which every request the SDK
 * makes has (per stage). A request without a cap is reserved {@link
 * LlmClients.Builder#assumedOutputTokens} of output; only an answer longer than that, or a backend
 * billing more prompt tokens than the counter bounded, can overshoot, by that excess, after which
 * the budget refuses the next calls.
 *
 * <p>The optimizers stop cleanly on {@link LlmBudgetExceededException}: they write their checkpoint
 * and throw; a rerun with a larger budget resumes.
 */
public final class LlmBudget {

  private final long maxTokens;
  private final @Nullable BigDecimal maxCost;
  private long spentTokens;
  private BigDecimal spentCost = BigDecimal.ZERO;
  private long reservedTokens;
  private BigDecimal reservedCost = BigDecimal.ZERO;
  private long refusals;
  private long chargedFailures;

  private LlmBudget(long maxTokens, @Nullable BigDecimal maxCost) {
    this.maxTokens = maxTokens;
    this.maxCost = maxCost;
  }

  /**
   * A budget of {@code maxTokens} input plus output tokens.
   *
   * @throws IllegalArgumentException if maxTokens is below 1
   */
  public static LlmBudget ofTokens(long maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
    }
    return new LlmBudget(maxTokens, null);
  }

  /**
   * A budget of {@code maxUsd} US dollars at the client's {@link PriceTable}.
   *
   * @throws NullPointerException if maxUsd is null
   * @throws IllegalArgumentException if maxUsd is not positive
   */
  public static LlmBudget ofCost(BigDecimal maxUsd) {
    return new LlmBudget(Long.MAX_VALUE, positive(maxUsd));
  }

  /**
   * A budget that stops at whichever of the two limits is reached first.
   *
   * @throws NullPointerException if maxUsd is null
   * @throws IllegalArgumentException if a limit is not positive
   */
  public static LlmBudget ofTokensAndCost(long maxTokens, BigDecimal maxUsd) {
    ofTokens(maxTokens);
    return new LlmBudget(maxTokens, positive(maxUsd));
  }

  private static BigDecimal positive(BigDecimal usd) {
    requireNonNull(usd, "maxUsd");
    if (usd.signum() <= 0) {
      throw new IllegalArgumentException("maxUsd must be > 0 but was " + usd);
    }
    return usd;
  }

  /** The token limit, when there is one. */
  public OptionalLong maxTokens() {
    return maxTokens == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(maxTokens);
  }

  /** The limit in US dollars, when there is one. */
  public Optional<BigDecimal> maxCost() {
    return Optional.ofNullable(maxCost);
  }

  /** Tokens charged by finished calls. */
  public synchronized long spentTokens() {
    return spentTokens;
  }

  /** US dollars charged by finished calls (0 for a token-only budget whose model has no price). */
  public synchronized BigDecimal spentCost() {
    return spentCost;
  }

  /** Tokens reserved by calls in flight. */
  public synchronized long reservedTokens() {
    return reservedTokens;
  }

  /** Calls refused because they could have exceeded a limit. */
  public synchronized long refusals() {
    return refusals;
  }

  /** Attempts that failed after their request was sent, charged what was reserved for them. */
  public synchronized long chargedFailures() {
    return chargedFailures;
  }

  /**
   * Reserves an estimate for one call, waiting while calls in flight hold reservations whose
   * settling could make room; refuses it when what is already spent leaves no room for it.
   */
  synchronized void reserve(Stage stage, long tokens, BigDecimal cost) {
    while (!fits(spentTokens + reservedTokens, spentCost.add(reservedCost), tokens, cost)) {
      boolean inFlight = reservedTokens > 0 || reservedCost.signum() > 0;
      if (!inFlight || !fits(spentTokens, spentCost, tokens, cost)) {
        refusals++;
        throw refusal(stage, tokens, cost);
      }
      // the calls in flight will settle at their usage, usually far below their reservations:
      // refusing now would stop a run with its budget unspent, at a point that depends on timing
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmNonRetriableException(
            "interrupted while waiting for calls in flight to settle their budget reservations", e, stage, 0, 0);
      }
    }
    reservedTokens += tokens;
    reservedCost = reservedCost.add(cost);
  }

  private boolean fits(long committedTokens, BigDecimal committedCost, long tokens, BigDecimal cost) {
    return committedTokens + tokens <= maxTokens
        && (maxCost == null || committedCost.add(cost).compareTo(maxCost) <= 0);
  }

  private LlmBudgetExceededException refusal(Stage stage, long tokens, BigDecimal cost) {
    if (spentTokens + reservedTokens + tokens > maxTokens) {
      return new LlmBudgetExceededException(
          "the token budget of " + maxTokens + " could be exceeded: " + spentTokens + " spent, "
              + reservedTokens + " reserved by calls in flight, and this call may use up to " + tokens,
          stage);
    }
    return new LlmBudgetExceededException(
        "the budget of " + requireNonNull(maxCost).toPlainString() + " USD could be exceeded: "
            + spentCost.stripTrailingZeros().toPlainString() + " USD spent, "
            + reservedCost.stripTrailingZeros().toPlainString() + " USD reserved by calls in flight, and this call"
            + " may cost up to " + cost.stripTrailingZeros().toPlainString() + " USD",
        stage);
  }

  /** Replaces a reservation by what the call was charged. */
  synchronized void settle(long reservedTokens, BigDecimal reservedCost, long tokens, BigDecimal cost) {
    release(reservedTokens, reservedCost);
    spentTokens += tokens;
    spentCost = spentCost.add(cost);
  }

  /** Charges a failed attempt what was reserved for it (its request was sent, so it may be billed). */
  synchronized void chargeFailed(long tokens, BigDecimal cost) {
    settle(tokens, cost, tokens, cost);
    chargedFailures++;
  }

  /** Drops a reservation (the call failed before it could be billed). */
  synchronized void release(long tokens, BigDecimal cost) {
    this.reservedTokens -= tokens;
    this.reservedCost = this.reservedCost.subtract(cost);
    notifyAll();
  }

  @Override
  public synchronized String toString() {
    return "LlmBudget[maxTokens=" + maxTokens().stream().mapToObj(Long::toString).findFirst().orElse("none")
        + ", maxCost=" + (maxCost == null ? "none" : maxCost.toPlainString() + " USD")
        + ", spentTokens=" + spentTokens + ", spentCost=" + spentCost.stripTrailingZeros().toPlainString() + " USD]";
  }
}
