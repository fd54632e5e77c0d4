package dev.agp.examples;

import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.ExperimentStoppedException;
import dev.agp.eval.Method;
import dev.agp.eval.MethodResult;
import dev.agp.eval.report.ExperimentReport;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmResponseCache;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code agp run} or {@code agp demo}, as a user lives it: the spend ledger and what is left
 * of the budget, what a rerun resumes (checkpoints, cached answers), the experiment, the reports
 * (partial ones too), the table, what was paid, cached and repeated, and the exit code.
 */
final class ExperimentRun {

  private final AgpCli cli;
  private final PrintStream out;
  private final Options.Spending spending;
  private final Path output;
  private final @Nullable SpendLedger ledger;

  private ExperimentRun(AgpCli cli, Options.Spending spending, Path output, @Nullable SpendLedger ledger) {
    this.cli = cli;
    this.out = cli.out();
    this.spending = spending;
    this.output = output;
    this.ledger = ledger;
  }

  /** Where the spend ledger of a run lives: the checkpoint folder, else the cache, else the output folder. */
  static @Nullable Path ledgerFolder(Options.Spending s, @Nullable Path output) {
    return s.checkpoint != null ? s.checkpoint : s.cache != null ? s.cache : output;
  }

  /**
   * Runs the experiment the options describe.
   *
   * @param ledgered whether paid calls go to the spend ledger (not for the offline demo)
   * @return the exit code, {@link AgpCli#SUCCESS}
   * @throws CommandStop for a budget stop or a failed method, after the finished methods were written
   * @throws UsageException for a mistake in the options, before anything was spent
   */
  static int run(AgpCli cli, Options.Data data, Options.Protocol protocol, Options.Methods methods,
      Options.Backend backend, Options.Spending spending, Options.Calls calls, Path output, boolean ledgered) {
    return run(cli, data, protocol, methods, backend, spending, calls, output, ledgered, null);
  }

  /**
   * Runs the experiment, each method's test phase through the Batch API when {@code batch} says so.
   *
   * @param batch the options of {@code run --batch-api}, or null
   */
  static int run(AgpCli cli, Options.Data data, Options.Protocol protocol, Options.Methods methods,
      Options.Backend backend, Options.Spending spending, Options.Calls calls, Path output, boolean ledgered,
      BatchRouter.@Nullable Settings batch) {
    SpendLedger ledger = ledgered ? SpendLedger.open(ledgerFolder(spending, output), SpendLedger.newRunId()) : null;
    return new ExperimentRun(cli, spending, output, ledger).run(data, protocol, methods, backend, calls,
        batch != null && batch.enabled ? batch : null);
  }

  private int run(Options.Data data, Options.Protocol protocol, Options.Methods methods, Options.Backend backend,
      Options.Calls calls, BatchRouter.@Nullable Settings batch) {
    Progress progress = cli.progress();
    LlmBudget budget = budgetAtStart();
    LlmResponseCache cache = null;
    if (spending.cache != null) {
      cache = LlmResponseCache.onDisk(spending.cache);
      out.printf(Locale.ROOT, "Cache %s: %,d answers on disk; identical requests are answered from it and not paid again.%n",
          spending.cache, cache.size());
    }
    checkpointsAtStart(methods);
    Pipeline.Prepared prepared = Pipeline.prepare(data, protocol, progress, out);
    BatchRouter router = batch == null ? null : BatchRouter.open(batch, backend, calls, cli.env(), output, budget);
    Pipeline.Llm llm = Pipeline.llm(backend, calls, cli.env(), prepared, cache, budget, ledger,
        router == null ? java.util.function.UnaryOperator.identity() : router::over);
    List<Method> list = Pipeline.methods(methods, spending, calls, prepared, progress, out::println);
    if (router != null) {
      // every test user in flight at once (up to a bound on threads): one batch per method and round
      protocol.concurrency = Math.max(protocol.concurrency, Math.min(prepared.sets().test().size(), BatchRouter.MAX_TEST_THREADS));
    }
    Experiment experiment = Pipeline.experiment(prepared, llm, list, protocol, calls, progress,
        router == null ? null : router.switcher());
    out.println("LLM: " + llm.description() + (router == null ? "" : "; each method's test phase through the Batch API"));
    out.println(Pipeline.plan(experiment));
    ExperimentResult result;
    ExperimentStoppedException stopped = null;
    try {
      result = experiment.run();
      progress.finish();
    } catch (ExperimentStoppedException e) {
      progress.stop(e.budgetExhausted() ? "the budget ran out" : "failed");
      stopped = e;
      result = e.partial().orElseThrow(() -> e);
    } finally {
      if (ledger != null) {
        ledger.close();
      }
      if (router != null) {
        router.close();
      }
    }
    List<Path> files = ExperimentReport.write(result, output);
    List<String> summary = summary(llm, budget);
    appendToMarkdown(summary);
    out.println();
    if (stopped != null) {
      out.println("Partial results: the run stopped at " + stopped.method() + "; the methods below finished.");
    }
    out.print(ResultsTable.format(result));
    out.println("LLM: " + llm.description());
    fallbackNotes(result, llm.spending());
    result.method("AGP").map(m -> m.details().get("learned prompt"))
        .ifPresent(p -> out.println("AGP's learned prompt: " + p));
    summary.forEach(out::println);
    StringBuilder names = new StringBuilder();
    for (Path f : files) {
      names.append(names.length() == 0 ? "" : ", ").append(f.getFileName());
    }
    out.println("Reports in " + output.toAbsolutePath().normalize() + (stopped != null ? " (partial)" : "") + ": " + names);
    if (stopped != null) {
      throw stop(stopped);
    }
    for (MethodResult m : result.methods()) {
      if (!m.users().isEmpty() && m.fallbacks() == m.users().size()) {
        Spending.Counts c = llm.spending().counts().get(m.name());
        throw new CommandStop(AgpCli.FAILURE, m.name() + " failed: all " + m.users().size()
            + " test users fell back to the base order because every call failed"
            + (c != null && c.firstFailure != null ? ". First cause: " + c.firstFailure : ""));
      }
    }
    return AgpCli.SUCCESS;
  }

