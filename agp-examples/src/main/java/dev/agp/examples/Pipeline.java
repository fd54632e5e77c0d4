package dev.agp.examples;

import dev.agp.AgpListener;
import dev.agp.FeedbackMode;
import dev.agp.LlmRerankers;
import dev.agp.UserCase;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.CostModel;
import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentListener;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.Method;
import dev.agp.eval.MethodResult;
import dev.agp.eval.NotEnoughUsersException;
import dev.agp.eval.data.CandidateLists;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.BaseRecommender;
import dev.agp.eval.recommender.LightGcn;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.PriceTable;
import dev.agp.rpp.RppListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/** What the commands do: data, split, base model, candidates, methods, backend, experiment. */
final class Pipeline {

  static final Set<String> METHODS = Set.of("llm-dir", "llm-cot", "agp", "agp-untrained", "agp-permuted", "rpp", "rpp+");
  static final String METHOD_NAMES = "llm-dir, llm-cot, agp, agp-untrained, agp-permuted, rpp, rpp+";

  private Pipeline() {}

  /** The users, ready for the methods. */
  record Prepared(Dataset dataset, LooSplit split, BaseRecommender base, CandidateSets sets, String domain, String source) {}

  /** The LLM and how reports describe and price it. */
  record Llm(LlmClient client, String description, boolean simulated, String model, PriceTable prices) {}

  // ---------------------------------------------------------------- data

  static Prepared prepare(Options.Data d, Options.Protocol p, Progress progress, PrintStream out) {
    String dataset = d.dataset.toLowerCase(Locale.ROOT);
    progress.start("Loading " + dataset, 0);
    Dataset ds;
    String source;
    switch (dataset) {
      case "sample" -> {
        ds = Datasets.movieLens(SampleData.movieLens());
        source = "MovieLens ml-latest-small (bundled sample; GroupLens, research use only)";
      }
      case "movielens" -> {
        ds = Datasets.movieLens(existing("--data", required("--data", d.data, dataset)));
        source = "MovieLens " + d.data;
      }
      case "amazon" -> {
        ds = Datasets.amazon(existing("--data", required("--data", d.data, dataset)), existing("--items", required("--items", d.items, dataset)));
        source = "Amazon reviews " + d.data;
      }
      case "yelp" -> {
        ds = Datasets.yelp(existing("--data", required("--data", d.data, dataset)), existing("--items", required("--items", d.items, dataset)));
        source = "Yelp " + d.data;
      }
      case "goodreads" -> {
        ds = Datasets.goodreads(existing("--data", required("--data", d.data, dataset)), existing("--items", required("--items", d.items, dataset)));
        source = "Goodreads " + d.data;
      }
      default -> throw new UsageException("--dataset: unknown dataset '" + d.dataset + "' (sample, movielens, amazon, yelp, goodreads)");
    }
    progress.finish();
    out.printf("Data: %s: %,d interactions, %,d users, %,d items%n", source, ds.interactions().size(), ds.userCount(),
        ds.items().size());
    String skipped = ds.report().summary();
    if (!skipped.isBlank()) {
      out.println("Load report: " + skipped);
    }
    LooSplit split = LeaveOneOut.split(ds.interactions());
    BaseRecommender base = base(d, split, progress);
    CandidateProtocol protocol = CandidateProtocol.builder()
        .trainUsers(p.trainUsers).validationUsers(p.validationUsers).testUsers(p.testUsers)
        .mode(mode(p.candidateMode)).allowFewerTestUsers(p.allowFewer).seed(p.seed).concurrency(p.concurrency)
        .build();
    CandidateSets sets;
    try {
      sets = protocol.apply(ds.items(), split, base);
    } catch (NotEnoughUsersException e) {
      throw new UsageException(notEnoughUsers(e.counts()));
    }
    CandidateSets.Report r = sets.report();
    out.printf("Candidates: %s; mode %s; held-out item in the base top %d for %d of %d users%s; "
            + "%d training, %d validation, %d test users%n",
        r.base(), r.mode() == CandidateMode.BASE_TOP_K ? "paper (base top 10, eligible users only)"
            : "window (10 consecutive items of the base ranking around the held-out item; not comparable with the paper)",
        r.k(), r.hits(), r.evaluableUsers(),
        r.mode() == CandidateMode.BASE_WINDOW ? ", a deeper window for " + r.windowed() : "",
        sets.train().size(), sets.validation().size(), sets.test().size());
    return new Prepared(ds, split, base, sets, d.domain(), source);
  }

