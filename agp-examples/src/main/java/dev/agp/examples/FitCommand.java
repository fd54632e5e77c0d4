package dev.agp.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.AgpListener;
import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.CallEstimate;
import dev.agp.CaseReranker;
import dev.agp.EpochRecord;
import dev.agp.FeedbackMode;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.RankingMetrics;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmException;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.StageUsage;
import dev.agp.llm.TokenUsage;
import dev.agp.llm.UsageReport;
import dev.agp.rpp.RppIterationRecord;
import dev.agp.rpp.RppListener;
import dev.agp.rpp.RppModel;
import dev.agp.rpp.RppOptimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code agp fit}: trains AGP or RPP on your data and saves the model with a small report. */
@Command(name = "fit", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
    description = {
        "Trains AGP (or RPP / RPP+) on your users and saves the model for `agp rerank`.",
        "",
        "Users come from the raw dataset files (as for `agp run`: load -> leave-one-out -> base model -> candidates), "
            + "or from a cases file with labels (--cases: JSON lines with \"relevant\", or TSV with a fourth column). "
            + "Before the first call it prints the planned calls and their cost at list prices. Writes the model "
            + "(versioned JSON) and a report next to it (.report.md, .report.json): validation curve, usage, cost.",
        "",
        "--checkpoint resumes an interrupted fit; --cache makes a rerun pay nothing twice; --budget-usd / "
            + "--budget-tokens stop it cleanly (exit code 3, checkpoint written).",
        ""})
final class FitCommand implements Callable<Integer> {

  @ParentCommand AgpCli cli;
  @Spec CommandSpec spec;
  @Mixin Options.Data data = new Options.Data();

  @Option(names = "--cases", paramLabel = "FILE", description = "Labelled cases to train on instead of the raw dataset files.")
  @Nullable Path cases;

  @Option(names = "--titles", paramLabel = "FILE", description = "With --cases: titles of items given as bare ids (id<TAB>title lines or JSON lines).")
  @Nullable Path titles;

  @Option(names = "--train-users", paramLabel = "N", description = "Training users. Default: ${DEFAULT-VALUE}.")
  int trainUsers = 100;

  @Option(names = "--validation-users", paramLabel = "N", description = "Validation users (prompt selection). Default: ${DEFAULT-VALUE}.")
  int validationUsers = 20;

  @Option(names = "--candidate-mode", paramLabel = "MODE",
      description = "Raw data only: paper (users whose held-out item is in the base top 10) or window (K consecutive "
          + "items of the base ranking around the held-out item). Default: ${DEFAULT-VALUE}.")
  String candidateMode = "paper";

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the split and the training. Default: ${DEFAULT-VALUE}.")
  long seed = 42;

  @Option(names = "--concurrency", paramLabel = "N", description = "Users processed at once. Default: ${DEFAULT-VALUE}.")
  int concurrency = 8;

  @Option(names = "--method", paramLabel = "NAME", description = "agp, rpp or rpp+. Default: ${DEFAULT-VALUE}.")
  String method = "agp";

  @Option(names = "--epochs", paramLabel = "N", description = "AGP epochs. Default: ${DEFAULT-VALUE}.")
  int epochs = 10;

  @Option(names = "--batch-size", paramLabel = "N", description = "AGP batch size. Default: ${DEFAULT-VALUE}.")
  int batchSize = 10;

  @Option(names = "--history-length", paramLabel = "N", description = "History items per profile or prompt. Default: ${DEFAULT-VALUE}.")
  int historyLength = 5;

  @Option(names = "--feedback-mode", paramLabel = "MODE", description = "AGP feedback: paper or compact. Default: ${DEFAULT-VALUE}.")
  String feedbackMode = "paper";

  @Option(names = "--initial-prompt", paramLabel = "TEXT", description = "AGP's starting profile prompt (default: the built-in one).")
  @Nullable String initialPrompt;

  @Option(names = "--rpp-iterations", paramLabel = "N", description = "RPP iterations over the training users. Default: ${DEFAULT-VALUE}.")
  int rppIterations = 15;

  @Mixin Options.Backend backend = new Options.Backend();
  @Mixin Options.Spending spending = new Options.Spending();
  @Mixin Options.Calls calls = new Options.Calls();

  @Option(names = "--output", paramLabel = "FILE", description = "The model file. Default: ${DEFAULT-VALUE}.")
  Path output = Path.of("agp-model.json");

