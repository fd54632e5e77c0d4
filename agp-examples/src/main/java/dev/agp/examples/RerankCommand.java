package dev.agp.examples;

import dev.agp.CaseReranker;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.langchain4j.BatchApiException;
import dev.agp.langchain4j.OpenAiBatch;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code agp rerank}: a saved model over a file of cases, streamed, in order, resumable. */
@Command(name = "rerank", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
    description = {
        "Reranks every user of a cases file with a model saved by `agp fit`.",
        "",
        "Input (--input): JSON lines {\"user\":\"u1\",\"history\":[...],\"candidates\":[...]} with items as ids or "
            + "{\"id\",\"title\",\"attributes\"} objects, or TSV user<TAB>history ids<TAB>candidate ids (comma-separated); "
            + "titles of bare ids from --titles. Gzipped or not.",
        "Output (--output): one JSON line per input record, in input order: {\"line\",\"input_checksum\",\"user\","
            + "\"ranking\",\"fallback\",\"repair\"}, or {\"line\",\"input_checksum\",\"user\",\"error\"} for a line that "
            + "could not be read. Memory stays flat however many users the file holds.",
        "A rerun with the same --output resumes after the last record written, after checking every written record "
            + "against its input line's checksum. --batch-api sends the calls through OpenAI's Batch API at half the price.",
        ""})
final class RerankCommand implements Callable<Integer> {