  private static BaseRecommender base(Options.Data d, LooSplit split, Progress progress) {
    String base = d.candidates != null ? "imported" : d.base.toLowerCase(Locale.ROOT);
    return switch (base) {
      case "lightgcn" -> {
        LightGcn.Builder b = Recommenders.lightGcn().threads(Runtime.getRuntime().availableProcessors());
        int max = LightGcn.DEFAULT_EPOCHS;
        if (d.baseEpochs != null) {
          if (d.baseEpochs < 1) {
            throw new UsageException("--base-epochs must be >= 1 but was " + d.baseEpochs);
          }
          b.epochs(d.baseEpochs);
          max = d.baseEpochs;
        }
        progress.start("LightGCN", max);
        BaseRecommender model = b.listener(e -> progress.stepTo(e.epoch())).build().fit(split);
        progress.finish();
        yield model;
      }
      case "sequential" -> Recommenders.transitions(split);
      case "popularity" -> Recommenders.popularity(split);
      case "imported" -> Recommenders.imported(CandidateLists.read(existing("--candidates",
          required("--candidates", d.candidates, "--base imported"))));
      default -> throw new UsageException("--base: unknown base model '" + d.base + "' (lightgcn, sequential, popularity, imported)");
    };
  }

  private static CandidateMode mode(String mode) {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "paper" -> CandidateMode.BASE_TOP_K;
      case "window" -> CandidateMode.BASE_WINDOW;
      case "insert" -> throw new UsageException("--candidate-mode insert was removed: inserting the held-out item made it"
          + " the odd one out (sorting by ascending popularity beat every method); use --candidate-mode window");
      default -> throw new UsageException("--candidate-mode: unknown mode '" + mode + "' (paper, window)");
    };
  }

  /** The protocol's refusal in the command line's terms: the flags that would help and are not set yet. */
  static String notEnoughUsers(NotEnoughUsersException.Counts c) {
    List<String> fixes = new ArrayList<>();
    fixes.add("lower --train-users/--validation-users/--test-users");
    if (c.mode() == CandidateMode.BASE_TOP_K) {
      fixes.add("use --candidate-mode window");
    }
    if (!c.allowFewerTestUsers() && c.eligibleUsers() > c.trainUsers() + c.validationUsers()) {
      fixes.add("pass --allow-fewer-test-users");
    }
    return String.format(Locale.ROOT, "%d of %d users are eligible (%s mode: %s), but %d training + %d validation + %d"
            + " test users are needed: %s",
        c.eligibleUsers(), c.evaluableUsers(), c.mode() == CandidateMode.BASE_TOP_K ? "paper" : "window", c.reasons(),
        c.trainUsers(), c.validationUsers(), c.testUsers(), String.join("; ", fixes));
  }

  private static void checkProtocol(Options.Protocol p) {
    positive("--train-users", p.trainUsers);
    positive("--validation-users", p.validationUsers);
    positive("--test-users", p.testUsers);
    positive("--concurrency", p.concurrency);
  }

  static void positive(String flag, long value) {
    if (value < 1) {
      throw new UsageException(flag + " must be >= 1 but was " + value);
    }
  }

  private static Path required(String flag, Path value, String context) {
    if (value == null) {
      throw new UsageException(flag + " is required with " + (context.startsWith("--") ? context : "--dataset " + context));
    }
    return value;
  }

  static Path existing(String flag, Path path) {
    if (!Files.exists(path)) {
      throw new UsageException(flag + ": no such file or directory: " + path);
    }
    return path;
  }

  // ---------------------------------------------------------------- the LLM

  /**
   * The backend, with retries, limits, the response cache and the budget in front of real ones.
   *
   * @throws UsageException for an unknown backend, a missing URL or key
   */
  static Llm llm(Options.Backend b, Map<String, String> env, Prepared prepared) {
    String backend = b.backend.toLowerCase(Locale.ROOT);
    PriceTable prices = PriceTable.defaults();
    if (backend.equals("simulated")) {
      return new Llm(SimulatedLlm.of(Catalogue.of(prepared.dataset().items().values()), prepared.domain()),
          SimulatedLlm.NOTICE, true, SimulatedLlm.MODEL, prices);
    }
    LlmBackends.Builder builder = switch (backend) {
      case "openai" -> LlmBackends.openAiBuilder(key(env, "OPENAI_API_KEY", backend), model(b, LlmBackends.DEFAULT_OPENAI_MODEL));
      case "deepseek" -> LlmBackends.deepSeekBuilder(key(env, "DEEPSEEK_API_KEY", backend), model(b, LlmBackends.DEFAULT_DEEPSEEK_MODEL));
      case "compatible" -> {
        if (b.baseUrl == null || b.baseUrl.isBlank()) {
          throw new UsageException("--base-url is required with --backend compatible, e.g. http://localhost:11434/v1");
        }
        if (b.model == null) {
          throw new UsageException("--model is required with --backend compatible (the name the server serves)");
        }
        try {
          // AGP_API_KEY, or no key: a provider's key never goes to another host
          yield LlmBackends.openAiCompatibleBuilder(b.baseUrl, LlmBackends.keyFor(b.baseUrl, env), b.model);
        } catch (IllegalArgumentException e) {
          throw new UsageException("--base-url: " + e.getMessage());
        }
      }
      default -> throw new UsageException("--backend: unknown backend '" + b.backend + "' (openai, deepseek, compatible, simulated)");
    };
    builder.timeout(Duration.ofSeconds(b.timeoutSeconds)).prices(prices);
    if (b.cache != null) {
      builder.cacheDirectory(b.cache);
    }
    if (b.budgetTokens != null || b.budgetUsd != null) {
      builder.budget(b.budgetTokens != null && b.budgetUsd != null ? LlmBudget.ofTokensAndCost(b.budgetTokens, b.budgetUsd)
          : b.budgetTokens != null ? LlmBudget.ofTokens(b.budgetTokens) : LlmBudget.ofCost(b.budgetUsd));
    }
    String model = b.model != null ? b.model : backend.equals("deepseek") ? LlmBackends.DEFAULT_DEEPSEEK_MODEL : LlmBackends.DEFAULT_OPENAI_MODEL;
    String where = backend.equals("compatible") ? "an OpenAI-compatible server at " + b.baseUrl : backend.equals("deepseek") ? "DeepSeek" : "OpenAI";
    return new Llm(builder.build(), model + " via " + where, false, model, prices);
  }

  private static String model(Options.Backend b, String fallback) {
    return b.model != null ? b.model : fallback;
  }

  private static String key(Map<String, String> env, String variable, String backend) {
    String key = env.get(variable);
    if (key == null || key.isBlank()) {
      throw new UsageException(variable + " is not set: export it to use --backend " + backend
          + ", or run offline with --backend simulated");
    }
    return key;
  }

  // ---------------------------------------------------------------- methods

  /** The methods the options ask for (Base is always added by the experiment). */
  /**
   * Checks every option before any work is done, so a mistake costs nothing.
   *
   * @throws UsageException naming the flag
   */
  static void check(Options.Data d, Options.Protocol p, Options.Methods m, Options.Backend b, Map<String, String> env,
      boolean needsKey) {
    String dataset = d.dataset.toLowerCase(Locale.ROOT);
    if (!Set.of("sample", "movielens", "amazon", "yelp", "goodreads").contains(dataset)) {
      throw new UsageException("--dataset: unknown dataset '" + d.dataset + "' (sample, movielens, amazon, yelp, goodreads)");
    }
    if (!dataset.equals("sample")) {
      existing("--data", required("--data", d.data, dataset));
      if (!dataset.equals("movielens")) {
        existing("--items", required("--items", d.items, dataset));
      }
    }
    if (d.candidates != null) {
      existing("--candidates", d.candidates);
    } else if (d.base.equalsIgnoreCase("imported")) {
      required("--candidates", null, "--base imported");
    }
    checkProtocol(p);
    mode(p.candidateMode);
    if (d.candidates == null && !Set.of("lightgcn", "sequential", "popularity", "imported").contains(d.base.toLowerCase(Locale.ROOT))) {
      throw new UsageException("--base: unknown base model '" + d.base + "' (lightgcn, sequential, popularity, imported)");
    }
    if (d.baseEpochs != null) {
      positive("--base-epochs", d.baseEpochs);
    }
    positive("--epochs", m.epochs);
    positive("--batch-size", m.batchSize);
    positive("--history-length", m.historyLength);
    positive("--rpp-iterations", m.rppIterations);
    if (m.rppMaxHistory != null && m.rppMaxHistory < m.historyLength) {
      throw new UsageException("--rpp-max-history must be >= --history-length (" + m.historyLength + ") but was "
          + m.rppMaxHistory);
    }
    if (m.permutations < 0) {
      throw new UsageException("--permutations must be >= 0 but was " + m.permutations);
    }
    feedbackMode(m);
    try {
      dev.agp.internal.Checks.attributeKeys(m.showAttributes);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--show-attributes: " + e.getMessage());
    }
    for (String raw : m.methods) {
      if (!METHODS.contains(raw.strip().toLowerCase(Locale.ROOT))) {
        throw new UsageException("--methods: unknown method '" + raw + "' (" + METHOD_NAMES + ")");
      }
    }
    String backend = b.backend.toLowerCase(Locale.ROOT);
    switch (backend) {
      case "simulated" -> { }
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
        if (needsKey && (b.baseUrl == null || b.baseUrl.isBlank())) {
          throw new UsageException("--base-url is required with --backend compatible, e.g. http://localhost:11434/v1");
        }
        if (needsKey && b.model == null) {
          throw new UsageException("--model is required with --backend compatible (the name the server serves)");
        }
      }
      default -> throw new UsageException("--backend: unknown backend '" + b.backend + "' (openai, deepseek, compatible, simulated)");
    }
    positive("--timeout-seconds", b.timeoutSeconds);
    if (b.budgetTokens != null) {
      positive("--budget-tokens", b.budgetTokens);
    }
    if (b.budgetUsd != null && b.budgetUsd.signum() <= 0) {
      throw new UsageException("--budget-usd must be > 0 but was " + b.budgetUsd);
    }
  }

  private static FeedbackMode feedbackMode(Options.Methods m) {
    return switch (m.feedbackMode.toLowerCase(Locale.ROOT)) {
      case "paper" -> FeedbackMode.PAPER;
      case "compact" -> FeedbackMode.COMPACT;
      default -> throw new UsageException("--feedback-mode: unknown mode '" + m.feedbackMode + "' (paper, compact)");
    };
  }

  static List<Method> methods(Options.Methods m, Options.Backend b, Prepared prepared, Progress progress) {
    FeedbackMode feedback = feedbackMode(m);
    String domain = prepared.domain();
    Function<UserCase, double[]> embedding = prepared.base().embeddingDimension() > 0 ? prepared.base()::userVector : null;
    List<Method> out = new ArrayList<>(Method.sanityRows(prepared.split(), SANITY_SEED));
    int maxHistory = m.rppMaxHistory != null ? m.rppMaxHistory : m.historyLength + 15;
    boolean control = false;
    for (String raw : m.methods) {
      String name = raw.strip().toLowerCase(Locale.ROOT);
      if (name.startsWith("rpp") && !control) {
        // the fixed prompt RPP starts from, so the report shows what the policy learned
        out.add(Method.rppUntrained("RPP-untrained",
            o -> o.domain(domain).iterations(m.rppIterations).initialHistoryLength(m.historyLength).maxHistoryLength(maxHistory)
                .shownAttributes(m.showAttributes)));
        control = true;
      }
      Method method = switch (name) {
        case "llm-dir" -> Method.llm("LLM-Dir",
            llm -> LlmRerankers.builder(llm).domain(domain).historyLength(m.historyLength)
                .shownAttributes(m.showAttributes).direct(), 1);
        case "llm-cot" -> Method.llm("LLM-CoT",
            llm -> LlmRerankers.builder(llm).domain(domain).historyLength(m.historyLength)
                .shownAttributes(m.showAttributes).chainOfThought(), 1);
        case "agp" -> Method.agp("AGP", agpOptions(m, b, domain, feedback, "AGP", "agp.json", progress));
        case "agp-untrained" -> Method.agpUntrained("AGP-untrained", agpOptions(m, null, domain, feedback, null, null, progress));
        case "agp-permuted" -> Method.agp("AGP", agpOptions(m, b, domain, feedback, "AGP (permuted labels)",
            "agp-permuted-labels.json", progress)).withPermutedLabels(PERMUTATION_SEED);
        case "rpp", "rpp+" -> {
          boolean refine = name.equals("rpp+");
          yield Method.rpp(refine ? "RPP+" : "RPP", o -> {
            o.domain(domain).iterations(m.rppIterations).refine(refine)
                .initialHistoryLength(m.historyLength).maxHistoryLength(maxHistory)
                .shownAttributes(m.showAttributes)
                .listener(rppProgress(refine ? "RPP+" : "RPP", progress));
            if (embedding != null) {
              o.userEmbedding(embedding);
            }
            if (b.checkpoint != null) {
              o.checkpoint(b.checkpoint.resolve(refine ? "rpp-plus.json" : "rpp.json"));
            }
            return o;
          });
        }
        default -> throw new UsageException("--methods: unknown method '" + raw + "' (" + METHOD_NAMES + ")");
      };
      out.add(method);
      if (m.permutations > 0 && !name.startsWith("agp") && !name.startsWith("rpp")) {
        out.add(method.withPermutationVoting(m.permutations, 42));
      }
    }
    return out;
  }

  /** The seed of the random sanity order. */
  static final long SANITY_SEED = 42;
  /** The seed of the label permutation of the agp-permuted control. */
  static final long PERMUTATION_SEED = 42;

  private static java.util.function.UnaryOperator<dev.agp.AgpOptimizer.Builder> agpOptions(Options.Methods m,
      Options.Backend b, String domain, FeedbackMode feedback, String progressName, String checkpointFile,
      Progress progress) {
    return o -> {
      o.domain(domain).epochs(m.epochs).batchSize(m.batchSize).historyLength(m.historyLength).feedbackMode(feedback)
          .shownAttributes(m.showAttributes);
      if (progressName != null) {
        o.listener(agpProgress(progressName, progress));
      }
      if (m.initialPrompt != null) {
        o.initialPrompt(m.initialPrompt);
      }
      if (b != null && b.checkpoint != null && checkpointFile != null) {
        o.checkpoint(b.checkpoint.resolve(checkpointFile));
      }
      return o;
    };
  }

  /** Paired comparisons between the rows present: what each learning method adds over its controls and baselines. */
  static void comparisons(Experiment.Builder b, List<Method> methods) {
    Set<String> names = new java.util.HashSet<>();
    methods.forEach(x -> names.add(x.name()));
    String[][] pairs = {
        {"AGP", "LLM-Dir"}, {"AGP", "AGP-untrained"}, {"AGP", "AGP (permuted labels)"}, {"AGP-untrained", "LLM-Dir"},
        {"RPP", "LLM-Dir"}, {"RPP", "RPP-untrained"}, {"RPP+", "LLM-Dir"}, {"RPP+", "RPP-untrained"}, {"RPP+", "RPP"},
        {"LLM-CoT", "LLM-Dir"}};
    for (String[] p : pairs) {
      if (names.contains(p[0]) && names.contains(p[1])) {
        b.compare(p[0], p[1]);
      }
    }
  }

  private static AgpListener agpProgress(String name, Progress progress) {
    FitProgress fit = new FitProgress(name, progress);
    return new AgpListener() {
      @Override public void onFitStart(dev.agp.CallEstimate plan, boolean resumed) {
        fit.start(plan, resumed);
      }

      @Override public void onLlmCall(LlmCallEvent event) {
        fit.call();
      }

      @Override public void onFitEnd(dev.agp.FitHistory history) {
        fit.end();
      }
    };
  }

  private static RppListener rppProgress(String name, Progress progress) {
    FitProgress fit = new FitProgress(name, progress);
    return new RppListener() {
      @Override public void onFitStart(dev.agp.CallEstimate plan, boolean resumed) {
        fit.start(plan, resumed);
      }

      @Override public void onLlmCall(LlmCallEvent event) {
        fit.call();
      }

      @Override public void onFitEnd(dev.agp.rpp.RppHistory history) {
        fit.end();
      }
    };
  }

  /**
   * A training bar counting LLM calls. The listener stays on the trained model's client, so calls
   * count only while the fit runs.
   */
  private static final class FitProgress {
    private final String name;
    private final Progress progress;
    private final java.util.concurrent.atomic.AtomicBoolean training = new java.util.concurrent.atomic.AtomicBoolean();

    FitProgress(String name, Progress progress) {
      this.name = name;
      this.progress = progress;
    }

    void start(dev.agp.CallEstimate plan, boolean resumed) {
      training.set(true);
      progress.start("Training " + name + (resumed ? " (resumed)" : ""), plan.totalCalls());
    }

    void call() {
      if (training.get()) {
        progress.step();
      }
    }

    void end() {
      training.set(false);
      progress.finish();
    }
  }



  // ---------------------------------------------------------------- the experiment

  static Experiment experiment(Prepared prepared, Llm llm, List<Method> methods, Options.Protocol p, Progress progress) {
    Experiment.Builder b = Experiment.builder()
        .llm(llm.client(), llm.description())
        .users(prepared.sets())
        .methods(methods)
        .seed(p.seed)
        .concurrency(p.concurrency)
        .listener(new ExperimentListener() {
          @Override public void onTestStart(String method, int testUsers) {
            progress.start("Testing " + method, testUsers);
          }

          @Override public void onUserDone(String method, String userId) {
            progress.step();
          }

          @Override public void onMethodEnd(MethodResult result) {
            progress.finish();
          }
        });
    if (!llm.simulated() && llm.prices().priceOf(llm.model()).isPresent()) {
      b.costModel(CostModel.of(llm.prices()), "USD at list prices as of " + llm.prices().asOf());
    }
    comparisons(b, methods);
    return b.build();
  }

  /** Planned calls per method, for saying before a run how many calls it will make. */
  static String plan(Experiment experiment) {
    StringBuilder sb = new StringBuilder("Planned LLM calls (at most):");
    long total = 0;
    boolean unknown = false;
    for (Map.Entry<String, OptionalLong> e : experiment.plan().entrySet()) {
      sb.append(' ').append(e.getKey()).append(' ');
      if (e.getValue().isPresent()) {
        sb.append(String.format(Locale.ROOT, "%,d", e.getValue().getAsLong())).append(',');
        total += e.getValue().getAsLong();
      } else {
        sb.append("unknown,");
        unknown = true;
      }
    }
    sb.setLength(sb.length() - 1);
    return sb.append(String.format(Locale.ROOT, "; total %,d%s", total, unknown ? " plus the unknown" : "")).toString();
  }
}
