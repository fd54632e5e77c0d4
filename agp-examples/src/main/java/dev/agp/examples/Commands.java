package dev.agp.examples;

import dev.agp.AgpOptimizer;
import dev.agp.LlmRerankers;
import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.Method;
import dev.agp.eval.MethodResult;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.StageUsage;
import dev.agp.rpp.RppOptimizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The {@code agp} subcommands. */
final class Commands {

  private Commands() {}

  /** Output caps per stage, for the upper bound on output tokens. */
  static final Map<Stage, Integer> OUTPUT_CAPS;

  static {
    Map<Stage, Integer> caps = new EnumMap<>(Stage.class);
    caps.putAll(AgpOptimizer.DEFAULT_MAX_OUTPUT_TOKENS);
    caps.putAll(RppOptimizer.DEFAULT_MAX_OUTPUT_TOKENS);
    // a ranking call whose reasoning sentence asks for visible work may use the larger per-action cap
    caps.merge(Stage.RPP_RANK, RppOptimizer.DEFAULT_REASONING_OUTPUT_TOKENS, Math::max);
    caps.put(Stage.DIRECT_RERANK, LlmRerankers.DEFAULT_DIRECT_MAX_TOKENS);
    caps.put(Stage.COT_RERANK, LlmRerankers.DEFAULT_COT_MAX_TOKENS);
    OUTPUT_CAPS = Map.copyOf(caps);
  }

  /** The output folder of {@code agp demo} when none is given. */
  static final String DEMO_OUTPUT = "agp-demo";
  /** The output folder of {@code agp run} when none is given. */
  static final String RUN_OUTPUT = "agp-results";