  @Override
  public Integer call() {
    PrintStream out = cli.out();
    check();
    long t0 = System.nanoTime();
    Path folder = ExperimentRun.ledgerFolder(spending, output.toAbsolutePath().getParent());
    SpendLedger ledger = SpendLedger.open(folder, SpendLedger.newRunId());
    dev.agp.llm.LlmBudget budget = null;
    if (spending.budgeted()) {
      budget = Pipeline.remaining(spending, ledger.earlier()).orElseThrow(() -> new CommandStop(AgpCli.BUDGET_STOPPED,
          "the budget is already spent by earlier runs in the spend ledger " + ledger.file() + "; nothing was run. Raise "
              + (spending.budgetTokens != null ? "--budget-tokens" : "--budget-usd") + " to go on."));
    }
    Users users = cases != null ? fromCases() : fromDataset();
    ServingLlm.Serving limits = new ServingLlm.Serving();
    limits.cache = spending.cache;
    ServingLlm llm = ServingLlm.of(backend, calls, limits, cli.env(), () -> Catalogue.of(users.items()), users.domain(),
        budget, ledger);
    out.println("LLM: " + llm.description());
    String name = method.toLowerCase(Locale.ROOT);
    Progress progress = cli.progress();
    Fitted fitted;
    try {
      fitted = name.equals("agp") ? fitAgp(users, llm, progress, out) : fitRpp(users, llm, name.equals("rpp+"), progress, out);
    } catch (RuntimeException e) {
      progress.finish();
      if (budgetStop(e)) {
        throw new CommandStop(AgpCli.BUDGET_STOPPED, "stopped by the budget: " + CliMessages.describe(e)
            + ". Nothing is lost: rerun with a larger --budget-usd / --budget-tokens"
            + (spending.checkpoint != null ? " and the same --checkpoint to resume"
                : " (add --checkpoint to resume where it stopped)") + ".");
      }
      throw e;
    } finally {
      ledger.close();
    }
    progress.finish();
    fitted.save().run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Report report = new Report(this, users, llm, fitted, seconds);
    List<Path> files = report.write(output);
    out.println(report.summary());
    out.println("Model: " + output.toAbsolutePath().normalize() + "; report: " + files.get(0).getFileName() + ", "
        + files.get(1).getFileName());
    return AgpCli.SUCCESS;
  }

