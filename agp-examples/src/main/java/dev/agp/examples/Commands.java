package dev.agp.examples;

import dev.agp.AgpOptimizer;
import dev.agp.LlmRerankers;
import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.Method;
import dev.agp.eval.MethodResult;
import dev.agp.eval.report.ExperimentReport;
import dev.agp.langchain4j.LlmBackends;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

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
    @Mixin Options.Protocol protocol = demoProtocol();
    @Mixin Options.Methods methods = demoMethods();


    @Option(names = "--base-epochs", paramLabel = "N", description = "Maximum LightGCN epochs (default: LightGCN's).")
    Integer baseEpochs;

    @Option(names = "--output", paramLabel = "DIR", description = "Where reports go. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of("agp-demo");

    private static Options.Methods demoMethods() {
      Options.Methods m = new Options.Methods();
      m.methods = new java.util.ArrayList<>(List.of("llm-dir", "llm-cot", "agp-untrained", "agp", "agp-permuted", "rpp"));
      return m;
    }

    private static Options.Protocol demoProtocol() {
      Options.Protocol p = new Options.Protocol();
      p.candidateMode = "window";
      return p;
    }

    @Override
    public Integer call() {
      Options.Data data = new Options.Data();
      data.baseEpochs = baseEpochs;
      Options.Backend backend = new Options.Backend();
      backend.backend = "simulated";
      cli.out().println("agp demo, offline. The LLM is a " + SimulatedLlm.NOTICE + ".");
      return experiment(cli, data, protocol, methods, backend, output);
    }
  }

  @Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
      description = {
          "Runs the protocol on your data with a real LLM backend.",
          "",
          "Load -> leave-one-out -> base model -> candidates -> the chosen methods on the same users -> a table "
              + "here, and reports with charts in the output folder. Before the first call it prints how many calls "
              + "each method will make at most.",
          "",
          "Keys come from the environment: OPENAI_API_KEY, DEEPSEEK_API_KEY, or AGP_API_KEY for --backend "
              + "compatible. They are never printed, logged or written.",
          ""})
  static final class Run implements Callable<Integer> {
    @ParentCommand AgpCli cli;
    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Protocol protocol = new Options.Protocol();
    @Mixin Options.Methods methods = new Options.Methods();
    @Mixin Options.Backend backend = new Options.Backend();

    @Option(names = "--output", paramLabel = "DIR", description = "Where reports go. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of("agp-results");

    @Override
    public Integer call() {
      return experiment(cli, data, protocol, methods, backend, output);
    }
  }

  @Command(name = "estimate", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
      description = {
          "Says what `agp run` with the same options would spend, without spending anything.",
          "",
          "The planned LLM calls per method (an upper bound), input tokens measured by a dry run against the "
              + "simulated LLM (no network, no key needed), output tokens bounded by each stage's cap, and the cost "
              + "at the model's list prices.",
          ""})
  static final class Estimate implements Callable<Integer> {
    @ParentCommand AgpCli cli;
    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Protocol protocol = new Options.Protocol();
    @Mixin Options.Methods methods = new Options.Methods();
    @Mixin Options.Backend backend = new Options.Backend();

    @Override
    public Integer call() {
      PrintStream out = cli.out();
      Progress progress = cli.progress();
      Pipeline.check(data, protocol, methods, backend, cli.env(), false);
      String name = backend.backend.toLowerCase(Locale.ROOT);
      String model = backend.model != null ? backend.model
          : name.equals("deepseek") ? LlmBackends.DEFAULT_DEEPSEEK_MODEL : name.equals("openai") ? LlmBackends.DEFAULT_OPENAI_MODEL
          : name;
      Pipeline.Prepared prepared = Pipeline.prepare(data, protocol, progress, out);
      Options.Backend dry = new Options.Backend();
      dry.backend = "simulated";
      Pipeline.Llm sim = Pipeline.llm(dry, Map.of(), prepared);
      List<Method> list = Pipeline.methods(methods, dry, prepared, progress);
      Experiment experiment = Pipeline.experiment(prepared, sim, list, protocol, progress);
      Map<String, OptionalLong> plan = experiment.plan();
      ExperimentResult dryRun = experiment.run();
      PriceTable prices = PriceTable.defaults();
      var price = name.equals("simulated") ? java.util.Optional.<PriceTable.ModelPrice>empty() : prices.priceOf(model);
      out.printf("%nEstimate for %s (no LLM was called; input tokens from a dry run against the simulated LLM,"
          + " ~4 characters a token; output tokens at most each stage's cap):%n", name.equals("simulated") ? "the simulated LLM" : model);
      out.printf("%-12s %14s %16s %18s %14s%n", "Method", "Calls (max)", "Input tokens", "Output tokens (max)",
          price.isPresent() ? "Cost USD (max)" : "Cost");
      long totalCalls = 0;
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
        } else if (!name.equals("simulated")) {
          cost = "unpriced";
        }
        totalCalls += planned;
        out.printf(Locale.ROOT, "%-12s %,14d %,16d %,18d %14s%n", m.name(), planned, input, outputBound, cost);
      }
      out.printf(Locale.ROOT, "%-12s %,14d %16s %18s %14s%n", "Total", totalCalls, "", "",
          price.isPresent() ? String.format(Locale.ROOT, "%.4f", totalCost) : "-");
      if (price.isPresent()) {
        out.printf("Prices: %s at $%s / $%s per million input / output tokens, list prices as of %s.%n", model,
            price.get().inputPerMillion().toPlainString(), price.get().outputPerMillion().toPlainString(), prices.asOf());
      } else if (!name.equals("simulated")) {
        out.println("No list price is known for " + model + " (a local server costs nothing per token).");
      }
      return 0;
    }
  }

  /** Runs an experiment, prints the table and writes the reports. */
  static int experiment(AgpCli cli, Options.Data data, Options.Protocol protocol, Options.Methods methods,
      Options.Backend backend, Path output) {
    PrintStream out = cli.out();
    Progress progress = cli.progress();
    Pipeline.check(data, protocol, methods, backend, cli.env(), true);
    writable(output);
    Pipeline.Prepared prepared = Pipeline.prepare(data, protocol, progress, out);
    Pipeline.Llm llm = Pipeline.llm(backend, cli.env(), prepared);
    List<Method> list = Pipeline.methods(methods, backend, prepared, progress);
    Experiment experiment = Pipeline.experiment(prepared, llm, list, protocol, progress);
    out.println("LLM: " + llm.description());
    out.println(Pipeline.plan(experiment));
    ExperimentResult result = experiment.run();
    progress.finish();
    List<Path> files = ExperimentReport.write(result, output);
    out.println();
    out.print(ResultsTable.format(result));
    out.println("LLM: " + llm.description());
    result.method("AGP").map(m -> m.details().get("learned prompt"))
        .ifPresent(p -> out.println("AGP's learned prompt: " + p));
    StringBuilder names = new StringBuilder();
    for (Path f : files) {
      names.append(names.length() == 0 ? "" : ", ").append(f.getFileName());
    }
    out.println("Reports in " + output.toAbsolutePath().normalize() + ": " + names);
    return 0;
  }

  private static void writable(Path output) {
    try {
      Files.createDirectories(output);
    } catch (java.io.IOException e) {
      throw new UsageException("--output: cannot create " + output + " (" + e.getMessage() + ")");
    }
    if (!Files.isWritable(output)) {
      throw new UsageException("--output: cannot write to " + output);
    }
  }
}