  @Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
      description = {
          "Runs the paper's whole protocol offline, with a simulated LLM.",
          "",
          "The bundled MovieLens sample -> leave-one-out -> LightGCN -> top-10 candidates -> Base, LLM-Dir, LLM-CoT, "
              + "AGP and RPP on the same users, beside user-blind sanity orders and AGP's controls (its untrained "
              + "starting prompt, and AGP trained on permuted labels) -> a table here, and reports with charts in the "
              + "output folder. Candidates use the window protocol: the sample has too few users for the paper's.",
          "",
          "The LLM is SIMULATED: a deterministic stand-in driven by the catalogue's genres and years. The numbers "
              + "show the pipeline working, not what a language model would score.",
          ""})
  static final class Demo implements Callable<Integer> {
    @ParentCommand AgpCli cli;
    @Spec CommandSpec spec;
    @Mixin Options.Protocol protocol = new Options.Protocol();
    @Mixin Options.Methods methods = demoMethods();

    @Option(names = "--base-epochs", paramLabel = "N", description = "Maximum LightGCN epochs (default: LightGCN's).")
    Integer baseEpochs;

    @Option(names = "--output", paramLabel = "DIR", description = "Where reports go. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of(DEMO_OUTPUT);

    private static Options.Methods demoMethods() {
      Options.Methods m = new Options.Methods();
      m.methods = new java.util.ArrayList<>(List.of("llm-dir", "llm-cot", "agp-untrained", "agp", "agp-permuted", "rpp"));
      return m;
    }

    @Override
    public Integer call() {
      Set<String> given = Options.given(spec);
      Options.Data data = new Options.Data();
      data.baseEpochs = baseEpochs;
      Options.Backend backend = new Options.Backend();
      backend.backend = "simulated";
      Options.Spending spending = new Options.Spending();
      Options.Calls calls = new Options.Calls();
      Pipeline.check(data, protocol, methods, backend, spending, calls, cli.env(), given, Pipeline.Command.RUN);
      writable(output);
      cli.out().println("agp demo, offline. The LLM is a " + SimulatedLlm.NOTICE + ".");
      return ExperimentRun.run(cli, data, protocol, methods, backend, spending, calls, output, false);
    }
  }

  @Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
      description = {
          "Runs the protocol on your data with a real LLM backend.",
          "",
          "Load -> leave-one-out -> base model -> candidates -> the chosen methods on the same users -> a table "
              + "here, and reports with charts in the output folder. Before the first call it prints how many calls "
              + "each method will make at most; at the end, what was paid, answered from the cache and repeated.",
          "",
          "Budgets count every run of the experiment: paid calls are recorded in a spend ledger (spend-ledger.jsonl "
              + "in the --checkpoint folder, else the --cache folder, else the --output folder), and a rerun counts "
              + "what it holds. A run stopped by its budget writes the methods that finished, marked partial.",
          "",
          "Keys come from the environment: OPENAI_API_KEY, DEEPSEEK_API_KEY, or AGP_API_KEY for --backend "
              + "compatible. They are never printed, logged or written.",
          ""})
  static final class Run implements Callable<Integer> {
    @ParentCommand AgpCli cli;
    @Spec CommandSpec spec;
    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Protocol protocol = new Options.Protocol();
    @Mixin Options.Methods methods = new Options.Methods();
    @Mixin Options.Backend backend = new Options.Backend();
    @Mixin Options.Spending spending = new Options.Spending();
    @Mixin Options.Calls calls = new Options.Calls();

    @Option(names = "--output", paramLabel = "DIR", description = "Where reports go. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of(RUN_OUTPUT);

    @Mixin BatchRouter.Settings batch = new BatchRouter.Settings();

    @Override
    public Integer call() {
      Pipeline.check(data, protocol, methods, backend, spending, calls, cli.env(), Options.given(spec), Pipeline.Command.RUN);
      writable(output);
      if (batch.enabled) {
        BatchRouter.check(batch, backend);
      }
      return ExperimentRun.run(cli, data, protocol, methods, backend, spending, calls, output, true, batch);
    }
  }

  @Command(name = "estimate", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
      description = {
          "Says what `agp run` with the same options would spend, without spending anything.",
          "",
          "The planned LLM calls per method (an upper bound), input tokens measured by a dry run against the "
              + "simulated LLM (no network, no key needed), output tokens bounded by each stage's cap, and the cost "
              + "at the model's list prices. With --budget-tokens or --budget-usd it also says what earlier runs "
              + "spent (the spend ledger in the --checkpoint or --cache folder) and whether the plan fits in the rest.",
          ""})
  static final class Estimate implements Callable<Integer> {
    @ParentCommand AgpCli cli;
    @Spec CommandSpec spec;
    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Protocol protocol = new Options.Protocol();
    @Mixin Options.Methods methods = new Options.Methods();
    @Mixin Options.Backend backend = new Options.Backend();
    @Mixin Options.Spending spending = new Options.Spending();
    @Mixin Options.Calls calls = new Options.Calls();

    @Override
    public Integer call() {
      PrintStream out = cli.out();
      Progress progress = cli.progress();
      Pipeline.check(data, protocol, methods, backend, spending, calls, cli.env(), Options.given(spec),
          Pipeline.Command.ESTIMATE);
      String name = backend.name();
      boolean simulated = name.equals("simulated");
      String model = Pipeline.modelName(backend);
      Pipeline.Prepared prepared = Pipeline.prepare(data, protocol, progress, out);
      Options.Backend dry = new Options.Backend();
      dry.backend = "simulated";
      Options.Spending none = new Options.Spending();
      Pipeline.Llm sim = Pipeline.llm(dry, calls, Map.of(), prepared, null, null, null);
      List<Method> list = Pipeline.methods(methods, none, calls, prepared, progress, s -> { });
      Experiment experiment = Pipeline.experiment(prepared, sim, list, protocol, calls, progress);
      Map<String, OptionalLong> plan = experiment.plan();
      ExperimentResult dryRun = experiment.run();
      progress.finish();
      PriceTable prices = PriceTable.defaults();
      var price = simulated ? java.util.Optional.<PriceTable.ModelPrice>empty() : prices.priceOf(model);
      out.printf("%nEstimate for %s (no LLM was called; input tokens from a dry run against the simulated LLM,"
          + " ~4 characters a token; output tokens at most each stage's cap):%n", simulated ? "the simulated LLM" : model);
      var batchPrice = simulated ? java.util.Optional.<PriceTable.ModelPrice>empty() : prices.batchPriceOf(model);
      out.printf("%-12s %14s %16s %18s %14s%s%n", "Method", "Calls (max)", "Input tokens", "Output tokens (max)",
          price.isPresent() ? "Cost USD (max)" : "Cost", batchPrice.isPresent() ? String.format("%18s", "With --batch-api") : "");
      double totalBatch = 0;
      long totalCalls = 0;
      long totalTokens = 0;
      double totalCost = 0;
      for (MethodResult m : dryRun.methods()) {
        long planned = plan.getOrDefault(m.name(), OptionalLong.empty()).orElse(m.calls());
        long dryCalls = Math.max(1, m.calls());
        double scale = m.calls() == 0 ? 0 : (double) planned / dryCalls;
        long input = Math.round(m.usage().total().inputTokens() * scale);
        long outputBound = 0;
        for (Map.Entry<Stage, StageUsage> e : m.usage().byStage().entrySet()) {
          outputBound += Math.round(e.getValue().calls() * scale) * OUTPUT_CAPS.getOrDefault(e.getKey(), 1000);
        }
        String cost = "-";
        if (price.isPresent()) {
          double c = price.get().cost(new dev.agp.llm.TokenUsage(input, outputBound)).doubleValue();
          totalCost += c;
          cost = String.format(Locale.ROOT, "%.4f", c);
        } else if (!simulated) {
          cost = "unpriced";
        }
        totalCalls += planned;
        totalTokens += input + outputBound;
        String batch = "";
        if (batchPrice.isPresent() && price.isPresent()) {
          // training stays on the normal endpoint; the test phase goes through batches
          double testShare = m.usage().total().totalTokens() == 0 ? 0
              : (double) m.testUsage().total().totalTokens() / m.usage().total().totalTokens();
          dev.agp.llm.TokenUsage all = new dev.agp.llm.TokenUsage(input, outputBound);
          double b = (1 - testShare) * price.get().cost(all).doubleValue() + testShare * batchPrice.get().cost(all).doubleValue();
          totalBatch += b;
          batch = String.format(Locale.ROOT, "%18.4f", b);
        }
        out.printf(Locale.ROOT, "%-12s %,14d %,16d %,18d %14s%s%n", m.name(), planned, input, outputBound, cost, batch);
      }
      out.printf(Locale.ROOT, "%-12s %,14d %16s %18s %14s%s%n", "Total", totalCalls, "", "",
          price.isPresent() ? String.format(Locale.ROOT, "%.4f", totalCost) : "-",
          batchPrice.isPresent() ? String.format(Locale.ROOT, "%18.4f", totalBatch) : "");
      if (price.isPresent()) {
        out.printf("Prices: %s at $%s / $%s per million input / output tokens, list prices as of %s.%n", model,
            price.get().inputPerMillion().toPlainString(), price.get().outputPerMillion().toPlainString(), prices.asOf());
        batchPrice.ifPresent(b -> out.printf("Batch API: $%s / $%s per million input / output tokens; with --batch-api the "
            + "test phase pays it, training stays on the normal endpoint at list prices.%n",
            b.inputPerMillion().toPlainString(), b.outputPerMillion().toPlainString()));
      } else if (!simulated) {
        out.println("No list price is known for " + model + " (a local server costs nothing per token).");
      }
      if (spending.budgeted()) {
        budget(out, totalTokens, totalCost);
      }
      return AgpCli.SUCCESS;
    }

    private void budget(PrintStream out, long tokens, double usd) {
      Path folder = ExperimentRun.ledgerFolder(spending, null);
      SpendLedger.Totals earlier = folder == null ? SpendLedger.Totals.NONE
          : SpendLedger.open(folder, "estimate").earlier();
      String where = folder == null ? "no --checkpoint or --cache folder, so no spend ledger was read"
          : "spend ledger " + folder.resolve(SpendLedger.FILE_NAME);
      if (spending.budgetTokens != null) {
        long left = spending.budgetTokens - earlier.all().tokens();
        out.printf(Locale.ROOT, "Budget: %,d of --budget-tokens %,d already spent (%s); the plan needs at most %,d, "
            + "which %s the %,d left.%n", earlier.all().tokens(), spending.budgetTokens, where, tokens,
            tokens <= left ? "fits in" : "exceeds", Math.max(0, left));
      }
      if (spending.budgetUsd != null) {
        double left = spending.budgetUsd.subtract(earlier.all().usd()).doubleValue();
        out.printf(Locale.ROOT, "Budget: USD %.4f of --budget-usd %s already spent (%s); the plan costs at most USD %.4f, "
            + "which %s the USD %.4f left.%n", earlier.all().usd().doubleValue(), spending.budgetUsd.toPlainString(), where,
            usd, usd <= left ? "fits in" : "exceeds", Math.max(0, left));
      }
    }
  }

  /** Creates the output folder, or says why it cannot be one. */
  static void writable(Path output) {
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new UsageException("--output: " + output + " is a file, not a folder");
    }
    try {
      Files.createDirectories(output);
    } catch (java.io.IOException e) {
      throw new UsageException("--output: cannot create the folder " + output + " (" + e.getMessage() + ")");
    }
    if (!Files.isWritable(output)) {
      throw new UsageException("--output: cannot write to " + output);
    }
  }
}
