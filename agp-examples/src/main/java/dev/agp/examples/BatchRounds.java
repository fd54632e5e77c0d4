package dev.agp.examples;

import dev.agp.AgpException;
import dev.agp.CaseReranker;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.langchain4j.OpenAiBatch;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.PriceTable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reranks a window of users through the Batch API, round by round, with any saved model and no
 * knowledge of its steps: every user is run through the model on a client that answers from what
 * the batches returned and, for a request it does not know yet, notes it and stops that user
 * ({@link Deferred}). The noted requests of all users go into one submission; its answers make
 * the next round go one step further (AGP: profiles in round 1, rankings in round 2). The client
 * sits under the shared response cache and budget, so batch answers are cached, charged once at
 * the batch price, and a rerun pays for nothing twice.
 *
 * <p>Requests the batch failed or left expired are retried through the normal endpoint (with its
 * retries and limits) or reported: the model then falls back to the base order for that user.
 * Before a submission its estimated cost is checked against the budget; users whose requests no
 * longer fit are marked stopped by the budget, in input order.
 */
final class BatchRounds {

  /** Rounds before a user counts as failed (AGP needs 2, RPP 1). */
  static final int MAX_ROUNDS = 8;

  private final OpenAiBatch batch;
  private final ServingLlm llm;
  private final Function<LlmClient, CaseReranker> bind;
  private final boolean retryFailures;
  private final int concurrency;

  BatchRounds(OpenAiBatch batch, ServingLlm llm, Function<LlmClient, CaseReranker> bind, boolean retryFailures, int concurrency) {
    this.batch = batch;
    this.llm = llm;
    this.bind = bind;
    this.retryFailures = retryFailures;
    this.concurrency = concurrency;
  }

  /** What became of one user. */
  enum Kind { RANKED, BUDGET, ERROR }

  /** One user's result. */
  record UserResult(Kind kind, @Nullable Ranking ranking, String error) {}

  /** A window's results in input order, and the batches that answered them. */
  record Window(List<UserResult> results, List<String> batchIds, int rounds) {}

  /** Thrown through the model for a request the batches have not answered yet. */
  static final class Deferred extends AgpException {
    private static final long serialVersionUID = 1L;
    static final Deferred INSTANCE = new Deferred();

    private Deferred() {
      super("deferred to the next batch", null, false, false);
    }
  }

