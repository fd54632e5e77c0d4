package dev.agp.examples;

import dev.agp.langchain4j.LlmBackends;
import dev.agp.langchain4j.OpenAiBatch;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.PriceTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The LLM of {@code agp fit} and {@code agp rerank}: the backend, and the cache, budget, spend
 * ledger and meter shared by the normal endpoint and the Batch API. Paid answers go to the spend
 * ledger (when there is one) before the cache stores them, as in {@code run}. The key is read from
 * the environment once and kept here; it is never printed, logged or written, and each key goes
 * to its own host only: {@code OPENAI_API_KEY} to OpenAI, {@code DEEPSEEK_API_KEY} to DeepSeek,
 * {@code AGP_API_KEY} to the server of {@code --backend compatible}.
 */
final class ServingLlm {

  /** What {@code agp rerank} adds to the backend options: the cache, the budget and the rate limits. */
  static final class Serving {
    @Option(names = "--cache", paramLabel = "DIR",
        description = "Keep every answer on disk here; a rerun makes no paid call for an answer already received "
            + "(answers are also held in memory, about 1 KB a call).")
    @Nullable Path cache;

    @Option(names = "--budget-tokens", paramLabel = "N",
        description = "Stop cleanly before spending more tokens than this, counting what earlier reruns of this output "
            + "spent (the spend ledger next to the output).")
    @Nullable Long budgetTokens;

    @Option(names = "--budget-usd", paramLabel = "AMOUNT",
        description = "Stop cleanly before spending more than this, in US dollars (batch calls at the batch price), "
            + "counting what earlier reruns spent.")
    @Nullable BigDecimal budgetUsd;

    @Option(names = "--requests-per-minute", paramLabel = "N", description = "Requests a minute to the normal endpoint (default: no limit).")
    @Nullable Long requestsPerMinute;

    @Option(names = "--tokens-per-minute", paramLabel = "N", description = "Tokens a minute to the normal endpoint (default: no limit).")
    @Nullable Long tokensPerMinute;

    @Option(names = "--max-concurrent-calls", paramLabel = "N", description = "Calls in flight at once. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentCalls = LlmClients.DEFAULT_MAX_CONCURRENT_CALLS;

    Options.Spending spending() {
      Options.Spending s = new Options.Spending();
      s.cache = cache;
      s.budgetTokens = budgetTokens;
      s.budgetUsd = budgetUsd;
      return s;
    }
  }

  final String backend;
  final String model;
  final PriceTable prices = PriceTable.defaults();
  final @Nullable LlmResponseCache cache;
  final @Nullable LlmBudget budget;
  final @Nullable SpendLedger ledger;
  final LlmUsageMeter meter = new LlmUsageMeter();
  private final @Nullable Spending payer;
  private final Options.Calls calls;
  private final Serving limits;
  private final @Nullable String baseUrl;
  private final String key;
  private final @Nullable SimulatedLlm simulated;

  private ServingLlm(Options.Backend b, Options.Calls calls, Serving limits, @Nullable LlmBudget budget,
      @Nullable SpendLedger ledger, String key, @Nullable SimulatedLlm simulated) {
    this.backend = b.name();
    this.model = Pipeline.modelName(b);
    this.baseUrl = switch (backend) {
      case "openai" -> LlmBackends.OPENAI_BASE_URL;
      case "deepseek" -> LlmBackends.DEEPSEEK_BASE_URL;
      case "compatible" -> b.baseUrl == null ? null : b.baseUrl.strip();
      default -> null;
    };
    this.calls = calls;
    this.limits = limits;
    this.key = key;
    this.simulated = simulated;
    this.cache = limits.cache == null ? null : LlmResponseCache.onDisk(limits.cache);
    this.budget = budget;
    this.ledger = ledger;
    this.payer = ledger == null ? null : new Spending(model, prices, ledger);
  }

  /**
   * Checks the backend options before any work, as {@code run} does, so that a mistake costs nothing.
   *
   * @throws UsageException naming the flag
   */
  static void check(Options.Backend b, Options.Spending s, Options.Calls calls, @Nullable Serving limits,
      Map<String, String> env, Set<String> given) {
    Pipeline.checkBackend(b, s, env, given, true);
    Pipeline.positive("--timeout-seconds", calls.timeoutSeconds);
    if (limits != null) {
      Pipeline.positive("--max-concurrent-calls", limits.maxConcurrentCalls);
      if (limits.requestsPerMinute != null) {
        Pipeline.positive("--requests-per-minute", limits.requestsPerMinute);
      }
      if (limits.tokensPerMinute != null) {
        Pipeline.positive("--tokens-per-minute", limits.tokensPerMinute);
      }
    }
  }

