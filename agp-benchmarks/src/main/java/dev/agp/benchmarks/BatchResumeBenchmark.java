package dev.agp.benchmarks;

import dev.agp.examples.AgpCli;
import dev.agp.langchain4j.FakeBatchServer;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code agp rerank --batch-api} against the loopback Batch API ({@link FakeBatchServer}): a
 * generated file of users in windows, each window two rounds (profiles, then rankings). Once
 * straight through; once in a separate JVM killed with SIGKILL while a batch of the second window
 * runs, then run again: the rerun must re-attach to that batch and submit nothing twice, and both
 * outputs must be the same.
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.BatchResumeBenchmark [users (10000)]
 *     [users per window (4000)]
 * </pre>
 */
public final class BatchResumeBenchmark {

  private BatchResumeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
    Path work = Files.createDirectories(Path.of("agp-benchmarks/target/batch-bench"));
    Path cases = work.resolve("generated-" + users + ".tsv");
    SplittableRandom r = new SplittableRandom(42);
    try (BufferedWriter w = Files.newBufferedWriter(cases, StandardCharsets.UTF_8)) {
      for (int u = 0; u < users; u++) {
        w.write("user" + u + "\t" + RerankBenchmark.ids(r, 5) + "\t" + RerankBenchmark.ids(r, 10) + "\n");
      }
    }
    LlmClient fixed = request -> LlmResponse.of("<ranking>B, A, C</ranking>", new TokenUsage(request.characterCount() / 4, 10));
    Path model = RerankBenchmark.agpModel(work, fixed);
    int windows = (users + window - 1) / window;
    System.out.printf(Locale.ROOT, "agp rerank --batch-api: %,d users, windows of %,d (%d windows x 2 rounds = %d batches,"
        + " %,d requests when nothing is repeated); load %s%n", users, window, windows, 2 * windows, 2 * users, RerankBenchmark.load());
    System.out.println("| run | batches created | files uploaded | request lines submitted | distinct requests | direct calls |"
        + " output lines | wall (s) |");
    System.out.println("|---|---|---|---|---|---|---|---|");

    Path straight = work.resolve("straight.jsonl");
    try (FakeBatchServer server = FakeBatchServer.start(q -> fixed.complete(q).text())) {
      Files.deleteIfExists(straight);
      long t0 = System.nanoTime();
      int code = RerankBenchmark.cli(Map.of("AGP_API_KEY", "sk-bench"), args(server, model, cases, straight, work.resolve("b1"), window));
      report("straight through", server, straight, t0, code);
    }

    Path killed = work.resolve("killed.jsonl");
    try (FakeBatchServer server = FakeBatchServer.start(q -> fixed.complete(q).text())) {
      Files.deleteIfExists(killed);
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), AgpCli.class.getName()));
      command.addAll(List.of(args(server, model, cases, killed, work.resolve("b2"), window)));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("killed.log").toFile());
      pb.environment().put("AGP_API_KEY", "sk-bench");
      long t0 = System.nanoTime();
      Process p = pb.start();
      while (server.batchesCreated() < 3 && p.isAlive()) {
        Thread.sleep(2);
      }
      p.destroyForcibly().waitFor();
      long before = Files.exists(killed) ? Files.lines(killed).count() : 0;
      System.out.printf(Locale.ROOT, "| killed (SIGKILL after batch 3 was created; %,d users written) | %d | %d | %,d | %,d | %d | %,d | %.1f |%n",
          before, server.batchesCreated(), server.uploads(), server.batchRequests(), server.distinctBatchRequests(),
          server.directCalls(), before, (System.nanoTime() - t0) / 1e9);
      long t1 = System.nanoTime();
      int code = RerankBenchmark.cli(Map.of("AGP_API_KEY", "sk-bench"), args(server, model, cases, killed, work.resolve("b2"), window));
      report("rerun after the kill (totals)", server, killed, t1, code);
    }
    boolean same = Files.readAllLines(straight).equals(Files.readAllLines(killed));
    System.out.println("outputs identical: " + same);
  }

  private static String[] args(FakeBatchServer server, Path model, Path cases, Path out, Path dir, int window) {
    return new String[] {"rerank", "--backend", "compatible", "--base-url", server.baseUrl(), "--model", "gpt-4o-mini",
        "--model-file", model.toString(), "--input", cases.toString(), "--output", out.toString(), "--batch-api",
        "--batch-dir", dir.toString(), "--batch-users", Integer.toString(window), "--batch-poll-seconds", "0.2"};
  }

  private static void report(String name, FakeBatchServer server, Path out, long t0, int code) throws Exception {
    if (code != 0) {
      throw new IllegalStateException(name + ": agp rerank failed with " + code);
    }
    System.out.printf(Locale.ROOT, "| %s | %d | %d | %,d | %,d | %d | %,d | %.1f |%n", name, server.batchesCreated(), server.uploads(),
        server.batchRequests(), server.distinctBatchRequests(), server.directCalls(), Files.lines(out).count(),
        (System.nanoTime() - t0) / 1e9);
  }
}
