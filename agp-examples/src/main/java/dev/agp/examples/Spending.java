package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.PriceTable;
import dev.agp.llm.TokenUsage;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The command line's accounting of LLM calls, in two layers of the client stack. The outer one
 * ({@link #complete}) sees every call the methods make and counts, per experiment method, the
 * answers the response cache gave and the calls that failed or that the budget refused, with the
 * first failure of each method. The {@linkplain #payer payer}, placed below the cache, sees only
 * the calls that reach the backend: it records each paid answer in the {@link SpendLedger} (when
 * there is one) before the cache stores it, so that a run killed in between has counted the call
 * and a rerun that pays for it again counts that too. Thread-safe.
 */
final class Spending implements LlmClient {

  private final String model;
  private final PriceTable prices;
  private final @Nullable SpendLedger ledger;
  private final Set<String> paidHere = new HashSet<>();
  private volatile String method = "";
  private volatile @Nullable LlmClient top;
  private final Map<String, Counts> counts = new LinkedHashMap<>();

  /**
   * @param model the model the calls are priced at when the answer names no priced model
   * @param prices list prices
   * @param ledger where paid calls are recorded, or null to count them in memory only
   */
  Spending(String model, PriceTable prices, @Nullable SpendLedger ledger) {
    this.model = requireNonNull(model, "model");
    this.prices = requireNonNull(prices, "prices");
    this.ledger = ledger;
  }

  /**
   * Accounting around a stack without a response cache: {@code stack} below the payer, the
   * counting layer on top.
   */
  static Spending around(LlmClient stack, String model, PriceTable prices, @Nullable SpendLedger ledger) {
    Spending s = new Spending(model, prices, ledger);
    s.over(s.payer(stack));
    return s;
  }

  /** The layer that records paid calls; put it below the response cache, above the budget. */
  LlmClient payer(LlmClient below) {
    requireNonNull(below, "below");
    return request -> paid(request, below.complete(request));
  }

  /** The client the methods' calls go to: the response cache over the {@link #payer}, or the payer itself. */
  void over(LlmClient client) {
    this.top = requireNonNull(client, "client");
  }

  /** The experiment method whose calls follow (methods run one after the other). */
  void method(String name) {
    this.method = requireNonNull(name, "name");
  }

  Optional<SpendLedger> ledger() {
    return Optional.ofNullable(ledger);
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    LlmClient client = top;
    if (client == null) {
      throw new IllegalStateException("over(client) was not called");
    }
    String m = method;
    LlmResponse response;
    try {
      response = client.complete(request);
    } catch (LlmBudgetExceededException e) {
      Counts c = counts(m);
      synchronized (c) {
        c.refused++;
      }
      throw e;
    } catch (RuntimeException e) {
      Counts c = counts(m);
      synchronized (c) {
        c.failed++;
        if (c.firstFailure == null) {
          c.firstFailure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
      }
      throw e;
    }
    if (response.cached()) {
      Counts c = counts(m);
      synchronized (c) {
        c.cached++;
      }
    }
    return response;
  }

  private LlmResponse paid(LlmRequest request, LlmResponse response) {
    if (response.cached()) {
      return response;
    }
    String m = method;
    TokenUsage usage = response.usage();
    boolean estimated = usage.totalTokens() == 0;
    if (estimated) {
      usage = estimate(request);
    }
    String charged = !response.model().isEmpty() && prices.priceOf(response.model()).isPresent() ? response.model() : model;
    TokenUsage u = usage;
    BigDecimal usd = prices.priceOf(charged).map(p -> p.cost(u)).orElse(BigDecimal.ZERO);
    SpendLedger.Charge charge = new SpendLedger.Charge("", m, request.stage().name(), charged, usage.inputTokens(),
        usage.outputTokens(), usd, estimated, LlmResponseCache.key(model, request), false);
    if (ledger != null) {
      charge = ledger.record(charge);
    } else {
      synchronized (paidHere) {
        charge = charge.withRepeated(!paidHere.add(charge.request()));
      }
    }
    Counts c = counts(m);
    synchronized (c) {
      c.paid = c.paid.plus(SpendLedger.Sum.of(charge));
    }
    return response;
  }

  /** What this run's calls did, per method in the order the methods ran. */
  Map<String, Counts> counts() {
    synchronized (counts) {
      Map<String, Counts> copy = new LinkedHashMap<>();
      counts.forEach((k, v) -> copy.put(k, v.copy()));
      return Collections.unmodifiableMap(copy);
    }
  }

  /** Every method's counts added up. */
  Counts total() {
    Counts t = new Counts();
    for (Counts c : counts().values()) {
      t.paid = t.paid.plus(c.paid);
      t.cached += c.cached;
      t.failed += c.failed;
      t.refused += c.refused;
      if (t.firstFailure == null) {
        t.firstFailure = c.firstFailure;
      }
    }
    return t;
  }

  private Counts counts(String m) {
    synchronized (counts) {
      return counts.computeIfAbsent(m, k -> new Counts());
    }
  }

  /** A budget-style estimate for an answer without usage: prompt characters / 3 plus the output cap. */
  static TokenUsage estimate(LlmRequest request) {
    long chars = 0;
    for (LlmMessage m : request.messages()) {
      chars += m.text().length();
    }
    return new TokenUsage((chars + 2) / 3, request.maxOutputTokens().orElse(LlmClients.DEFAULT_ASSUMED_OUTPUT_TOKENS));
  }

  /** One method's calls in this run. */
  static final class Counts {
    SpendLedger.Sum paid = SpendLedger.Sum.ZERO;
    long cached;
    long failed;
    long refused;
    @Nullable String firstFailure;

    synchronized Counts copy() {
      Counts c = new Counts();
      c.paid = paid;
      c.cached = cached;
      c.failed = failed;
      c.refused = refused;
      c.firstFailure = firstFailure;
      return c;
    }
  }
}