  /**
   * The backend the options name, with the key from {@code env}.
   *
   * @param catalogue the items the simulated LLM knows (unused by real backends)
   * @param budget what is left of the budget, or null for none
   * @param ledger where paid calls are recorded, or null
   * @throws UsageException for a missing key
   */
  static ServingLlm of(Options.Backend b, Options.Calls calls, Serving limits, Map<String, String> env,
      Supplier<Catalogue> catalogue, String domain, @Nullable LlmBudget budget, @Nullable SpendLedger ledger) {
    return switch (b.name()) {
      case "simulated" -> new ServingLlm(b, calls, limits, budget, ledger, "", SimulatedLlm.of(catalogue.get(), domain));
      case "openai" -> new ServingLlm(b, calls, limits, budget, ledger, key(env, "OPENAI_API_KEY", "openai"), null);
      case "deepseek" -> new ServingLlm(b, calls, limits, budget, ledger, key(env, "DEEPSEEK_API_KEY", "deepseek"), null);
      // a key belongs to its host: an OpenAI or DeepSeek key is never sent to another server
      default -> new ServingLlm(b, calls, limits, budget, ledger, env.getOrDefault("AGP_API_KEY", "").strip(), null);
    };
  }

  private static String key(Map<String, String> env, String variable, String backend) {
    String key = env.get(variable);
    if (key == null || key.isBlank()) {
      throw new UsageException(variable + " is not set: export it to use --backend " + backend
          + ", or run offline with --backend simulated");
    }
    return key;
  }

  /** The bundled MovieLens sample's items: what the simulated LLM knows when it serves. */
  static Catalogue sampleCatalogue() {
    return Catalogue.of(dev.agp.eval.data.Datasets.movieLens(SampleData.movieLens()).items().values());
  }

  boolean simulated() {
    return simulated != null;
  }

  /** How reports name the LLM. */
  String description() {
    return switch (backend) {
      case "simulated" -> SimulatedLlm.NOTICE;
      case "deepseek" -> model + " via DeepSeek";
      case "openai" -> model + " via OpenAI";
      default -> model + " via an OpenAI-compatible server at " + baseUrl;
    };
  }

  /**
   * The normal endpoint: retries, limits and the budget under the spend ledger, the shared cache
   * over it, metered.
   */
  LlmClient direct() {
    return over(raw(true));
  }

  /**
   * The normal endpoint with retries and limits (and the budget when {@code budgeted}), without
   * cache, ledger or meter: what a batch falls back to under its own accounting.
   */
  LlmClient raw(boolean budgeted) {
    LlmBudget b = budgeted ? budget : null;
    if (simulated != null) {
      LlmClients.Builder sim = LlmClients.builder(simulated).model(model).maxConcurrentCalls(limits.maxConcurrentCalls);
      if (limits.requestsPerMinute != null) {
        sim.requestsPerMinute(limits.requestsPerMinute);
      }
      if (limits.tokensPerMinute != null) {
        sim.tokensPerMinute(limits.tokensPerMinute);
      }
      if (b != null) {
        sim.budget(b);
      }
      return sim.build();
    }
    LlmBackends.Builder real = backend.equals("compatible")
        ? LlmBackends.openAiCompatibleBuilder(baseUrl, key, model)
        : backend.equals("deepseek") ? LlmBackends.deepSeekBuilder(key, model) : LlmBackends.openAiBuilder(key, model);
    real.timeout(Duration.ofSeconds(calls.timeoutSeconds)).prices(prices).maxConcurrentCalls(limits.maxConcurrentCalls);
    if (limits.requestsPerMinute != null) {
      real.requestsPerMinute(limits.requestsPerMinute);
    }
    if (limits.tokensPerMinute != null) {
      real.tokensPerMinute(limits.tokensPerMinute);
    }
    if (b != null) {
      real.budget(b);
    }
    return real.build();
  }

  /**
   * {@code paid} (a stack that makes paid calls, budget included) under the spend ledger, with a
   * response cache over it ({@code fallback} when there is no shared one) and the meter on top.
   */
  LlmClient over(LlmClient paid, @Nullable LlmResponseCache fallback) {
    LlmClient recorded = payer == null ? paid : payer.payer(paid);
    LlmResponseCache c = cache != null ? cache : fallback;
    LlmClient top = c == null ? recorded
        : LlmClients.builder(recorded).model(model).maxAttempts(1).maxConcurrentCalls(Integer.MAX_VALUE).cache(c).build();
    return top;
  }

  private LlmClient over(LlmClient paid) {
    return meter.wrap(over(paid, null));
  }

  /**
   * The Batch API of this backend, journalled in {@code directory}.
   *
   * @throws UsageException if the backend has no Batch API
   */
  OpenAiBatch.Builder batch(Path directory) {
    if (simulated != null || backend.equals("deepseek")) {
      throw new UsageException("--batch-api: the " + backend + " backend has no Batch API; use openai or a compatible "
          + "server that implements /v1/files and /v1/batches");
    }
    return OpenAiBatch.builder(baseUrl, key, model).stateDirectory(directory);
  }

  /** The spend so far at list prices (batch calls at batch prices), in US dollars. */
  BigDecimal spent() {
    return meter.snapshot().cost(prices).total();
  }

  boolean priced() {
    return prices.priceOf(model).isPresent();
  }
}
