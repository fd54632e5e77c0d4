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
import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.Method;
import dev.agp.eval.MethodResult;
import dev.agp.eval.NotEnoughUsersException;
import dev.agp.eval.data.CandidateLists;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.data.LoadReport;
import dev.agp.eval.recommender.BaseRecommender;
import dev.agp.eval.recommender.LightGcn;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.PriceTable;
import dev.agp.rpp.RppListener;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** What the commands do: checks, data, split, base model, candidates, methods, backend, experiment. */
final class Pipeline {

  static final Set<String> METHODS = Set.of("llm-dir", "llm-cot", "agp", "agp-untrained", "agp-permuted", "rpp", "rpp+");
  static final String METHOD_NAMES = "llm-dir, llm-cot, agp, agp-untrained, agp-permuted, rpp, rpp+";
  static final Set<String> DATASETS = Set.of("sample", "movielens", "amazon", "yelp", "goodreads");
  static final Set<String> BASES = Set.of("lightgcn", "sequential", "popularity", "imported");
  static final Set<String> BACKENDS = Set.of("openai", "deepseek", "compatible", "simulated");

  private Pipeline() {}

  /** Which command the options are checked for. */
  enum Command { RUN, ESTIMATE }

  /** The users, ready for the methods. */
  record Prepared(Dataset dataset, LooSplit split, BaseRecommender base, CandidateSets sets, String domain, String source) {}

  /**
   * The LLM and how reports describe and price it.
   *
   * @param spending the outermost layer, counting paid, cached and failed calls per method
   * @param budget the budget enforced in this run (the remainder after earlier runs), if any
   */
  record Llm(LlmClient client, String description, boolean simulated, String model, PriceTable prices,
      Spending spending, @Nullable LlmBudget budget) {}

  // ---------------------------------------------------------------- checks

  /**
   * Checks every option before any work is done, so that a mistake costs nothing: values, files,
   * keys, and options that would have no effect with the others.
   *
   * @param given the options given on the command line
   * @throws UsageException naming the flag
   */
  static void check(Options.Data d, Options.Protocol p, Options.Methods m, Options.Backend b, Options.Spending s,
      Options.Calls c, Map<String, String> env, Set<String> given, Command command) {
    checkData(d, given);
    checkProtocol(p, d);
    checkMethods(m, given);
    checkBackend(b, s, env, given, command == Command.RUN);
    if (command == Command.ESTIMATE) {
      for (String flag : List.of("--timeout-seconds", "--max-failure-rate")) {
        if (given.contains(flag)) {
          throw new UsageException(flag + " has no effect on estimate, which makes no LLM call");
        }
      }
    }
    positive("--timeout-seconds", c.timeoutSeconds);
    share("--max-failure-rate", c.maxFailureRate);
  }

  static void checkData(Options.Data d, Set<String> given) {
    String dataset = d.dataset.toLowerCase(Locale.ROOT);
    if (!DATASETS.contains(dataset)) {
      throw new UsageException("--dataset: unknown dataset '" + d.dataset + "' (sample, movielens, amazon, yelp, goodreads)");
    }
    if (dataset.equals("sample")) {
      if (d.data != null) {
        throw new UsageException("--data has no effect with --dataset sample (the bundled MovieLens sample): "
            + "add --dataset movielens, amazon, yelp or goodreads to read your files");
      }
      if (d.items != null) {
        throw new UsageException("--items has no effect with --dataset sample (the bundled MovieLens sample)");
      }
    } else {
      existing("--data", required("--data", d.data, dataset));
      if (dataset.equals("movielens")) {
        if (d.items != null) {
          throw new UsageException("--items has no effect with --dataset movielens: movies.csv (or movies.dat, u.item) "
              + "is read from the --data folder");
        }
        if (!Files.isDirectory(d.data)) {
          throw new UsageException("--data: " + d.data + " is a file; with --dataset movielens pass the folder that "
              + "holds ratings.csv and movies.csv (or ratings.dat and movies.dat)");
        }
      } else {
        existing("--items", required("--items", d.items, dataset));
      }
    }
    share("--max-malformed-rate", d.maxMalformedRate);
    String base = d.base.toLowerCase(Locale.ROOT);
    if (!BASES.contains(base)) {
      throw new UsageException("--base: unknown base model '" + d.base + "' (lightgcn, sequential, popularity, imported)");
    }
    if (d.candidates != null) {
      existing("--candidates", d.candidates);
      if (given.contains("--base") && !base.equals("imported")) {
        throw new UsageException("--candidates replaces the base model: drop --base " + d.base
            + " (or --candidates to train " + d.base + ")");
      }
    } else if (base.equals("imported")) {
      required("--candidates", null, "--base imported");
    }
    if (d.baseEpochs != null) {
      positive("--base-epochs", d.baseEpochs);
      if (!d.baseModel().equals("lightgcn")) {
        throw new UsageException("--base-epochs applies to --base lightgcn only, not to " + d.baseModel());
      }
    }
  }