  @ParentCommand AgpCli cli;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "The model written by `agp fit`.")
  Path modelFile;

  @Option(names = "--input", paramLabel = "FILE", required = true, description = "The cases to rerank.")
  Path input;

  @Option(names = "--titles", paramLabel = "FILE", description = "Titles of items given as bare ids: id<TAB>title lines or JSON lines {\"id\",\"title\"}.")
  @Nullable Path items;

  @Option(names = "--output", paramLabel = "FILE", required = true, description = "Where the rankings go (JSON lines); an existing file is resumed.")
  Path output;

  @Option(names = "--concurrency", paramLabel = "N", description = "Users reranked at once. Default: ${DEFAULT-VALUE}.")
  int concurrency = 16;

  @Option(names = "--window", paramLabel = "N",
      description = "Users held in memory at once, waiting to be written in order (default: 8 x --concurrency).")
  @Nullable Integer window;

  @Option(names = "--max-fallback-rate", paramLabel = "RATE",
      description = "Fail the run when more than this share of the last --fallback-window users fell back to the base "
          + "order (the LLM looks down). Default: ${DEFAULT-VALUE}.")
  double maxFallbackRate = 0.5;

  @Option(names = "--fallback-window", paramLabel = "N", description = "Users the fallback rate is measured over. Default: ${DEFAULT-VALUE}.")
  int fallbackWindow = 100;

  @Mixin Options.Backend backend = new Options.Backend();
  @Mixin ServingLlm.Serving serving = new ServingLlm.Serving();

  @Option(names = "--timeout-seconds", paramLabel = "N", description = "Per-call timeout. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds = 60;

  @Spec CommandSpec spec;

  @Option(names = "--batch-api", description = "Send the calls through the Batch API (/v1/files, /v1/batches) at the batch price.")
  boolean batchApi;

  @Option(names = "--batch-dir", paramLabel = "DIR", description = "The batch journal (default: the output file's name + .batches).")
  @Nullable Path batchDir;

  @Option(names = "--batch-users", paramLabel = "N",
      description = "Users per batch window: their calls of each round go into one submission. Default: ${DEFAULT-VALUE}.")
  int batchUsers = 20_000;

  @Option(names = "--batch-failures", paramLabel = "POLICY",
      description = "Requests a batch failed or left expired: retry (through the normal endpoint) or report (the user "
          + "falls back to the base order). Default: ${DEFAULT-VALUE}.")
  String batchFailures = "retry";

  @Option(names = "--batch-poll-seconds", paramLabel = "S",
      description = "First wait between polls of a batch; it grows by half up to 2 minutes. Default: ${DEFAULT-VALUE}.")
  double batchPollSeconds = 5;

  @Override
  public Integer call() {
    PrintStream out = cli.out();
    check();
    Models.Saved saved = Models.read(modelFile);
    CaseFiles.ItemTitles titles = items == null ? CaseFiles.ItemTitles.empty() : CaseFiles.ItemTitles.read(items, "--titles");
    Options.Calls calls = calls();
    // a budget counts every rerun of this output: the spend ledger lives next to it (memory: ~100 bytes a paid call)
    SpendLedger ledger = null;
    dev.agp.llm.LlmBudget budget = null;
    if (serving.budgetTokens != null || serving.budgetUsd != null) {
      SpendLedger l = SpendLedger.open(ledgerFolder(), SpendLedger.newRunId());
      ledger = l;
      budget = Pipeline.remaining(serving.spending(), l.earlier()).orElseThrow(() -> new CommandStop(AgpCli.BUDGET_STOPPED,
          "the budget is already spent by earlier runs (spend ledger " + l.file() + "); nothing was run. Raise the budget"
              + " to go on."));
    }
    ServingLlm llm = ServingLlm.of(backend, calls, serving, cli.env(), ServingLlm::sampleCatalogue, saved.domain(), budget, ledger);
    long total = CaseFiles.countRecords(input);
    long done = RerankOutput.resume(input, output);
    out.printf(Locale.ROOT, "agp rerank: %s model %s over %s (%,d users)%s%n", saved.rpp() ? "RPP" : "AGP", modelFile,
        input, total, done > 0 ? String.format(Locale.ROOT, "; resuming after %,d already in %s", done, output) : "");
    out.println("LLM: " + llm.description() + (batchApi ? ", through the Batch API" : ""));
    long remaining = Math.max(0, total - done);
    long planned = remaining * saved.callsPerUser();
    out.printf(Locale.ROOT, "Planned LLM calls: at most %,d (%d per user)%s%n", planned, saved.callsPerUser(),
        llm.simulated() ? "" : ", priced at " + (batchApi ? "the batch price" : "the list price") + " as answers arrive");
    Writer writer = new Writer(output, done, fallbackWindow, maxFallbackRate, llm, cli, total);
    Outcome end;
    long untitled;
    try (writer; CaseFiles.Reader reader = CaseFiles.open(input, titles)) {
      if (!reader.skip(done)) {
        throw new IllegalStateException("the input has fewer records than the output");
      }
      end = batchApi ? batched(reader, saved, llm, writer) : streamed(reader, saved, llm, writer);
      writer.finish();
      writer.rethrow();
      untitled = reader.untitledItems();
    } finally {
      if (ledger != null) {
        ledger.close();
      }
    }
    out.println(writer.summary());
    if (untitled > 0) {
      out.printf(Locale.ROOT, "Note: %,d items given as bare ids had no title%s; the LLM saw their ids instead.%n", untitled,
          items == null ? " (no --titles file)" : " in --titles");
    }
    return switch (end) {
      case DONE -> AgpCli.SUCCESS;
      case BUDGET -> throw new CommandStop(AgpCli.BUDGET_STOPPED, "stopped by the budget: the next user's calls could "
          + "exceed it. Every user before it is in " + output + "; rerun with a larger budget to continue after them.");
      case FALLBACKS -> throw new CommandStop(AgpCli.FAILURE, writer.fallbackMessage());
    };
  }

  private void check() {
    Pipeline.existing("--input", input);
    Pipeline.positive("--concurrency", concurrency);
    if (window != null) {
      Pipeline.positive("--window", window);
    }
    Pipeline.positive("--fallback-window", fallbackWindow);
    Pipeline.positive("--batch-users", batchUsers);
    if (!(batchPollSeconds > 0 && batchPollSeconds <= 3600)) {
      throw new UsageException("--batch-poll-seconds must be in (0, 3600] but was " + batchPollSeconds);
    }
    if (!(maxFallbackRate >= 0 && maxFallbackRate <= 1)) {
      throw new UsageException("--max-fallback-rate must be in [0, 1] but was " + maxFallbackRate);
    }
    if (!batchFailures.equals("retry") && !batchFailures.equals("report")) {
      throw new UsageException("--batch-failures: unknown policy '" + batchFailures + "' (retry, report)");
    }
    if (items != null) {
      Pipeline.existing("--titles", items);
    }
    if (output.toAbsolutePath().getParent() != null && !Files.isDirectory(output.toAbsolutePath().getParent())) {
      throw new UsageException("--output: no such directory: " + output.toAbsolutePath().getParent());
    }
    ServingLlm.check(backend, serving.spending(), calls(), serving, cli.env(), Options.given(spec));
    if (batchApi && (backend.backend.equalsIgnoreCase("simulated") || backend.backend.equalsIgnoreCase("deepseek"))) {
      throw new UsageException("--batch-api: the " + backend.backend + " backend has no Batch API; use openai or a "
          + "compatible server that implements /v1/files and /v1/batches");
    }
  }

  private Options.Calls calls() {
    Options.Calls c = new Options.Calls();
    c.timeoutSeconds = timeoutSeconds;
    return c;
  }

  private Path ledgerFolder() {
    if (serving.cache != null) {
      return serving.cache;
    }
    Path folder = output.toAbsolutePath().resolveSibling(output.getFileName() + ".spend");
    try {
      java.nio.file.Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UsageException("--output: cannot create " + folder + " for the spend ledger (" + e.getMessage() + ")");
    }
    return folder;
  }

  /** How a run ended. */
  enum Outcome { DONE, BUDGET, FALLBACKS }

  // ---------------------------------------------------------------- the normal endpoint

  private Outcome streamed(CaseFiles.Reader reader, Models.Saved saved, ServingLlm llm, Writer writer) {
    BudgetWatch watch = new BudgetWatch(llm.direct());
    CaseReranker model = saved.bind().apply(watch);
    int slots = window != null ? window : 8 * concurrency;
    Semaphore permits = new Semaphore(slots);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "agp-rerank");
      t.setDaemon(true);
      return t;
    });
    long seq = writer.firstSeq();
    try {
      while (!writer.stopped() && reader.hasNext()) {
        permits.acquire();
        CaseFiles.Record rec = reader.next();
        long mine = seq++;
        if (rec.user() == null) {
          writer.complete(mine, Result.error(rec, rec.error()), permits);
          continue;
        }
        pool.execute(() -> {
          Result r;
          try {
            r = rerankOne(model, watch, rec);
          } catch (RuntimeException | Error e) {
            r = Result.error(rec, "cannot rerank: " + CaseFiles.message(e));
          }
          writer.complete(mine, r, permits);
        });
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        writer.tick();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    return writer.outcome();
  }

  private static Result rerankOne(CaseReranker model, BudgetWatch watch, CaseFiles.Record rec) {
    watch.reset();
    try {
      Ranking r = model.rerank(rec.user());
      if (watch.refused()) {
        return Result.budget(rec);
      }
      return Result.ranked(rec, r);
    } catch (LlmBudgetExceededException e) {
      return Result.budget(rec);
    } catch (LlmException e) {
      return Result.ranked(rec, Ranking.fallback(rec.user()));
    } catch (RuntimeException e) {
      return Result.error(rec, "cannot rerank: " + CaseFiles.message(e));
    }
  }

  // ---------------------------------------------------------------- the Batch API

  private Outcome batched(CaseFiles.Reader reader, Models.Saved saved, ServingLlm llm, Writer writer) {
    Path dir = batchDir != null ? batchDir : output.resolveSibling(output.getFileName() + ".batches");
    PrintStream err = cli.err();
    OpenAiBatch.Listener listener = new OpenAiBatch.Listener() {
      @Override public void onSubmitted(String id, int requests) {
        err.printf(Locale.ROOT, "batch %s submitted: %,d requests%n", id, requests);
      }

      @Override public void onReattached(String id, int requests) {
        err.printf(Locale.ROOT, "batch %s re-attached: %,d requests already submitted%n", id, requests);
      }

      @Override public void onStatus(String id, String status, long completed, long failed, long totalRequests) {
        writer.batchStatus(id + " " + status + " " + completed + "/" + totalRequests);
      }

      @Override public void onCollected(String id, String status, int answered, int failedRequests) {
        err.printf(Locale.ROOT, "batch %s %s: %,d answered, %,d failed%n", id, status, answered, failedRequests);
      }
    };
    try (OpenAiBatch batch = llm.batch(dir).listener(listener)
        .pollInterval(java.time.Duration.ofMillis(Math.round(batchPollSeconds * 1000)),
            java.time.Duration.ofMillis(Math.round(Math.max(batchPollSeconds, 120) * 1000)))
        .build()) {
      BatchRounds rounds = new BatchRounds(batch, llm, saved.bind(), batchFailures.equals("retry"), concurrency);
      long seq = writer.firstSeq();
      while (!writer.stopped() && reader.hasNext()) {
        List<CaseFiles.Record> chunk = new ArrayList<>();
        while (chunk.size() < batchUsers && reader.hasNext()) {
          chunk.add(reader.next());
        }
        List<UserCase> users = new ArrayList<>();
        for (CaseFiles.Record r : chunk) {
          if (r.user() != null) {
            users.add(r.user());
          }
        }
        BatchRounds.Window w = rounds.rerank(users);
        int u = 0;
        Semaphore unbounded = new Semaphore(0);
        for (CaseFiles.Record r : chunk) {
          Result res;
          if (r.user() == null) {
            res = Result.error(r, r.error());
          } else {
            BatchRounds.UserResult ur = w.results().get(u++);
            res = switch (ur.kind()) {
              case RANKED -> Result.ranked(r, ur.ranking());
              case BUDGET -> Result.budget(r);
              case ERROR -> Result.error(r, ur.error());
            };
          }
          writer.complete(seq++, res, unbounded);
        }
        if (!writer.stopped()) {
          batch.retire(w.batchIds());
        }
      }
    } catch (BatchApiException e) {
      throw new IllegalStateException("batch API: " + e.getMessage()
          + " (the batches are journalled in " + dir + ": run the same command again to re-attach)", e);
    }
    return writer.outcome();
  }

  // ---------------------------------------------------------------- results, written in order

  /** One record's result. */
  record Result(CaseFiles.Record record, @Nullable Ranking ranking, String error, boolean budget) {
    static Result ranked(CaseFiles.Record r, Ranking ranking) {
      return new Result(r, ranking, "", false);
    }

    static Result error(CaseFiles.Record r, String error) {
      return new Result(r, null, error, false);
    }

    static Result budget(CaseFiles.Record r) {
      return new Result(r, null, "", true);
    }
  }

  /** Marks, per thread, a call the budget refused (the model turns it into a fallback). */
  static final class BudgetWatch implements LlmClient {
    private final LlmClient delegate;
    private final ThreadLocal<boolean[]> refused = ThreadLocal.withInitial(() -> new boolean[1]);

    BudgetWatch(LlmClient delegate) {
      this.delegate = delegate;
    }

    void reset() {
      refused.get()[0] = false;
    }

    boolean refused() {
      return refused.get()[0];
    }

    @Override
    public dev.agp.llm.LlmResponse complete(dev.agp.llm.LlmRequest request) {
      try {
        return delegate.complete(request);
      } catch (LlmBudgetExceededException e) {
        refused.get()[0] = true;
        throw e;
      }
    }
  }

  /**
   * Writes results in input order as they complete, releasing a window slot per record written;
   * stops at the first user the budget refused, or when too many of the last users fell back.
   */
  static final class Writer implements AutoCloseable {
    private final BufferedWriter out;
    private final ConcurrentHashMap<Long, Result> done = new ConcurrentHashMap<>();
    private final Deque<Boolean> recent = new ArrayDeque<>();
    private final int fallbackWindow;
    private final double maxRate;
    private final ServingLlm llm;
    private final RerankProgress progress;
    private final long first;
    private long next;
    private int recentFallbacks;
    private long fallbacks;
    private long errors;
    private long written;
    private long ranked;
    private final AtomicInteger stop = new AtomicInteger(); // 0 running, 1 budget, 2 fallbacks, 3 output failed
    private final AtomicReference<IOException> fatal = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>("");

    Writer(Path file, long already, int fallbackWindow, double maxRate, ServingLlm llm, AgpCli cli, long total) {
      try {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UsageException("--output: cannot write " + file + " (" + e.getMessage() + ")");
      }
      this.first = already;
      this.next = already;
      this.fallbackWindow = fallbackWindow;
      this.maxRate = maxRate;
      this.llm = llm;
      this.progress = new RerankProgress(cli, total, already, llm);
    }

    long firstSeq() {
      return first;
    }

    boolean stopped() {
      return stop.get() != 0;
    }

    Outcome outcome() {
      return switch (stop.get()) {
        case 1 -> Outcome.BUDGET;
        case 2 -> Outcome.FALLBACKS;
        default -> Outcome.DONE;
      };
    }

    void tick() {
      progress.update(written, fallbacks, "");
    }

    void batchStatus(String status) {
      progress.update(written, fallbacks, status);
    }

    /** Never throws: a failure to write stops the run and is reported by {@link #rethrow()}. */
    void complete(long seq, Result r, Semaphore permits) {
      done.put(seq, r);
      synchronized (this) {
        Result x;
        while ((x = done.remove(next)) != null) {
          next++;
          permits.release();
          if (stop.get() != 0) {
            continue; // after a stop nothing more is written
          }
          try {
            write(x);
          } catch (IOException e) {
            fail(e);
          }
        }
        try {
          out.flush();
        } catch (IOException e) {
          fail(e);
        }
      }
      progress.update(written, fallbacks, "");
    }

    private void fail(IOException e) {
      if (fatal.compareAndSet(null, e)) {
        stop.set(3);
      }
    }

    /** Throws what stopped the output from being written, if anything did. */
    void rethrow() {
      IOException e = fatal.get();
      if (e != null) {
        throw new UncheckedIOException("cannot write the output (" + e.getMessage() + "); the records before it are kept:"
            + " rerun to continue", e);
      }
    }

    private void write(Result x) throws IOException {
      if (x.budget()) {
        stop.set(1);
        return;
      }
      String line;
      if (x.ranking() != null) {
        boolean fb = x.ranking().fallback();
        line = RerankOutput.ranking(x.record(), x.ranking());
        if (fb) {
          fallbacks++;
        }
        recent.addLast(fb);
        recentFallbacks += fb ? 1 : 0;
        if (recent.size() > fallbackWindow) {
          recentFallbacks -= recent.removeFirst() ? 1 : 0;
        }
      } else {
        errors++;
        lastError.set("line " + x.record().line() + ": " + x.error());
        line = RerankOutput.error(x.record(), x.error());
      }
      out.write(line);
      out.write('\n');
      written++;
      if (x.ranking() != null) {
        ranked++;
      }
      if (recent.size() >= Math.min(fallbackWindow, 20) && recentFallbacks > maxRate * recent.size()) {
        stop.set(2);
      }
    }

    String fallbackMessage() {
      return String.format(Locale.ROOT, "%d of the last %d users fell back to the base order (more than --max-fallback-rate"
          + " %.2f): the LLM looks down; %,d records written, rerun to continue after them", recentFallbacks, recent.size(),
          maxRate, written);
    }

    void finish() {
      progress.finish(written, fallbacks);
    }

    String summary() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Reranked %,d users this run (%,d records in the output)",
          ranked, first + written));
      sb.append(String.format(Locale.ROOT, "; %,d fell back to the base order; %,d lines could not be reranked", fallbacks, errors));
      if (errors > 0) {
        sb.append(" (last: ").append(lastError.get()).append(')');
      }
      var usage = llm.meter.snapshot().total();
      sb.append(String.format(Locale.ROOT, ". LLM: %,d calls, %,d cache hits, %,d tokens", usage.calls(), usage.cacheHits(),
          usage.totalTokens()));
      if (llm.priced()) {
        sb.append(String.format(Locale.ROOT, ", $%s at list prices%s", llm.spent().setScale(4, java.math.RoundingMode.HALF_UP).toPlainString(),
            llm.prices.batchPriceOf(llm.model).isPresent() ? " (batch answers at the batch price)" : ""));
      }
      return sb.append('.').toString();
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the output: " + e.getMessage(), e);
      }
    }
  }
}