  Window rerank(List<UserCase> users) {
    Gate gate = new Gate(llm.raw(false));
    LlmClients.Builder paid = LlmClients.builder(gate).model(llm.model).prices(llm.prices).maxAttempts(1)
        .maxConcurrentCalls(Integer.MAX_VALUE);
    if (llm.budget != null) {
      paid.budget(llm.budget);
    }
    // the gate's answers pass the budget, then the spend ledger, then the cache (this window's, without --cache)
    RerankCommand.BudgetWatch watch = new RerankCommand.BudgetWatch(llm.over(paid.build(), LlmResponseCache.inMemory()));
    CaseReranker model = bind.apply(watch);
    UserResult[] results = new UserResult[users.size()];
    List<String> batchIds = new ArrayList<>();
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      pending.add(i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "agp-batch-round");
      t.setDaemon(true);
      return t;
    });
    int round = 0;
    try {
      while (!pending.isEmpty() && round < MAX_ROUNDS) {
        round++;
        gate.deferred.clear();
        List<Future<?>> futures = new ArrayList<>();
        for (int i : pending) {
          futures.add(pool.submit(() -> results[i] = step(model, watch, gate, i, users.get(i))));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        pending.removeIf(i -> results[i] != null);
        if (pending.isEmpty()) {
          break;
        }
        List<LlmRequest> requests = new ArrayList<>();
        for (int i : affordable(pending, gate.deferred)) {
          requests.addAll(gate.deferred.get(i));
        }
        for (int i : pending) {
          if (!gate.deferred.containsKey(i)) {
            results[i] = new UserResult(Kind.ERROR, null, "the model stopped without a request or a ranking");
          } else if (gate.budgetStopped.contains(i)) {
            results[i] = new UserResult(Kind.BUDGET, null, "");
          }
        }
        pending.removeIf(i -> results[i] != null);
        if (requests.isEmpty()) {
          break;
        }
        OpenAiBatch.Result r = batch.execute(requests);
        batchIds.addAll(r.batchIds());
        for (int k = 0; k < requests.size(); k++) {
          gate.settle(requests.get(k), r.outcomes().get(k));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    for (int i : pending) {
      results[i] = new UserResult(Kind.ERROR, null, "not finished after " + MAX_ROUNDS + " batch rounds");
    }
    return new Window(List.of(results), List.copyOf(batchIds), round);
  }

  private static UserResult step(CaseReranker model, RerankCommand.BudgetWatch watch, Gate gate, int index, UserCase user) {
    watch.reset();
    gate.user.set(index);
    try {
      Ranking r = model.rerank(user);
      return watch.refused() ? new UserResult(Kind.BUDGET, null, "") : new UserResult(Kind.RANKED, r, "");
    } catch (Deferred d) {
      return null;
    } catch (LlmBudgetExceededException e) {
      return new UserResult(Kind.BUDGET, null, "");
    } catch (LlmException e) {
      return new UserResult(Kind.RANKED, Ranking.fallback(user), "");
    } catch (RuntimeException e) {
      return new UserResult(Kind.ERROR, null, "cannot rerank: " + CaseFiles.message(e));
    }
  }

  /**
   * The pending users, in order, whose requests fit the budget as it will reserve them when their
   * answers are replayed through it (the prompt's UTF-8 bound in, the output cap out, at the price
   * table's highest prices); the rest are marked.
   */
  private List<Integer> affordable(List<Integer> pending, Map<Integer, List<LlmRequest>> deferred) {
    LlmBudget budget = llm.budget;
    List<Integer> out = new ArrayList<>();
    if (budget == null) {
      out.addAll(deferred.keySet());
      return out;
    }
    long tokensLeft = budget.maxTokens().isPresent() ? budget.maxTokens().getAsLong() - budget.spentTokens() : Long.MAX_VALUE;
    // as the budget reserves each replayed answer: the UTF-8 bound of the prompt, at the table's highest prices
    Optional<PriceTable.ModelPrice> price = Optional.of(llm.prices.ceiling(llm.model));
    BigDecimal costLeft = budget.maxCost().map(m -> m.subtract(budget.spentCost())).orElse(null);
    boolean stopped = false;
    for (int i : pending) {
      List<LlmRequest> rs = deferred.get(i);
      if (rs == null) {
        continue;
      }
      long in = 0;
      long outTokens = 0;
      for (LlmRequest r : rs) {
        in += dev.agp.llm.TokenCounter.utf8Bound().promptTokens(r.messages());
        outTokens += r.maxOutputTokens().orElse(LlmClients.DEFAULT_ASSUMED_OUTPUT_TOKENS);
      }
      long input = in;
      long output = outTokens;
      BigDecimal cost = price.map(p -> p.cost(new dev.agp.llm.TokenUsage(input, output))).orElse(BigDecimal.ZERO);
      if (stopped || in + outTokens > tokensLeft || (costLeft != null && cost.compareTo(costLeft) > 0)) {
        stopped = true;
        deferredStop(i);
        continue;
      }
      tokensLeft -= in + outTokens;
      if (costLeft != null) {
        costLeft = costLeft.subtract(cost);
      }
      out.add(i);
    }
    return out;
  }

  private final java.util.Set<Integer> stoppedUsers = ConcurrentHashMap.newKeySet();

  private void deferredStop(int i) {
    stoppedUsers.add(i);
  }

  /** Answers from the batches, the normal endpoint for what they failed, and defers the rest. */
  private final class Gate implements LlmClient {
    final ThreadLocal<Integer> user = new ThreadLocal<>();
    final Map<Integer, List<LlmRequest>> deferred = new ConcurrentHashMap<>();
    final java.util.Set<Integer> budgetStopped = stoppedUsers;
    private final Map<String, LlmResponse> answers = new ConcurrentHashMap<>();
    private final java.util.Set<String> recorded = ConcurrentHashMap.newKeySet();
    private final Map<String, OpenAiBatch.Outcome> failures = new ConcurrentHashMap<>();
    private final LlmClient direct;

    Gate(LlmClient direct) {
      this.direct = direct;
      stoppedUsers.clear();
    }

    void settle(LlmRequest request, OpenAiBatch.Outcome outcome) {
      String id = batch.customId(request);
      if (outcome.answer().isPresent()) {
        answers.put(id, outcome.answer().get());
      } else {
        failures.put(id, outcome);
      }
    }

    @Override
    public LlmResponse complete(LlmRequest request) {
      String id = batch.customId(request);
      LlmResponse answer = answers.get(id);
      if (answer != null) {
        if (recorded.add(id)) {
          record(request, answer);
        }
        return answer;
      }
      OpenAiBatch.Outcome failed = failures.get(id);
      if (failed != null) {
        if (!retryFailures) {
          LlmNonRetriableException e = new LlmNonRetriableException("the batch did not answer (" + failed.errorCode() + ": "
              + failed.errorMessage() + ")", null, request.stage(), 1, 0);
          llm.meter.record(new LlmCallEvent(request.stage(), Duration.ZERO, dev.agp.llm.TokenUsage.ZERO, 1, false, Optional.of(e)));
          throw e;
        }
        long t0 = System.nanoTime();
        try {
          LlmResponse r = direct.complete(request);
          answers.put(id, r);
          recorded.add(id);
          llm.meter.record(new LlmCallEvent(request.stage(), Duration.ofNanos(System.nanoTime() - t0), r.usage(), r.attempts(),
              false, Optional.empty(), r.model()));
          return r;
        } catch (RuntimeException e) {
          llm.meter.record(new LlmCallEvent(request.stage(), Duration.ofNanos(System.nanoTime() - t0), dev.agp.llm.TokenUsage.ZERO,
              1, false, Optional.of(e)));
          throw e;
        }
      }
      Integer u = user.get();
      deferred.computeIfAbsent(u == null ? -1 : u, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(request);
      throw Deferred.INSTANCE;
    }

    private void record(LlmRequest request, LlmResponse r) {
      llm.meter.record(new LlmCallEvent(request.stage(), Duration.ZERO, r.usage(), 1, false, Optional.empty(), r.model()));
    }
  }
}
