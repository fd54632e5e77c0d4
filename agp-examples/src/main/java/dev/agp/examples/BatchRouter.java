package dev.agp.examples;

import dev.agp.eval.ExperimentListener;
import dev.agp.eval.MethodResult;
import dev.agp.langchain4j.OpenAiBatch;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code agp run --batch-api}: training calls go to the normal endpoint; each method's test phase
 * goes through the Batch API ({@link BatchCollector}), switched by the experiment's listener. One
 * response cache and one budget serve both paths, so a batch answer is cached and charged once,
 * at the batch price.
 */
final class BatchRouter implements AutoCloseable {

  /** The options of {@code run --batch-api}. */
  static final class Settings {
    @Option(names = "--batch-api", description = "Send each method's test-phase calls through the Batch API at the batch price.")
    boolean enabled;

    @Option(names = "--batch-dir", paramLabel = "DIR", description = "The batch journal (default: the output folder's batches/).")
    Path dir;

    @Option(names = "--batch-poll-seconds", paramLabel = "S", description = "First wait between polls of a batch. Default: ${DEFAULT-VALUE}.")
    double pollSeconds = 5;

    @Option(names = "--batch-failures", paramLabel = "POLICY",
        description = "Requests a batch failed or left expired: retry (normal endpoint) or report (fallback). Default: ${DEFAULT-VALUE}.")
    String failures = "retry";
  }

  /** Test users in flight at once in batch mode (one thread each, waiting for its batch). */
  static final int MAX_TEST_THREADS = 2000;

  private final BatchCollector collector;
  private final OpenAiBatch batch;
  private final LlmClient batched;
  private volatile boolean testing;

  private BatchRouter(BatchCollector collector, OpenAiBatch batch, LlmClient batched) {
    this.collector = collector;
    this.batch = batch;
    this.batched = batched;
  }

  /**
   * Checks the batch options before any work.
   *
   * @throws UsageException for a backend without a Batch API or a bad option
   */
  static void check(Settings s, Options.Backend backend) {
    if (!(s.pollSeconds > 0 && s.pollSeconds <= 3600)) {
      throw new UsageException("--batch-poll-seconds must be in (0, 3600] but was " + s.pollSeconds);
    }
    if (!s.failures.equals("retry") && !s.failures.equals("report")) {
      throw new UsageException("--batch-failures: unknown policy '" + s.failures + "' (retry, report)");
    }
    String name = backend.name();
    if (name.equals("simulated") || name.equals("deepseek")) {
      throw new UsageException("--batch-api: the " + name + " backend has no Batch API; use openai or a compatible "
          + "server that implements /v1/files and /v1/batches");
    }
  }

  /**
   * The Batch API side of a {@code run --batch-api}: the journalled batch client, the collector and
   * the budget in front of it; {@link #over} puts it next to the normal endpoint.
   *
   * @param budget the run's budget, shared with the normal endpoint, or null
   * @throws UsageException for a backend without a Batch API or a bad option
   */
  static BatchRouter open(Settings s, Options.Backend backend, Options.Calls calls, Map<String, String> env, Path output,
      @Nullable LlmBudget budget) {
    check(s, backend);
    ServingLlm llm = ServingLlm.of(backend, calls, new ServingLlm.Serving(), env, () -> {
      throw new UsageException("--batch-api: the simulated backend has no Batch API");
    }, "item", null, null);
    Path dir = s.dir != null ? s.dir : output.resolve("batches");
    OpenAiBatch batch = llm.batch(dir)
        .pollInterval(Duration.ofMillis(Math.round(s.pollSeconds * 1000)), Duration.ofMillis(Math.round(Math.max(s.pollSeconds, 120) * 1000)))
        .build();
    BatchCollector collector = new BatchCollector(batch, llm.raw(false), s.failures.equals("retry"), Duration.ofMillis(500),
        OpenAiBatch.DEFAULT_MAX_REQUESTS_PER_BATCH);
    LlmClients.Builder b = LlmClients.builder(collector).model(llm.model).prices(llm.prices).maxAttempts(1)
        .maxConcurrentCalls(Integer.MAX_VALUE);
    if (budget != null) {
      b.budget(budget);
    }
    return new BatchRouter(collector, batch, b.build());
  }

  /**
   * The client that sends calls to {@code direct} (the normal endpoint with its budget and
   * retries) during training and to the Batch API during a method's test phase.
   */
  LlmClient over(LlmClient direct) {
    return request -> (testing ? batched : direct).complete(request);
  }

  /** Switches to the Batch API when a method's test phase starts, back when it ends. */
  ExperimentListener switcher() {
    return new ExperimentListener() {
      @Override public void onMethodStart(String method, OptionalLong plannedCalls) {
        testing = false;
      }

      @Override public void onTestStart(String method, int testUsers) {
        testing = true;
      }

      @Override public void onMethodEnd(MethodResult result) {
        testing = false;
      }
    };
  }

  @Override
  public void close() {
    collector.close();
    batch.close();
  }
}