  private static void checkProtocol(Options.Protocol p, Options.Data d) {
    positive("--train-users", p.trainUsers);
    positive("--validation-users", p.validationUsers);
    positive("--test-users", p.testUsers);
    positive("--concurrency", p.concurrency);
    mode(p.mode(d));
  }

  static void checkMethods(Options.Methods m, Set<String> given) {
    if (m.methods.isEmpty()) {
      throw new UsageException("--methods: name at least one method (" + METHOD_NAMES + ")");
    }
    for (String raw : m.methods) {
      if (!METHODS.contains(raw.strip().toLowerCase(Locale.ROOT))) {
        throw new UsageException("--methods: unknown method '" + raw + "' (" + METHOD_NAMES + ")");
      }
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
    List<String> chosen = m.chosen();
    boolean trainedAgp = chosen.contains("agp") || chosen.contains("agp-permuted");
    for (String flag : List.of("--epochs", "--batch-size", "--feedback-mode")) {
      if (given.contains(flag) && !trainedAgp) {
        throw new UsageException(flag + " applies to AGP's training (agp, agp-permuted), which --methods "
            + String.join(",", m.methods) + " leaves out");
      }
    }
    if (given.contains("--initial-prompt") && !trainedAgp && !chosen.contains("agp-untrained")) {
      throw new UsageException("--initial-prompt applies to AGP (agp, agp-untrained, agp-permuted), which --methods "
          + String.join(",", m.methods) + " leaves out");
    }
    for (String flag : List.of("--rpp-iterations", "--rpp-max-history")) {
      if (given.contains(flag) && !chosen.contains("rpp") && !chosen.contains("rpp+")) {
        throw new UsageException(flag + " applies to RPP and RPP+, which --methods " + String.join(",", m.methods)
            + " leaves out");
      }
    }
    if (m.permutations > 0 && !chosen.contains("llm-dir") && !chosen.contains("llm-cot")) {
      throw new UsageException("--permutations applies to llm-dir and llm-cot, which --methods "
          + String.join(",", m.methods) + " leaves out");
    }
  }

  static void checkBackend(Options.Backend b, Options.Spending s, Map<String, String> env, Set<String> given,
      boolean needsKey) {
    String backend = b.name();
    if (!BACKENDS.contains(backend)) {
      throw new UsageException("--backend: unknown backend '" + b.backend + "' (openai, deepseek, compatible, simulated)");
    }
    if (backend.equals("simulated")) {
      for (String flag : List.of("--model", "--base-url", "--timeout-seconds")) {
        if (given.contains(flag)) {
          throw new UsageException(flag + " has no effect with --backend simulated (the offline stand-in)");
        }
      }
      if (s.budgetUsd != null) {
        throw new UsageException("--budget-usd has no effect with --backend simulated, which costs nothing: "
            + "use --budget-tokens");
      }
    } else {
      if (b.baseUrl != null && !backend.equals("compatible")) {
        throw new UsageException("--base-url applies to --backend compatible; for a proxy or gateway in front of "
            + ("openai".equals(backend) ? "OpenAI" : "DeepSeek") + ", use --backend compatible --base-url URL --model NAME"
            + " with the proxy's key in AGP_API_KEY");
      }
      if (b.baseUrl != null) {
        try {
          LlmBackends.openAiCompatibleBuilder(b.baseUrl, "", "check");
        } catch (IllegalArgumentException e) {
          throw new UsageException("--base-url: " + b.baseUrl + " is not an http or https URL such as "
              + "http://localhost:11434/v1");
        }
      }
      switch (backend) {
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
        default -> {
          if (needsKey && (b.baseUrl == null || b.baseUrl.isBlank())) {
            throw new UsageException("--base-url is required with --backend compatible, e.g. http://localhost:11434/v1");
          }
          if (needsKey && b.model == null) {
            throw new UsageException("--model is required with --backend compatible (the name the server serves)");
          }
        }
      }
      if (s.budgetUsd != null && PriceTable.defaults().priceOf(modelName(b)).isEmpty()) {
        throw new UsageException("--budget-usd: no list price is known for model " + modelName(b)
            + " (a local server costs nothing per token): use --budget-tokens");
      }
    }
    if (s.budgetTokens != null) {
      positive("--budget-tokens", s.budgetTokens);
    }
    if (s.budgetUsd != null && s.budgetUsd.signum() <= 0) {
      throw new UsageException("--budget-usd must be > 0 but was " + s.budgetUsd);
    }
    for (Map.Entry<String, Path> dir : dirs(s).entrySet()) {
      if (Files.exists(dir.getValue()) && !Files.isDirectory(dir.getValue())) {
        throw new UsageException(dir.getKey() + ": " + dir.getValue() + " is a file, not a folder");
      }
    }
  }

  private static Map<String, Path> dirs(Options.Spending s) {
    Map<String, Path> out = new java.util.LinkedHashMap<>();
    if (s.cache != null) {
      out.put("--cache", s.cache);
    }
    if (s.checkpoint != null) {
      out.put("--checkpoint", s.checkpoint);
    }
    return out;
  }

  /** The model the calls are made to (the simulated LLM's name for the offline backend). */
  static String modelName(Options.Backend b) {
    return switch (b.name()) {
      case "simulated" -> SimulatedLlm.MODEL;
      case "deepseek" -> b.model != null ? b.model : LlmBackends.DEFAULT_DEEPSEEK_MODEL;
      case "openai" -> b.model != null ? b.model : LlmBackends.DEFAULT_OPENAI_MODEL;
      default -> b.model != null ? b.model : "the served model";
    };
  }

  static void positive(String flag, long value) {
    if (value < 1) {
      throw new UsageException(flag + " must be >= 1 but was " + value);
    }
  }

  private static void share(String flag, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new UsageException(flag + " must be between 0 and 1 but was " + value);
    }
  }

