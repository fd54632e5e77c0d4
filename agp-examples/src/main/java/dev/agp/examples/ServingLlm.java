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
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The LLM of {@code agp fit} and {@code agp rerank}: the backend, and the cache, budget and meter
 * they share between the normal endpoint and the Batch API. The key is read from the environment
 * once and kept here; it is never printed, logged or written. Each key goes to its own host only:
 * {@code OPENAI_API_KEY} to OpenAI, {@code DEEPSEEK_API_KEY} to DeepSeek, {@code AGP_API_KEY} to the
 * server of {@code --backend compatible}.
 */
final class ServingLlm {

  /** The backend options of the serving commands. */
  static final class Settings {
    @Option(names = "--backend", paramLabel = "NAME",
        description = "openai, deepseek, compatible (Ollama, vLLM, llama.cpp server) or simulated (offline). "
            + "Default: ${DEFAULT-VALUE}.")
    String backend = "openai";

    @Option(names = "--model", paramLabel = "NAME",
        description = "The model (default: gpt-4o-mini for openai, deepseek-chat for deepseek).")
    @Nullable String model;

    @Option(names = "--base-url", paramLabel = "URL",
        description = "For --backend compatible: the server's OpenAI-compatible base URL, e.g. http://localhost:11434/v1.")
    @Nullable String baseUrl;

    @Option(names = "--cache", paramLabel = "DIR",
        description = "Keep every answer on disk here; a rerun makes no paid call for an answer already received "
            + "(answers are also held in memory, about 1 KB a call).")
    @Nullable Path cache;

    @Option(names = "--budget-tokens", paramLabel = "N", description = "Stop cleanly before spending more tokens than this.")
    @Nullable Long budgetTokens;

    @Option(names = "--budget-usd", paramLabel = "AMOUNT", description = "Stop cleanly before spending more than this, in US dollars.")
    @Nullable BigDecimal budgetUsd;

