package dev.agp.benchmarks;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.ProfileBatch;
import dev.agp.ProfilePrompt;
import dev.agp.ProfileStore;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.BaseRecommender;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.examples.Catalogue;
import dev.agp.examples.SampleData;
import dev.agp.examples.SimulatedLlm;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serving {@code AgpModel.rerank} through the whole stack: a latency-injecting loopback
 * OpenAI-compatible server ({@link LatencyServer}, answers from the simulated LLM after a
 * log-normal delay) called by the real client ({@code LlmBackends.openAiCompatible}: LangChain4j's
 * {@code OpenAiChatModel} over JDK HTTP, the SDK's retries and concurrency bound).
 *
 * <p>Two modes on the same users: <b>no store</b> (every request writes the profile, then ranks:
 * two dependent calls) and <b>warm store</b> (the profiles were written beforehand with {@code
 * model.profiles(users)}, untimed; every request makes the RERANK call only). Closed loop: {@code
 * C} callers (1, 16, 64) each send their next request as soon as the last returns, {@code 40·C}
 * requests per run over the 610 sample users with their base recommender's top 10 (a transition
 * model; the serving case has no ground truth). Reported per run: requests per second, p50 and p99
 * of the request latency the caller saw, and LLM calls per request as counted by the server.
 * Rounds interleave the modes and concurrencies; the table gives each figure's median over the
 * rounds and the range, and the ideal throughput {@code C / (calls per request × mean server
 * latency)} no closed loop can beat.
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.ServingBenchmark [median-latency-ms (100)] [rounds (3)]
 * </pre>
 */
public final class ServingBenchmark {

  static final List<Integer> CALLERS = List.of(1, 16, 64);
  static final int REQUESTS_PER_CALLER = 40;
  static final int CANDIDATES = 10;
  static final double SIGMA = 0.25;
  static final String PROMPT =
      "From the movies this user watched most recently, name their favourite genres and eras, the genres they avoid,"
          + " and what their latest picks have in common. Write two or three sentences a ranking can act on.";

  private ServingBenchmark() {}

  /** One run's figures. */
  record Run(double rps, double p50Ms, double p99Ms, double callsPerRequest, long fallbacks) {}

  public static void main(String[] args) throws Exception {
    long median = args.length > 0 ? Long.parseLong(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    List<UserCase> users = servingCases(data);
    SimulatedLlm sim = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    System.out.printf(Locale.ROOT, "%d processors; load %s; %s%n", Runtime.getRuntime().availableProcessors(), load(),
        SimulatedLlm.NOTICE);
    System.out.printf(Locale.ROOT, "%d serving users, %d candidates each; server latency log-normal, median %d ms,"
        + " sigma %.2f; %d rounds%n%n", users.size(), CANDIDATES, median, SIGMA, rounds);

    Map<String, List<Run>> results = new LinkedHashMap<>();
    try (LatencyServer server = LatencyServer.start(sim,
        LatencyServer.Latency.logNormal(Duration.ofMillis(median), SIGMA), 0, 7)) {
      LlmClient client = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), "benchmark-key", SimulatedLlm.MODEL)
          .maxConcurrentCalls(256).build();
      AgpModel plain = AgpOptimizer.builder().llm(client).domain("movie").build().model(new ProfilePrompt(PROMPT));
      AgpModel stored = plain.withProfileStore(ProfileStore.inMemory(10_000));
      int before = server.requests();
      long t0 = System.nanoTime();
      ProfileBatch warm = stored.profiles(users, 64);
      System.out.printf(Locale.ROOT, "Warming the store: %d profiles in %.1f s, %d calls (%d failed, %d not run)%n%n",
          warm.profiles().size(), (System.nanoTime() - t0) / 1e9, server.requests() - before, warm.failures().size(),
          warm.notRun().size());
      // JIT warm-up, not recorded
      run(plain, users, 16, 160, server);
      run(stored, users, 16, 160, server);

      for (int r = 0; r < rounds; r++) {
        for (int c : CALLERS) {
          for (boolean useStore : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
            Run run = run(useStore ? stored : plain, users, c, REQUESTS_PER_CALLER * c, server);
            results.computeIfAbsent(key(useStore, c), k -> new ArrayList<>()).add(run);
            System.out.printf(Locale.ROOT, "round %d, %s: %.1f rps, p50 %.0f ms, p99 %.0f ms, %.3f calls/request,"
                + " %d fallbacks; load %s%n", r + 1, key(useStore, c), run.rps(), run.p50Ms(), run.p99Ms(),
                run.callsPerRequest(), run.fallbacks(), load());
          }
        }
      }
    }

    // a closed loop of C callers cannot beat C / (calls per request x mean server latency)
    double meanLatencySeconds = median / 1000.0 * Math.exp(SIGMA * SIGMA / 2);
    System.out.printf(Locale.ROOT, "%n| callers | mode | requests/s | ideal requests/s | p50 (ms) | p99 (ms) | LLM calls / request |%n");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int c : CALLERS) {
      for (boolean useStore : new boolean[] {false, true}) {
        List<Run> runs = results.get(key(useStore, c));
        double ideal = c / ((useStore ? 1 : 2) * meanLatencySeconds);
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %.1f | %s | %s | %s |%n", c, useStore ? "warm store" : "no store",
            summary(runs, Run::rps, "%.1f"), ideal, summary(runs, Run::p50Ms, "%.0f"), summary(runs, Run::p99Ms, "%.0f"),
            summary(runs, Run::callsPerRequest, "%.3f"));
      }
    }
    System.out.printf(Locale.ROOT, "%nload at the end: %s%n", load());
  }

  private static String key(boolean store, int callers) {
    return (store ? "warm store" : "no store") + ", " + callers + " callers";
  }

  /** {@code requests} reranks by {@code callers} closed-loop threads. */
  static Run run(AgpModel model, List<UserCase> users, int callers, int requests, LatencyServer server) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[requests];
    AtomicInteger fallbacks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    int before = server.requests();
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        futures.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
            long t = System.nanoTime();
            Ranking r = model.rerank(users.get(i % users.size()));
            latencies[i] = System.nanoTime() - t;
            if (r.fallback()) {
              fallbacks.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    int calls = server.requests() - before;
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Run(requests / wall, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
        (double) calls / requests, fallbacks.get());
  }

  /** The nearest-rank percentile of sorted values. */
  static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  private static String summary(List<Run> runs, java.util.function.ToDoubleFunction<Run> f, String format) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", med, v[0], v[v.length - 1]);
  }

  /** Every user with a training history, as a serving case: history oldest first, the base top 10. */
  static List<UserCase> servingCases(Dataset data) {
    LooSplit split = LeaveOneOut.split(data.interactions());
    BaseRecommender base = Recommenders.transitions(split);
    List<UserCase> out = new ArrayList<>();
    for (LooSplit.UserSplit u : split.users()) {
      List<String> historyIds = u.train().stream().map(i -> i.itemId()).toList();
      List<Item> history = historyIds.stream().map(id -> data.items().get(id)).filter(java.util.Objects::nonNull).toList();
      List<Item> candidates = base.recommend(u.userId(), historyIds, CANDIDATES).stream()
          .map(id -> data.items().get(id)).filter(java.util.Objects::nonNull).toList();
      if (!history.isEmpty() && candidates.size() >= 2) {
        out.add(UserCase.forServing(u.userId(), history, candidates));
      }
    }
    return out;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
