package dev.agp.spark;

import dev.agp.UserCase;
import dev.agp.benchmarks.LatencyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The reranking job's throughput on {@code local[2]} against the latency-injecting loopback server
 * at a fixed job-wide rate limit, as a ratio to the limit's floor (calls / limit). No cache, so
 * every call is paid; runs of each configuration interleaved; medians reported.
 *
 * <p>Not a unit test (its name does not end in Test). Run it with
 *
 * <pre>
 * mvn -B -ntp -pl agp-spark -am test -Djacoco.skip=true -Dtest=SparkRerankBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dusers=1500 -Drpm=6000 -DlatencyMs=100 -Drounds=3]
 * </pre>
 */
class SparkRerankBenchmark {

  @Test
  void measure() throws Exception {
    int users = Integer.getInteger("users", 1500);
    long rpm = Long.getLong("rpm", 6000);
    int latencyMs = Integer.getInteger("latencyMs", 100);
    int rounds = Integer.getInteger("rounds", 3);
    int concurrency = Integer.getInteger("concurrency", 16);
    Path dir = Files.createTempDirectory("agp-spark-bench");
    Path model = dir.resolve("agp-model.json");
    Worlds.agp(model);
    List<UserCase> cases = Worlds.users(users);
    Dataset<Row> table = Worlds.table(SparkTesting.session(), cases).cache();
    table.count();
    int[] partitions = {2, 8};
    List<List<Double>> walls = new ArrayList<>();
    for (int p : partitions) {
      walls.add(new ArrayList<>());
    }
    long calls = 0;
    try (LatencyServer server = LatencyServer.start(Worlds.answers(), LatencyServer.Latency.fixed(Duration.ofMillis(latencyMs)), 0, 1)) {
      SparkLlmConfig llm = SparkLlmConfig.compatible(server.baseUrl(), "world-model")
          .requestsPerMinute(rpm).concurrency(concurrency).build();
      // warm-up: JIT, Spark's codegen, connections
      RerankJob.summary(RerankJob.builder().model(model.toString()).llm(llm.toBuilder().requestsPerMinute(60_000).build())
          .partitions(2).concurrentTasks(2).build().rerank(table.limit(100)));
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < partitions.length; i++) {
          RerankJob job = RerankJob.builder().model(model.toString()).llm(llm).partitions(partitions[i]).concurrentTasks(2).build();
          long start = System.nanoTime();
          RerankJob.Summary s = RerankJob.summary(job.rerank(table));
          walls.get(i).add((System.nanoTime() - start) / 1e9);
          calls = s.calls();
          if (s.fallbacks() != 0 || s.rows() != users) {
            throw new AssertionError("the benchmark run failed: " + s);
          }
        }
      }
    }
    double floor = calls / (rpm / 60.0);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "Spark rerank on local[2]: %d users (AGP, 2 calls each = %d calls), %d ms per call, job-wide limit %d requests/min"
            + " (2 concurrent tasks, %d each), %d calls in flight per task; floor = calls / limit = %.1f s%n%n",
        users, calls, latencyMs, rpm, rpm / 2, concurrency, floor));
    out.append("| partitions | wall (s), median of ").append(rounds).append(" | runs (s) | wall / floor | requests/min achieved |\n");
    out.append("|---|---|---|---|---|\n");
    for (int i = 0; i < partitions.length; i++) {
      List<Double> w = new ArrayList<>(walls.get(i));
      w.sort(Comparator.naturalOrder());
      double median = w.get(w.size() / 2);
      out.append(String.format(Locale.ROOT, "| %d | %.1f | %s | %.2f | %.0f |%n", partitions[i], median,
          walls.get(i).stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList(), median / floor,
          calls / median * 60));
    }
    Files.writeString(Path.of("target", "spark-rerank-benchmark.md"), out.toString());
    System.out.print(out);
  }
}