    @Option(names = "--timeout-seconds", paramLabel = "N", description = "Per-call timeout. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 60;

    @Option(names = "--requests-per-minute", paramLabel = "N", description = "Requests a minute to the normal endpoint (default: no limit).")
    @Nullable Long requestsPerMinute;

    @Option(names = "--tokens-per-minute", paramLabel = "N", description = "Tokens a minute to the normal endpoint (default: no limit).")
    @Nullable Long tokensPerMinute;

    @Option(names = "--max-concurrent-calls", paramLabel = "N", description = "Calls in flight at once. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentCalls = LlmClients.DEFAULT_MAX_CONCURRENT_CALLS;

    static Settings from(Options.Backend b) {
      Settings s = new Settings();
      s.backend = b.backend;
      s.model = b.model;
      s.baseUrl = b.baseUrl;
      s.cache = b.cache;
      s.budgetTokens = b.budgetTokens;
      s.budgetUsd = b.budgetUsd;
      s.timeoutSeconds = b.timeoutSeconds;
      return s;
    }
  }

  final String backend;
  final String model;
  final PriceTable prices = PriceTable.defaults();
  final @Nullable LlmResponseCache cache;
  final @Nullable LlmBudget budget;
  final LlmUsageMeter meter = new LlmUsageMeter();
  private final Settings settings;
  private final @Nullable String baseUrl;
  private final String key;
  private final @Nullable SimulatedLlm simulated;

  private ServingLlm(Settings s, String backend, String model, @Nullable String baseUrl, String key,
      @Nullable SimulatedLlm simulated) {
    this.settings = s;
    this.backend = backend;
    this.model = model;
    this.baseUrl = baseUrl;
    this.key = key;
    this.simulated = simulated;
    this.cache = s.cache == null ? null : LlmResponseCache.onDisk(s.cache);
    this.budget = s.budgetTokens == null && s.budgetUsd == null ? null
        : s.budgetTokens != null && s.budgetUsd != null ? LlmBudget.ofTokensAndCost(s.budgetTokens, s.budgetUsd)
        : s.budgetTokens != null ? LlmBudget.ofTokens(s.budgetTokens) : LlmBudget.ofCost(s.budgetUsd);
  }

  /**
   * Checks the options before any work, so that a mistake costs nothing.
   *
   * @throws UsageException naming the flag
   */
  static void check(Settings s, Map<String, String> env, boolean needsKey) {
    String backend = s.backend.toLowerCase(Locale.ROOT);
    switch (backend) {
      case "simulated" -> {
        if (s.budgetUsd != null) {
          throw new UsageException("--budget-usd: the simulated LLM costs nothing; use --budget-tokens");
        }
      }
      case "openai" -> {
        if (needsKey) {
          key(env, "OPENAI_API_KEY", backend);
        }
      }
      case "deepseek" -> {
        if (needsKey) {
          key(env, "DEEPSEEK_API_KEY", backend);
        }
      }
      case "compatible" -> {
        if (s.baseUrl == null || s.baseUrl.isBlank()) {
          throw new UsageException("--base-url is required with --backend compatible, e.g. http://localhost:11434/v1");
        }
        if (s.model == null) {
          throw new UsageException("--model is required with --backend compatible (the name the server serves)");
        }
      }
      default -> throw new UsageException("--backend: unknown backend '" + s.backend + "' (openai, deepseek, compatible, simulated)");
    }
    Pipeline.positive("--timeout-seconds", s.timeoutSeconds);
    Pipeline.positive("--max-concurrent-calls", s.maxConcurrentCalls);
    if (s.requestsPerMinute != null) {
      Pipeline.positive("--requests-per-minute", s.requestsPerMinute);
    }
    if (s.tokensPerMinute != null) {
      Pipeline.positive("--tokens-per-minute", s.tokensPerMinute);
    }
    if (s.budgetTokens != null) {
      Pipeline.positive("--budget-tokens", s.budgetTokens);
    }
    if (s.budgetUsd != null && s.budgetUsd.signum() <= 0) {
      throw new UsageException("--budget-usd must be > 0 but was " + s.budgetUsd);
    }
    String model = modelName(s, backend);
    if (s.budgetUsd != null && PriceTable.defaults().priceOf(model).isEmpty()) {
      throw new UsageException("--budget-usd: no list price is known for " + model + "; use --budget-tokens");
    }
  }

  /**
   * The backend the settings name, with the key from {@code env}.
   *
   * @param catalogue the items the simulated LLM knows (unused by real backends)
   * @throws UsageException for a missing key or a bad option
   */
  static ServingLlm of(Settings s, Map<String, String> env, java.util.function.Supplier<Catalogue> catalogue, String domain) {
    check(s, env, true);
    String backend = s.backend.toLowerCase(Locale.ROOT);
    String model = modelName(s, backend);
    return switch (backend) {
      case "simulated" -> new ServingLlm(s, backend, model, null, "", SimulatedLlm.of(catalogue.get(), domain));
      case "openai" -> new ServingLlm(s, backend, model, LlmBackends.OPENAI_BASE_URL, key(env, "OPENAI_API_KEY", backend), null);
      case "deepseek" -> new ServingLlm(s, backend, model, LlmBackends.DEEPSEEK_BASE_URL, key(env, "DEEPSEEK_API_KEY", backend), null);
      default -> {
        // a key belongs to its host: an OpenAI or DeepSeek key is never sent to another server
        String k = env.getOrDefault("AGP_API_KEY", "");
        yield new ServingLlm(s, backend, model, s.baseUrl.strip(), k.isBlank() ? "" : k, null);
      }
    };
  }

  private static String modelName(Settings s, String backend) {
    return s.model != null ? s.model : switch (backend) {
      case "deepseek" -> LlmBackends.DEFAULT_DEEPSEEK_MODEL;
      case "simulated" -> SimulatedLlm.MODEL;
      default -> LlmBackends.DEFAULT_OPENAI_MODEL;
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

  /** The normal endpoint with retries, limits, the shared cache and budget, metered. */
  LlmClient direct() {
    return stack(true, true);
  }

  /**
   * The normal endpoint with retries and limits but without the cache, the budget and the meter:
   * what a batch falls back to underneath its own cache and budget.
   */
  LlmClient raw() {
    return stack(false, false);
  }

  private LlmClient stack(boolean shared, boolean metered) {
    if (simulated != null) {
      LlmClients.Builder b = LlmClients.builder(simulated).model(model).maxConcurrentCalls(settings.maxConcurrentCalls);
      configure(b::cache, b::budget, b::meter, b::requestsPerMinute, b::tokensPerMinute, shared, metered);
      return b.build();
    }
    LlmBackends.Builder b = backend.equals("compatible")
        ? LlmBackends.openAiCompatibleBuilder(baseUrl, key, model)
        : backend.equals("deepseek") ? LlmBackends.deepSeekBuilder(key, model) : LlmBackends.openAiBuilder(key, model);
    b.timeout(Duration.ofSeconds(settings.timeoutSeconds)).prices(prices).maxConcurrentCalls(settings.maxConcurrentCalls);
    configure(b::cache, b::budget, b::meter, b::requestsPerMinute, b::tokensPerMinute, shared, metered);
    return b.build();
  }

  /** The options both stack builders share, set the same way. */
  private void configure(Consumer<LlmResponseCache> cacheOption, Consumer<LlmBudget> budgetOption,
      Consumer<LlmUsageMeter> meterOption, LongConsumer rpm, LongConsumer tpm, boolean shared, boolean metered) {
    if (settings.requestsPerMinute != null) {
      rpm.accept(settings.requestsPerMinute);
    }
    if (settings.tokensPerMinute != null) {
      tpm.accept(settings.tokensPerMinute);
    }
    if (shared && cache != null) {
      cacheOption.accept(cache);
    }
    if (shared && budget != null) {
      budgetOption.accept(budget);
    }
    if (metered) {
      meterOption.accept(meter);
    }
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