  private static boolean budgetStop(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LlmBudgetExceededException) {
        return true;
      }
    }
    return false;
  }

  private void check() {
    String m = method.toLowerCase(Locale.ROOT);
    if (!Set.of("agp", "rpp", "rpp+").contains(m)) {
      throw new UsageException("--method: unknown method '" + method + "' (agp, rpp, rpp+)");
    }
    Pipeline.positive("--train-users", trainUsers);
    Pipeline.positive("--validation-users", validationUsers);
    Pipeline.positive("--concurrency", concurrency);
    Pipeline.positive("--epochs", epochs);
    Pipeline.positive("--batch-size", batchSize);
    Pipeline.positive("--history-length", historyLength);
    Pipeline.positive("--rpp-iterations", rppIterations);
    feedback();
    Set<String> given = Options.given(spec);
    if (!Set.of("paper", "window").contains(candidateMode.toLowerCase(Locale.ROOT))) {
      throw new UsageException("--candidate-mode: unknown mode '" + candidateMode + "' (paper, window)");
    }
    if (cases != null) {
      Pipeline.existing("--cases", cases);
      for (String flag : List.of("--dataset", "--data", "--items", "--candidates", "--base", "--base-epochs", "--candidate-mode")) {
        if (given.contains(flag)) {
          throw new UsageException("--cases replaces the dataset: " + flag + " has no effect with it");
        }
      }
      if (titles != null) {
        Pipeline.existing("--titles", titles);
      }
    } else {
      if (titles != null) {
        throw new UsageException("--titles goes with --cases (the raw datasets carry their titles)");
      }
      Pipeline.checkData(data, given);
    }
    ServingLlm.check(backend, spending, calls, null, cli.env(), given);
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageException("--output: no such directory: " + parent);
    }
  }

  private FeedbackMode feedback() {
    return switch (feedbackMode.toLowerCase(Locale.ROOT)) {
      case "paper" -> FeedbackMode.PAPER;
      case "compact" -> FeedbackMode.COMPACT;
      default -> throw new UsageException("--feedback-mode: unknown mode '" + feedbackMode + "' (paper, compact)");
    };
  }

  private Options.Protocol protocol() {
    Options.Protocol p = new Options.Protocol();
    p.trainUsers = trainUsers;
    p.validationUsers = validationUsers;
    p.testUsers = 1;
    p.allowFewer = true;
    p.candidateMode = candidateMode;
    p.seed = seed;
    p.concurrency = concurrency;
    return p;
  }

  // ---------------------------------------------------------------- users

  /** The training and validation users, and where they came from. */
  record Users(List<UserCase> train, List<UserCase> validation, String source, String domain) {
    List<Item> items() {
      Map<String, Item> all = new LinkedHashMap<>();
      for (List<UserCase> set : List.of(train, validation)) {
        for (UserCase u : set) {
          u.history().forEach(i -> all.putIfAbsent(i.id(), i));
          u.candidates().forEach(i -> all.putIfAbsent(i.id(), i));
        }
      }
      return List.copyOf(all.values());
    }
  }

  private Users fromDataset() {
    Pipeline.Prepared prepared = Pipeline.prepare(data, protocol(), cli.progress(), cli.out());
    CandidateSets sets = prepared.sets();
    return new Users(sets.train(), sets.validation(), prepared.source(), prepared.domain());
  }

  private Users fromCases() {
    CaseFiles.ItemTitles t = titles == null ? CaseFiles.ItemTitles.empty() : CaseFiles.ItemTitles.read(titles, "--titles");
    List<UserCase> all = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (CaseFiles.Reader r = CaseFiles.open(cases, t)) {
      while (r.hasNext()) {
        CaseFiles.Record rec = r.next();
        if (rec.user() == null) {
          throw new UsageException("--cases: " + cases + " line " + rec.line() + ": " + rec.error());
        }
        if (rec.user().relevantItemIds().isEmpty()) {
          throw new UsageException("--cases: " + cases + " line " + rec.line() + ": user " + rec.user().userId()
              + " has no relevant item: training needs labels (\"relevant\" in JSON, a fourth TSV column)");
        }
        if (!ids.add(rec.user().userId())) {
          throw new UsageException("--cases: " + cases + " line " + rec.line() + ": user " + rec.user().userId() + " appears twice");
        }
        all.add(rec.user());
      }
    }
    if (all.size() < trainUsers + validationUsers) {
      throw new UsageException(String.format(Locale.ROOT, "--cases has %d labelled users, fewer than --train-users %d + "
          + "--validation-users %d", all.size(), trainUsers, validationUsers));
    }
    List<UserCase> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(seed));
    cli.out().printf(Locale.ROOT, "Data: %s: %,d labelled users; %d training, %d validation (seeded shuffle, seed %d)%n",
        cases, all.size(), trainUsers, validationUsers, seed);
    return new Users(List.copyOf(shuffled.subList(0, trainUsers)),
        List.copyOf(shuffled.subList(trainUsers, trainUsers + validationUsers)), "cases " + cases,
        data.domain != null ? data.domain : "item");
  }

  // ---------------------------------------------------------------- training

  /** A trained model, its curve and what it cost. */
  record Fitted(String method, CallEstimate plan, UsageReport usage, List<double[]> curve, String curveName,
      double validationNdcg, double baseValidationNdcg, String prompt, Runnable save, long fallbacks) {}

  private Fitted fitAgp(Users users, ServingLlm llm, Progress progress, PrintStream out) {
    AgpOptimizer.Builder b = AgpOptimizer.builder().llm(llm.direct()).domain(users.domain()).epochs(epochs).batchSize(batchSize)
        .historyLength(historyLength).feedbackMode(feedback()).concurrency(concurrency).seed(seed)
        .listener(new AgpListener() {
          @Override public void onFitStart(CallEstimate plan, boolean resumed) {
            progress.start("Training AGP" + (resumed ? " (resumed)" : ""), plan.totalCalls(), "calls", true);
          }

          @Override public void onLlmCall(LlmCallEvent event) {
            progress.step();
          }
        });
    if (initialPrompt != null) {
      b.initialPrompt(initialPrompt);
    }
    if (spending.checkpoint != null) {
      b.checkpoint(checkpointDir().resolve("agp-fit.json"));
    }
    AgpOptimizer optimizer = b.build();
    CallEstimate plan = optimizer.estimate(users.train(), users.validation());
    out.println(plan(plan, llm));
    AgpModel model = optimizer.fit(users.train(), users.validation());
    List<double[]> curve = new ArrayList<>();
    double best = 0;
    for (EpochRecord e : model.history().epochs()) {
      curve.add(new double[] {e.epoch(), e.validationNdcg()});
      if (e.epoch() == model.history().bestEpoch()) {
        best = e.validationNdcg();
      }
    }
    return new Fitted("AGP", plan, model.usage(), curve, "validation NDCG@10 by epoch (0 = the initial prompt)", best,
        baseNdcg(users.validation()), model.prompt().text(), () -> model.save(output), model.fallbacks());
  }

  private Fitted fitRpp(Users users, ServingLlm llm, boolean refine, Progress progress, PrintStream out) {
    RppOptimizer.Builder b = RppOptimizer.builder().llm(llm.direct()).domain(users.domain()).iterations(rppIterations)
        .refine(refine).maxHistoryLength(Math.max(historyLength, 3)).concurrency(concurrency).seed(seed)
        .listener(new RppListener() {
          @Override public void onFitStart(CallEstimate plan, boolean resumed) {
            progress.start("Training " + (refine ? "RPP+" : "RPP") + (resumed ? " (resumed)" : ""), plan.totalCalls(), "calls", true);
          }

          @Override public void onLlmCall(LlmCallEvent event) {
            progress.step();
          }
        });
    if (spending.checkpoint != null) {
      b.checkpoint(checkpointDir().resolve(refine ? "rpp-plus-fit.json" : "rpp-fit.json"));
    }
    RppOptimizer optimizer = b.build();
    CallEstimate plan = optimizer.estimate(users.train());
    out.println(plan(plan, llm) + String.format(Locale.ROOT, "; then %d call%s per validation user (%d) to score the model",
        refine ? 2 : 1, refine ? "s" : "", users.validation().size()));
    RppModel model = optimizer.fit(users.train());
    progress.finish();
    List<double[]> curve = new ArrayList<>();
    for (RppIterationRecord r : model.history().iterations()) {
      curve.add(new double[] {r.iteration(), r.meanReward()});
    }
    double validation = ndcg(model, users.validation());
    return new Fitted(refine ? "RPP+" : "RPP", plan, model.usage(), curve, "training mean reward (NDCG@10) by iteration",
        validation, baseNdcg(users.validation()), "", () -> model.save(output), model.fallbacks());
  }

  private Path checkpointDir() {
    try {
      Files.createDirectories(spending.checkpoint);
    } catch (IOException e) {
      throw new UsageException("--checkpoint: cannot create " + spending.checkpoint + " (" + e.getMessage() + ")");
    }
    return spending.checkpoint;
  }

  private static double ndcg(CaseReranker model, List<UserCase> users) {
    double sum = 0;
    for (UserCase u : users) {
      Ranking r;
      try {
        r = model.rerank(u);
      } catch (LlmException e) {
        r = Ranking.fallback(u);
      }
      sum += RankingMetrics.evaluate(r.itemIds(), RankingMetrics.binary(u.relevantItemIds()), 10).ndcg();
    }
    return users.isEmpty() ? 0 : sum / users.size();
  }

  private static double baseNdcg(List<UserCase> users) {
    return ndcg(Ranking::base, users);
  }

  /** The plan line printed before the first call. */
  static String plan(CallEstimate plan, ServingLlm llm) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "Planned LLM calls (at most): %,d; about %,d input tokens, at most %,d output tokens", plan.totalCalls(),
        plan.totalInputTokens(), plan.totalMaxOutputTokens()));
    Optional<PriceTable.ModelPrice> price = llm.simulated() ? Optional.empty() : llm.prices.priceOf(llm.model);
    price.ifPresent(p -> sb.append(String.format(Locale.ROOT, "; at most $%s at %s's list prices of %s",
        p.cost(new TokenUsage(plan.totalInputTokens(), plan.totalMaxOutputTokens())).setScale(4, RoundingMode.HALF_UP).toPlainString(),
        llm.model, llm.prices.asOf())));
    return sb.toString();
  }

  // ---------------------------------------------------------------- the report

  /** The small report next to the model. */
  private static final class Report {
    private final FitCommand c;
    private final Users users;
    private final ServingLlm llm;
    private final Fitted f;
    private final double seconds;

    Report(FitCommand c, Users users, ServingLlm llm, Fitted f, double seconds) {
      this.c = c;
      this.users = users;
      this.llm = llm;
      this.f = f;
      this.seconds = seconds;
    }

    BigDecimal cost() {
      return f.usage().cost(llm.prices).total().setScale(4, RoundingMode.HALF_UP);
    }

    String summary() {
      StageUsage t = f.usage().total();
      return String.format(Locale.ROOT, "%s trained in %.1f s: validation NDCG@10 %.4f (base order %.4f) on %d users; "
              + "%,d calls (%,d from the cache, %,d failed), %,d tokens%s", f.method(), seconds, f.validationNdcg(),
          f.baseValidationNdcg(), users.validation().size(), t.calls(), t.cacheHits(), t.failures(), t.totalTokens(),
          llm.simulated() ? " (simulated LLM)" : llm.priced() ? ", $" + cost().toPlainString() + " at list prices" : "");
    }

    List<Path> write(Path model) {
      String base = model.getFileName().toString().replaceFirst("\\.json$", "");
      Path json = model.resolveSibling(base + ".report.json");
      Path md = model.resolveSibling(base + ".report.md");
      ObjectNode n = CaseFiles.JSON.createObjectNode();
      n.put("method", f.method()).put("model_file", model.getFileName().toString()).put("data", users.source())
          .put("llm", llm.description()).put("train_users", users.train().size())
          .put("validation_users", users.validation().size()).put("seed", c.seed).put("seconds", Math.round(seconds * 10) / 10.0)
          .put("validation_ndcg_at_10", f.validationNdcg()).put("base_validation_ndcg_at_10", f.baseValidationNdcg())
          .put("planned_calls", f.plan().totalCalls());
      ArrayNode curve = n.putObject("curve").put("what", f.curveName()).putArray("points");
      f.curve().forEach(p -> curve.addArray().add((int) p[0]).add(p[1]));
      ObjectNode usage = n.putObject("usage");
      f.usage().byStage().forEach((stage, u) -> usage.putObject(stage.name()).put("calls", u.calls())
          .put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens()).put("cache_hits", u.cacheHits())
          .put("failures", u.failures()).put("retries", u.retries()));
      if (llm.priced() && !llm.simulated()) {
        n.put("cost_usd", cost()).put("prices_as_of", llm.prices.asOf().toString());
      }
      if (!f.prompt().isEmpty()) {
        n.put("learned_prompt", f.prompt());
      }
      StringBuilder m = new StringBuilder();
      m.append("# ").append(f.method()).append(" fit\n\n");
      m.append("- Data: ").append(users.source()).append("; ").append(users.train().size()).append(" training, ")
          .append(users.validation().size()).append(" validation users\n");
      m.append("- LLM: ").append(llm.description()).append('\n');
      m.append(String.format(Locale.ROOT, "- Validation NDCG@10: %.4f (the base order: %.4f)%n", f.validationNdcg(), f.baseValidationNdcg()));
      m.append(String.format(Locale.ROOT, "- Wall time: %.1f s; planned calls %,d%n%n", seconds, f.plan().totalCalls()));
      m.append("## ").append(f.curveName()).append("\n\n| step | value |\n|---|---|\n");
      f.curve().forEach(p -> m.append(String.format(Locale.ROOT, "| %d | %.4f |%n", (int) p[0], p[1])));
      m.append("\n## Usage\n\n| stage | calls | input tokens | output tokens | cache hits | failures |\n|---|---|---|---|---|---|\n");
      for (Map.Entry<Stage, StageUsage> e : f.usage().byStage().entrySet()) {
        StageUsage u = e.getValue();
        m.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d |%n", e.getKey(), u.calls(), u.inputTokens(),
            u.outputTokens(), u.cacheHits(), u.failures()));
      }
      if (llm.priced() && !llm.simulated()) {
        m.append(String.format(Locale.ROOT, "%nCost: $%s at list prices as of %s.%n", cost().toPlainString(), llm.prices.asOf()));
      }
      if (!f.prompt().isEmpty()) {
        m.append("\n## Learned prompt\n\n```\n").append(f.prompt()).append("\n```\n");
      }
      try {
        Files.writeString(json, CaseFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n", StandardCharsets.UTF_8);
        Files.writeString(md, m.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the report next to " + model + ": " + e.getMessage(), e);
      }
      return List.of(md, json);
    }
  }
}