  // ---------------------------------------------------------------- before the run

  /** Says what earlier runs spent and what the budget leaves; refuses to start when nothing is left. */
  private @Nullable LlmBudget budgetAtStart() {
    SpendLedger.Totals earlier = ledger == null ? SpendLedger.Totals.NONE : ledger.earlier();
    if (ledger != null && !earlier.runs().isEmpty()) {
      out.printf(Locale.ROOT, "Spend ledger %s: %d earlier run%s paid for %,d calls, %s.%n", ledger.file(),
          earlier.runs().size(), earlier.runs().size() == 1 ? "" : "s", earlier.all().calls(), amount(earlier.all()));
    }
    if (ledger != null && ledger.skippedLines() > 0) {
      out.printf(Locale.ROOT, "Spend ledger %s: %d unreadable line(s) skipped (a run killed while writing leaves one).%n",
          ledger.file(), ledger.skippedLines());
    }
    if (!spending.budgeted()) {
      return null;
    }
    Optional<LlmBudget> left = Pipeline.remaining(spending, earlier);
    out.println("Budget: " + budgetLine(earlier.all()));
    if (left.isEmpty()) {
      throw new CommandStop(AgpCli.BUDGET_STOPPED, "the budget is already spent (" + budgetLine(earlier.all())
          + "); nothing was run. Raise " + (spending.budgetTokens != null ? "--budget-tokens" : "--budget-usd")
          + " to go on, or delete " + (ledger == null ? "the spend ledger" : ledger.file()) + " to start a new budget.");
    }
    return left.get();
  }