  private static Path required(String flag, @Nullable Path value, String context) {
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

  private static CandidateMode mode(String mode) {
    return switch (mode) {
      case "paper" -> CandidateMode.BASE_TOP_K;
      case "window" -> CandidateMode.BASE_WINDOW;
      case "insert" -> throw new UsageException("--candidate-mode insert was removed: inserting the held-out item made it"
          + " the odd one out (sorting by ascending popularity beat every method); use --candidate-mode window");
      default -> throw new UsageException("--candidate-mode: unknown mode '" + mode + "' (paper, window)");
    };
  }

  private static FeedbackMode feedbackMode(Options.Methods m) {
    return switch (m.feedbackMode.toLowerCase(Locale.ROOT)) {
      case "paper" -> FeedbackMode.PAPER;
      case "compact" -> FeedbackMode.COMPACT;
      default -> throw new UsageException("--feedback-mode: unknown mode '" + m.feedbackMode + "' (paper, compact)");
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

  // ---------------------------------------------------------------- data

  static Prepared prepare(Options.Data d, Options.Protocol p, Progress progress, PrintStream out) {
    String dataset = d.dataset.toLowerCase(Locale.ROOT);
    progress.start("Loading " + (dataset.equals("sample") ? "the bundled sample" : dataset));
    Dataset ds;
    String source;
    var options = d.loadOptions();
    switch (dataset) {
      case "sample" -> {
        ds = Datasets.movieLens(SampleData.movieLens(), options);
        source = "MovieLens ml-latest-small (bundled sample; GroupLens, research use only)";
      }
      case "movielens" -> {
        ds = Datasets.movieLens(d.data, options);
        source = "MovieLens " + d.data;
      }
      case "amazon" -> {
        ds = Datasets.amazon(d.data, d.items, options);
        source = "Amazon reviews " + d.data;
      }
      case "yelp" -> {
        ds = Datasets.yelp(d.data, d.items, options);
        source = "Yelp " + d.data;
      }
      case "goodreads" -> {
        ds = Datasets.goodreads(d.data, d.items, options);
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
    if (ds.interactions().isEmpty()) {
      throw new CommandStop(AgpCli.FAILURE, noInteractions(d, ds));
    }
    LooSplit split = LeaveOneOut.split(ds.interactions());
    String mode = p.mode(d);
    feasible(d, p, mode, split);
    BaseRecommender base = base(d, split, progress);
    CandidateProtocol protocol = CandidateProtocol.builder()
        .trainUsers(p.trainUsers).validationUsers(p.validationUsers).testUsers(p.testUsers)
        .mode(mode(mode)).allowFewerTestUsers(p.allowFewer).seed(p.seed).concurrency(p.concurrency)
        .build();
    CandidateSets sets;
    progress.start("Candidates");
    try {
      sets = protocol.apply(ds.items(), split, base);
    } catch (NotEnoughUsersException e) {
      progress.stop("too few eligible users");
      NotEnoughUsersException.Counts counts = e.counts();
      throw new UsageException(tooFew(mode, p, counts.eligibleUsers(), counts.evaluableUsers(),
          eligibility(counts, base.name())));
    }
    progress.finish();
    CandidateSets.Report r = sets.report();
    out.printf("Candidates: %s; mode %s; held-out item in the base top %d for %d of %d users%s; "
            + "%d training, %d validation, %d test users%n",
        r.base(), r.mode() == CandidateMode.BASE_TOP_K ? "paper (base top 10, eligible users only)"
            : "window (10 consecutive items of the base ranking around the held-out item; not comparable with the paper)",
        r.k(), r.hits(), r.evaluableUsers(),
        r.mode() == CandidateMode.BASE_WINDOW ? ", a deeper window for " + r.windowed() : "",
        sets.train().size(), sets.validation().size(), sets.test().size());
    if (sets.test().size() < p.testUsers) {
      out.printf("Only %d of the %d test users asked for are eligible (--allow-fewer-test-users).%n", sets.test().size(),
          p.testUsers);
    }
    return new Prepared(ds, split, base, sets, d.domain(), source);
  }

  /** Why nothing was loaded, naming the file. */
  private static String noInteractions(Options.Data d, Dataset ds) {
    LoadReport.FileReport interactions = null;
    for (LoadReport.FileReport f : ds.report().files()) {
      String name = f.file().getFileName().toString().toLowerCase(Locale.ROOT);
      boolean metadata = name.startsWith("movies") || name.startsWith("u.item")
          || (d.items != null && f.file().toAbsolutePath().normalize().equals(d.items.toAbsolutePath().normalize()));
      if (!metadata) {
        interactions = f;
        break;
      }
    }
    if (interactions == null) {
      return "no interaction was loaded";
    }
    if (interactions.records() == 0) {
      return interactions.file() + " has no interactions: the file is empty or holds only a header";
    }
    return "none of the " + interactions.records() + " records of " + interactions.file() + " was kept (" +
        ds.report().summary().replace(System.lineSeparator(), "; ").replace("\n", "; ").strip() + ")";
  }

  /**
   * Refuses, before any model is trained, a protocol the data cannot satisfy: not enough users with
   * a held-out item, or (paper mode with a trained base) not enough whose held-out item the base
   * could rank at all.
   */
  private static void feasible(Options.Data d, Options.Protocol p, String mode, LooSplit split) {
    List<LooSplit.UserSplit> evaluable = split.evaluableUsers();
    if (evaluable.isEmpty()) {
      throw new UsageException("no user has the 3 interactions leave-one-out needs (a training, a validation and a "
          + "test item): " + split.users().size() + " users, " + split.report().trainInteractions()
          + " training interactions");
    }
    int needed = p.trainUsers + p.validationUsers + p.testUsers;
    if (p.allowFewer) {
      needed = p.trainUsers + p.validationUsers + 1;
    }
    if (evaluable.size() < needed) {
      throw new UsageException(tooFew(mode, p, evaluable.size(), evaluable.size(),
          "only " + evaluable.size() + " users have a held-out item"));
    }
    if (!d.baseModel().equals("imported")) {
      Set<String> seen = new HashSet<>();
      for (Interaction i : split.trainInteractions()) {
        seen.add(i.itemId());
      }
      for (LooSplit.UserSplit u : evaluable) {
        u.validation().ifPresent(v -> seen.add(v.itemId()));
      }
      int rankable = 0;
      for (LooSplit.UserSplit u : evaluable) {
        if (seen.contains(u.test().orElseThrow().itemId())) {
          rankable++;
        }
      }
      if (rankable < needed) {
        throw new UsageException(tooFew(mode, p, rankable, evaluable.size(),
            "the base model can rank only items it was trained on, and only " + rankable
                + " held-out items appear anywhere in the training data; checked before training " + d.baseModel()));
      }
    }
  }

  private static String eligibility(NotEnoughUsersException.Counts c, String base) {
    List<String> parts = new ArrayList<>();
    if (c.mode() == CandidateMode.BASE_TOP_K) {
      parts.add("paper mode keeps users whose held-out item " + base.replaceAll("\\(.*", "") + " ranks in its top "
          + c.k() + ": " + c.hits());
    } else if (c.unranked() > 0) {
      parts.add(c.unranked() + " whose held-out item the base cannot rank");
    }
    if (c.shortLists() > 0) {
      parts.add(c.shortLists() + " got fewer than " + c.k() + " candidates");
    }
    if (c.unknownItems() > 0) {
      parts.add(c.unknownItems() + " name items missing from the catalogue");
    }
    return String.join("; ", parts);
  }


  /** Too few eligible users, with the options that would help and are not already set. */
  static String tooFew(String mode, Options.Protocol p, int eligible, int evaluable, String why) {
    int needed = p.trainUsers + p.validationUsers + p.testUsers;
    StringBuilder sb = new StringBuilder();
    sb.append(eligible).append(" of ").append(evaluable).append(" users with a held-out item are eligible")
        .append(why.isEmpty() ? "" : " (" + why + ")").append(", but --train-users ").append(p.trainUsers)
        .append(" + --validation-users ").append(p.validationUsers).append(" + --test-users ").append(p.testUsers)
        .append(" = ").append(needed).append(" are needed");
    if (p.allowFewer) {
      sb.append(", and --allow-fewer-test-users still needs the training and validation users and one test user");
    }
    List<String> fixes = new ArrayList<>();
    if (eligible >= 3) {
      int train = Math.max(1, (int) ((long) eligible * p.trainUsers / needed));
      int validation = Math.max(1, (int) ((long) eligible * p.validationUsers / needed));
      int test = eligible - train - validation;
      if (test >= 1) {
        fixes.add("fewer users, e.g. --train-users " + train + " --validation-users " + validation + " --test-users "
            + test);
      }
    }
    if (mode.equals("paper")) {
      fixes.add("--candidate-mode window (every user whose held-out item the base can rank; not comparable with the"
          + " paper's numbers, and the reports say so)");
    }
    if (!p.allowFewer && eligible > p.trainUsers + p.validationUsers) {
      fixes.add("--allow-fewer-test-users (" + (eligible - p.trainUsers - p.validationUsers) + " test users)");
    }
    if (fixes.isEmpty()) {
      fixes.add("a dataset with more users");
    }
    sb.append(". Use ").append(String.join(", or ", fixes)).append('.');
    return sb.toString();
  }

  private static BaseRecommender base(Options.Data d, LooSplit split, Progress progress) {
    return switch (d.baseModel()) {
      case "lightgcn" -> {
        LightGcn.Builder b = Recommenders.lightGcn().threads(Runtime.getRuntime().availableProcessors());
        int max = LightGcn.DEFAULT_EPOCHS;
        if (d.baseEpochs != null) {
          b.epochs(d.baseEpochs);
          max = d.baseEpochs;
        }
        progress.start("LightGCN", max, "epochs", true);
        BaseRecommender model = b.listener(e -> progress.stepTo(e.epoch())).build().fit(split);
        progress.finish();
        yield model;
      }
      case "sequential" -> Recommenders.transitions(split);
      case "popularity" -> Recommenders.popularity(split);
      case "imported" -> Recommenders.imported(CandidateLists.read(d.candidates, d.loadOptions()));
      default -> throw new UsageException("--base: unknown base model '" + d.base + "' (lightgcn, sequential, popularity, imported)");
    };
  }

  // ---------------------------------------------------------------- the LLM

  /**
   * The backend, with retries, limits, the response cache and the budget in front of real ones,
   * and {@link Spending} outermost.
   *
   * @param cache the response cache, or null
   * @param budget the budget for this run (what earlier runs left), or null
   * @param ledger where paid calls are recorded, or null
   * @throws UsageException for an unknown backend, a missing URL or key
   */
  static Llm llm(Options.Backend b, Options.Calls c, Map<String, String> env, Prepared prepared,
      @Nullable LlmResponseCache cache, @Nullable LlmBudget budget, @Nullable SpendLedger ledger) {
    return llm(b, c, env, prepared, cache, budget, ledger, UnaryOperator.identity());
  }

  /**
   * The backend as {@link #llm(Options.Backend, Options.Calls, Map, Prepared, LlmResponseCache,
   * LlmBudget, SpendLedger)} builds it, with {@code route} applied to the stack under the payer
   * (the Batch API's router of {@code run --batch-api}).
   */
  static Llm llm(Options.Backend b, Options.Calls c, Map<String, String> env, Prepared prepared,
      @Nullable LlmResponseCache cache, @Nullable LlmBudget budget, @Nullable SpendLedger ledger,
      UnaryOperator<LlmClient> route) {
    String backend = b.name();
    PriceTable prices = PriceTable.defaults();
    if (backend.equals("simulated")) {
      LlmClient sim = SimulatedLlm.of(Catalogue.of(prepared.dataset().items().values()), prepared.domain());
      if (budget != null) {
        sim = LlmClients.builder(sim).model(SimulatedLlm.MODEL).maxAttempts(1).budget(budget).build();
      }
      Spending spending = accounted(sim, SimulatedLlm.MODEL, prices, cache, ledger);
      return new Llm(spending, SimulatedLlm.NOTICE, true, SimulatedLlm.MODEL, prices, spending, budget);
    }
    LlmBackends.Builder builder = switch (backend) {
      case "openai" -> LlmBackends.openAiBuilder(key(env, "OPENAI_API_KEY", backend), modelName(b));
      case "deepseek" -> LlmBackends.deepSeekBuilder(key(env, "DEEPSEEK_API_KEY", backend), modelName(b));
      case "compatible" -> {
        // only the key meant for this server: an OpenAI key never goes to another host
        String key = env.getOrDefault("AGP_API_KEY", "");
        yield LlmBackends.openAiCompatibleBuilder(b.baseUrl, key.strip(), b.model);
      }
      default -> throw new UsageException("--backend: unknown backend '" + b.backend + "' (openai, deepseek, compatible, simulated)");
    };
    builder.timeout(Duration.ofSeconds(c.timeoutSeconds)).prices(prices);
    if (budget != null) {
      builder.budget(budget);
    }
    String model = modelName(b);
    String where = backend.equals("compatible") ? "an OpenAI-compatible server at " + b.baseUrl
        : backend.equals("deepseek") ? "DeepSeek" : "OpenAI";
    Spending spending = accounted(route.apply(builder.build()), model, prices, cache, ledger);
    return new Llm(spending, model + " via " + where, false, model, prices, spending, budget);
  }

  /** Calls in flight the cache layer lets through: the stack below it has its own bound. */
  private static final int UNBOUNDED = 1 << 16;

  /**
   * {@code stack} (budget, retries, backend) under the {@link Spending#payer payer}, the response
   * cache over it, and the counting layer on top: a paid answer is in the ledger before it is in
   * the cache.
   */
  private static Spending accounted(LlmClient stack, String model, PriceTable prices, @Nullable LlmResponseCache cache,
      @Nullable SpendLedger ledger) {
    Spending spending = new Spending(model, prices, ledger);
    LlmClient paid = spending.payer(stack);
    spending.over(cache == null ? paid
        : LlmClients.builder(paid).model(model).maxAttempts(1).maxConcurrentCalls(UNBOUNDED).cache(cache).build());
    return spending;
  }

  /**
   * The budget left for this run: the limits minus what the ledger says earlier runs spent; empty
   * when nothing is left of one of them.
   */
  static java.util.Optional<LlmBudget> remaining(Options.Spending s, SpendLedger.Totals earlier) {
    Long tokens = s.budgetTokens == null ? null : s.budgetTokens - earlier.all().tokens();
    BigDecimal usd = s.budgetUsd == null ? null : s.budgetUsd.subtract(earlier.all().usd());
    if ((tokens != null && tokens < 1) || (usd != null && usd.signum() <= 0)) {
      return java.util.Optional.empty();
    }
    if (tokens != null && usd != null) {
      return java.util.Optional.of(LlmBudget.ofTokensAndCost(tokens, usd));
    }
    return java.util.Optional.of(tokens != null ? LlmBudget.ofTokens(tokens) : LlmBudget.ofCost(usd));
  }

  // ---------------------------------------------------------------- methods

  /**
   * The methods the options ask for (Base is always added by the experiment).
   *
   * @param notes where training says that it resumed from a checkpoint
   */
  static List<Method> methods(Options.Methods m, Options.Spending s, Options.Calls c, Prepared prepared,
      Progress progress, Consumer<String> notes) {
    FeedbackMode feedback = feedbackMode(m);
    String domain = prepared.domain();
    Function<UserCase, double[]> embedding = prepared.base().embeddingDimension() > 0 ? prepared.base()::userVector : null;
    List<Method> out = new ArrayList<>(Method.sanityRows(prepared.split(), SANITY_SEED));
    int maxHistory = m.rppMaxHistory != null ? m.rppMaxHistory : m.historyLength + 15;
    boolean control = false;
    for (String name : m.chosen()) {
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
        case "agp" -> Method.agp("AGP", agpOptions(m, s, c, domain, feedback, "AGP", "agp.json", progress, notes));
        case "agp-untrained" -> Method.agpUntrained("AGP-untrained",
            agpOptions(m, s, c, domain, feedback, null, null, progress, notes));
        case "agp-permuted" -> Method.agp("AGP", agpOptions(m, s, c, domain, feedback, "AGP (permuted labels)",
            "agp-permuted-labels.json", progress, notes)).withPermutedLabels(PERMUTATION_SEED);
        case "rpp", "rpp+" -> {
          boolean refine = name.equals("rpp+");
          String label = refine ? "RPP+" : "RPP";
          Path checkpoint = s.checkpoint == null ? null : s.checkpoint.resolve(refine ? "rpp-plus.json" : "rpp.json");
          yield Method.rpp(label, o -> {
            o.domain(domain).iterations(m.rppIterations).refine(refine)
                .initialHistoryLength(m.historyLength).maxHistoryLength(maxHistory)
                .shownAttributes(m.showAttributes).maxFailureRate(c.maxFailureRate)
                .listener(rppProgress(label, progress, notes, checkpoint));
            if (embedding != null) {
              o.userEmbedding(embedding);
            }
            if (checkpoint != null) {
              o.checkpoint(checkpoint);
            }
            return o;
          });
        }
        default -> throw new UsageException("--methods: unknown method '" + name + "' (" + METHOD_NAMES + ")");
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

  /**
   * AGP's options from the command line.
   *
   * @param progressName the training bar's name, or null for a method that does not train
   * @param checkpointFile the checkpoint's file name in the --checkpoint folder, or null for none
   */
  private static java.util.function.UnaryOperator<dev.agp.AgpOptimizer.Builder> agpOptions(Options.Methods m,
      Options.Spending s, Options.Calls c, String domain, FeedbackMode feedback, @Nullable String progressName,
      @Nullable String checkpointFile, Progress progress, Consumer<String> notes) {
    Path checkpoint = s.checkpoint != null && checkpointFile != null ? s.checkpoint.resolve(checkpointFile) : null;
    return o -> {
      o.domain(domain).epochs(m.epochs).batchSize(m.batchSize).historyLength(m.historyLength).feedbackMode(feedback)
          .shownAttributes(m.showAttributes).maxFailureRate(c.maxFailureRate);
      if (progressName != null) {
        o.listener(agpProgress(progressName, progress, notes, checkpoint));
      }
      if (m.initialPrompt != null) {
        o.initialPrompt(m.initialPrompt);
      }
      if (checkpoint != null) {
        o.checkpoint(checkpoint);
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

  private static AgpListener agpProgress(String name, Progress progress, Consumer<String> notes, @Nullable Path checkpoint) {
    FitProgress fit = new FitProgress(name, progress, notes, checkpoint, "epoch");
    return new AgpListener() {
      @Override public void onFitStart(dev.agp.CallEstimate plan, boolean resumed) {
        fit.start(plan, resumed);
      }

      @Override public void onBatchStart(int epoch, int batch, int batches, int users) {
        fit.at(epoch, batch);
      }

      @Override public void onValidation(dev.agp.EpochRecord record) {
        fit.validating(record.epoch());
      }

      @Override public void onLlmCall(LlmCallEvent event) {
        fit.call();
      }

      @Override public void onFitEnd(dev.agp.FitHistory history) {
        fit.end();
      }
    };
  }

  private static RppListener rppProgress(String name, Progress progress, Consumer<String> notes, @Nullable Path checkpoint) {
    FitProgress fit = new FitProgress(name, progress, notes, checkpoint, "iteration");
    return new RppListener() {
      @Override public void onFitStart(dev.agp.CallEstimate plan, boolean resumed) {
        fit.start(plan, resumed);
      }

      @Override public void onBatchStart(int iteration, int batch, int batches, int users) {
        fit.at(iteration, batch);
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
   * A training bar counting LLM calls, and the note saying where a resumed fit picked up. The
   * listener stays on the trained model's client, so calls count only while the fit runs.
   */
  private static final class FitProgress {
    private final String name;
    private final Progress progress;
    private final Consumer<String> notes;
    private final @Nullable Path checkpoint;
    private final String round;
    private final java.util.concurrent.atomic.AtomicBoolean training = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean resumed;
    private boolean told;

    FitProgress(String name, Progress progress, Consumer<String> notes, @Nullable Path checkpoint, String round) {
      this.name = name;
      this.progress = progress;
      this.notes = notes;
      this.checkpoint = checkpoint;
      this.round = round;
    }

    synchronized void start(dev.agp.CallEstimate plan, boolean resumed) {
      training.set(true);
      this.resumed = resumed;
      this.told = !resumed;
      progress.start("Training " + name + (resumed ? " (resumed)" : ""), plan.totalCalls(), "calls", true);
    }

    synchronized void at(int r, int batch) {
      tell(round + " " + r + ", batch " + batch);
    }

    synchronized void validating(int r) {
      tell(r == 0 ? "the scoring of the initial prompt" : "the validation of " + round + " " + r);
    }

    private void tell(String where) {
      if (!told) {
        told = true;
        notes.accept(name + ": resumed from the checkpoint " + checkpoint + " at " + where
            + "; finished batches are not repeated.");
      }
    }

    void call() {
      if (training.get()) {
        progress.step();
      }
    }

    synchronized void end() {
      if (resumed && !told) {
        told = true;
        notes.accept(name + ": the checkpoint " + checkpoint + " holds a finished training; no training call was made.");
      }
      training.set(false);
      progress.finish();
    }
  }

  // ---------------------------------------------------------------- the experiment

  static Experiment experiment(Prepared prepared, Llm llm, List<Method> methods, Options.Protocol p, Options.Calls c,
      Progress progress) {
    return experiment(prepared, llm, methods, p, c, progress, null);
  }

  /** The experiment, with one more listener when given (the switch of {@code run --batch-api}). */
  static Experiment experiment(Prepared prepared, Llm llm, List<Method> methods, Options.Protocol p, Options.Calls c,
      Progress progress, @Nullable ExperimentListener extra) {
    Experiment.Builder b = Experiment.builder()
        .llm(llm.client(), llm.description())
        .users(prepared.sets())
        .methods(methods)
        .seed(p.seed)
        .concurrency(p.concurrency)
        .maxFallbackRate(c.maxFailureRate)
        .listener(new ExperimentListener() {
          @Override public void onMethodStart(String method, OptionalLong plannedCalls) {
            llm.spending().method(method);
          }

          @Override public void onTestStart(String method, int testUsers) {
            progress.start("Testing " + method, testUsers, "users");
          }

          @Override public void onUserDone(String method, String userId) {
            progress.step();
          }

          @Override public void onMethodEnd(MethodResult result) {
            progress.finish();
          }
        });
    if (extra != null) {
      b.listener(extra);
    }
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