  private void checkpointsAtStart(Options.Methods methods) {
    if (spending.checkpoint == null) {
      return;
    }
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> e : Map.of("agp", "agp.json", "rpp", "rpp.json", "rpp+", "rpp-plus.json").entrySet()) {
      if (methods.chosen().contains(e.getKey()) && Files.exists(spending.checkpoint.resolve(e.getValue()))) {
        found.add(e.getValue());
      }
    }
    if (!found.isEmpty()) {
      java.util.Collections.sort(found);
      out.println("Checkpoint " + spending.checkpoint + ": " + String.join(", ", found)
          + " found; training resumes where it stopped when the settings are the same.");
    }
  }

  // ---------------------------------------------------------------- after the run

  private String budgetLine(SpendLedger.Sum spent) {
    List<String> parts = new ArrayList<>();
    if (spending.budgetTokens != null) {
      parts.add(String.format(Locale.ROOT, "%,d of --budget-tokens %,d spent, %,d left", spent.tokens(), spending.budgetTokens,
          Math.max(0, spending.budgetTokens - spent.tokens())));
    }
    if (spending.budgetUsd != null) {
      parts.add("USD " + usd(spent.usd()) + " of --budget-usd " + spending.budgetUsd.toPlainString() + " spent, USD "
          + usd(spending.budgetUsd.subtract(spent.usd()).max(BigDecimal.ZERO)) + " left");
    }
    return String.join("; ", parts);
  }

  /** What this run paid, cached, failed and repeated; the ledger's totals; the budget. */
  private List<String> summary(Pipeline.Llm llm, @Nullable LlmBudget budget) {
    List<String> lines = new ArrayList<>();
    Spending.Counts now = llm.spending().total();
    String paid = llm.simulated() ? "calls answered by the simulated LLM" : "paid calls";
    lines.add(String.format(Locale.ROOT,
        "This run: %,d %s (%s), %,d answered from the cache, %,d failed; %,d %s repeated a request already made%s.",
        now.paid.calls(), paid, amount(now.paid), now.cached, now.failed, now.paid.repeated(),
        llm.simulated() ? "calls" : "paid calls",
        now.paid.repeated() > 0 && spending.cache == null && !llm.simulated() ? " (--cache DIR answers those for free)" : ""));
    if (now.paid.estimated() > 0) {
      lines.add(String.format(Locale.ROOT, "  %,d answers reported no token usage: their tokens are estimated.",
          now.paid.estimated()));
    }
    if (ledger != null) {
      SpendLedger.Totals all = ledger.total();
      if (all.runs().isEmpty()) {
        lines.add("Spend ledger " + ledger.file() + ": no paid call so far.");
      } else {
        List<String> byMethod = new ArrayList<>();
        all.byMethod().forEach((m, s) -> byMethod.add((m.isEmpty() ? "outside a method" : m) + " "
            + String.format(Locale.ROOT, "%,d", s.calls())));
        lines.add(String.format(Locale.ROOT, "All %d run%s in the spend ledger %s: %,d paid calls (%s); calls by method: %s.",
            all.runs().size(), all.runs().size() == 1 ? "" : "s", ledger.file(), all.all().calls(), amount(all.all()),
            String.join(", ", byMethod)));
      }
      if (spending.budgeted()) {
        lines.add("Budget: " + budgetLine(all.all()) + ".");
      }
    }
    return lines;
  }

  private void fallbackNotes(ExperimentResult result, Spending spending) {
    for (MethodResult m : result.methods()) {
      if (m.fallbacks() > 0) {
        Spending.Counts c = spending.counts().get(m.name());
        out.printf(Locale.ROOT, "%s: %d of %d test users scored with the base order because their calls failed%s%n",
            m.name(), m.fallbacks(), m.users().size(),
            c != null && c.firstFailure != null ? "; first cause: " + c.firstFailure : "");
      }
    }
  }

  private CommandStop stop(ExperimentStoppedException e) {
    String where = "The methods that finished are in " + output + ", marked partial";
    if (e.budgetExhausted()) {
      List<String> tips = new ArrayList<>();
      if (spending.cache == null) {
        tips.add("--cache DIR keeps answers so that a rerun does not pay for them again");
      }
      if (spending.checkpoint == null) {
        tips.add("--checkpoint DIR keeps finished training batches");
      }
      SpendLedger.Sum spent = ledger == null ? SpendLedger.Sum.ZERO : ledger.total().all();
      return new CommandStop(AgpCli.BUDGET_STOPPED, "stopped by the budget: " + e.method() + "'s next call could exceed it ("
          + budgetLine(spent) + "). " + where + ". Rerun with a larger budget to go on"
          + (tips.isEmpty() ? "." : "; " + String.join("; ", tips) + "."));
    }
    String why = CliMessages.describe(e);
    String prefix = "method " + e.method();
    if (why.startsWith(prefix)) {
      why = why.substring(prefix.length()).replaceFirst("^[: ]+", "");
    }
    return new CommandStop(AgpCli.FAILURE, e.method() + " failed: " + why + (why.endsWith(".") ? " " : ". ") + where + ".");
  }

  private void appendToMarkdown(List<String> summary) {
    Path md = output.resolve(ExperimentReport.MARKDOWN);
    StringBuilder sb = new StringBuilder("\n## Spending\n\n");
    for (String line : summary) {
      sb.append("- ").append(line.strip()).append('\n');
    }
    try {
      Files.writeString(md, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + md + ": " + e.getMessage(), e);
    }
  }

  private static String amount(SpendLedger.Sum s) {
    String tokens = String.format(Locale.ROOT, "%,d tokens", s.tokens());
    return s.usd().signum() == 0 ? tokens : tokens + ", USD " + usd(s.usd());
  }

  private static String usd(BigDecimal v) {
    return v.setScale(4, RoundingMode.HALF_UP).toPlainString();
  }
}
