package dev.agp.benchmarks;

import dev.agp.AgpOptimizer;
import dev.agp.ProfilePrompt;
import dev.agp.UserCase;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.examples.AgpCli;
import dev.agp.examples.Catalogue;
import dev.agp.examples.SampleData;
import dev.agp.examples.SimulatedLlm;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * {@code agp rerank} against the latency-injecting loopback server, through the real command
 * (picocli, the streaming reader, the ordered writer, the client stack: LangChain4j over HTTP,
 * retries, the rate limiter).
 *
 * <ul>
 *   <li><b>throughput</b>: users of the MovieLens sample (cycled under new ids) reranked by an AGP
 *       model (2 dependent calls a user) answered by the simulated LLM after a fixed latency, at a
 *       fixed requests-per-minute limit. The floor is calls divided by the limit's rate; the
 *       limiter allows a burst of one second's worth at the start, so a run may end slightly under.
 *   <li><b>memory</b>: a generated TSV of N users (5 history items, 10 candidates, 20,000 titled
 *       items) against the same server at zero latency answering a fixed ranking; peak heap used
 *       and the largest live heap after a collection, sampled every 50 ms; one line per run:
 *       {@code | users | wall s | floor s | peak heap MB | live after GC MB | max heap MB | calls | load |}.
 * </ul>
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.RerankBenchmark throughput [users (1000)]
 *     [requests-per-minute (12000)] [latency-ms (50)] [runs (3)]
 * java -Xmx256m -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.RerankBenchmark memory USERS
 *     [requests-per-minute (0: none)]
 * </pre>
 */
public final class RerankBenchmark {

  private RerankBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "throughput";
    Path work = Files.createDirectories(Path.of("agp-benchmarks/target/rerank-bench"));
    if (mode.equals("memory")) {
      memory(work, Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 0);
    } else {
      throughput(work, args.length > 1 ? Integer.parseInt(args[1]) : 1000, args.length > 2 ? Long.parseLong(args[2]) : 12_000,
          args.length > 3 ? Long.parseLong(args[3]) : 50, args.length > 4 ? Integer.parseInt(args[4]) : 3);
    }
  }

  // ---------------------------------------------------------------- throughput at a rate limit

  static void throughput(Path work, int users, long rpm, long latencyMs, int runs) throws Exception {
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    LooSplit split = LeaveOneOut.split(data.interactions());
    CandidateSets sets = CandidateProtocol.builder().trainUsers(10).validationUsers(10).testUsers(300)
        .mode(CandidateMode.BASE_WINDOW).seed(42).build().apply(data.items(), split, Recommenders.popularity(split));
    SimulatedLlm sim = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    Path cases = work.resolve("sample-cases-" + users + ".jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(cases, StandardCharsets.UTF_8)) {
      for (int i = 0; i < users; i++) {
        UserCase u = sets.test().get(i % sets.test().size());
        w.write(json(new UserCase("u" + i, u.recentHistory(20), u.candidates(), u.relevantItemIds())));
        w.write('\n');
      }
    }
    Path model = agpModel(work, sim);
    long calls = 2L * users;
    double rate = rpm / 60.0;
    double floor = calls / rate;
    // the limiter starts with a burst of one second's worth of requests
    double burstFloor = (calls - Math.min(calls, (long) rate)) / rate;
    System.out.printf(Locale.ROOT, "agp rerank, AGP model (2 calls a user), %,d users, %d ms a call, limit %,d requests a minute"
        + " -> floor %.1f s; %d processors, load %s%n", users, latencyMs, rpm, floor, Runtime.getRuntime().availableProcessors(),
        load());
    System.out.println("| run | wall (s) | floor (s) | wall / floor | floor after the burst (s) | wall / that | calls made | users/s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    List<Double> ratios = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      try (LatencyServer server = LatencyServer.start(sim, LatencyServer.Latency.fixed(Duration.ofMillis(latencyMs)), 0, 7 + run)) {
        Path out = work.resolve("throughput-" + run + ".jsonl");
        Files.deleteIfExists(out);
        long t0 = System.nanoTime();
        int code = cli(Map.of(), "rerank", "--backend", "compatible", "--base-url", server.baseUrl(), "--model", "simulated",
            "--model-file", model.toString(), "--input", cases.toString(), "--output", out.toString(),
            "--requests-per-minute", Long.toString(rpm), "--concurrency", "32", "--max-concurrent-calls", "32");
        double wall = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
          throw new IllegalStateException("agp rerank failed with " + code);
        }
        if (run > 1) {
          ratios.add(wall / floor);
        }
        System.out.printf(Locale.ROOT, "| %d%s | %.2f | %.2f | %.3f | %.2f | %.3f | %,d | %.1f |%n", run, run == 1 ? " (cold JVM)" : "",
            wall, floor, wall / floor, burstFloor, wall / burstFloor, server.requests(), users / wall);
      }
    }
    if (!ratios.isEmpty()) {
      System.out.printf(Locale.ROOT, "median wall / floor of the warm runs: %.3f (load after: %s)%n", median(ratios), load());
    }
  }

  // ---------------------------------------------------------------- memory against the number of users

  static void memory(Path work, int users, long rpm) throws Exception {
    Path titles = work.resolve("titles.tsv");
    if (!Files.exists(titles)) {
      try (BufferedWriter w = Files.newBufferedWriter(titles, StandardCharsets.UTF_8)) {
        for (int i = 0; i < 20_000; i++) {
          w.write("i" + i + "\tGenerated item number " + i + " (" + (1950 + i % 70) + ")\n");
        }
      }
    }
    Path cases = work.resolve("generated-" + users + ".tsv");
    if (!Files.exists(cases)) {
      SplittableRandom r = new SplittableRandom(42);
      try (BufferedWriter w = Files.newBufferedWriter(cases, StandardCharsets.UTF_8)) {
        w.write("user\thistory\tcandidates\n");
        for (int u = 0; u < users; u++) {
          w.write("user" + u + "\t");
          w.write(ids(r, 5));
          w.write('\t');
          w.write(ids(r, 10));
          w.write('\n');
        }
      }
    }
    LlmClient fixed = request -> LlmResponse.of("<ranking>B, A, C</ranking>", new TokenUsage(request.characterCount() / 4, 10));
    Path model = agpModel(work, fixed);
    Sampler sampler = new Sampler();
    sampler.start();
    double wall;
    int served;
    try (LatencyServer server = LatencyServer.start(fixed, LatencyServer.Latency.fixed(Duration.ZERO), 0, 1)) {
      Path out = work.resolve("memory-" + users + ".jsonl");
      Files.deleteIfExists(out);
      List<String> args = new ArrayList<>(List.of("rerank", "--backend", "compatible", "--base-url", server.baseUrl(), "--model",
          "simulated", "--model-file", model.toString(), "--input", cases.toString(), "--titles", titles.toString(),
          "--output", out.toString(), "--concurrency", "16", "--max-concurrent-calls", "16"));
      if (rpm > 0) {
        args.addAll(List.of("--requests-per-minute", Long.toString(rpm)));
      }
      long t0 = System.nanoTime();
      int code = cli(Map.of(), args.toArray(String[]::new));
      wall = (System.nanoTime() - t0) / 1e9;
      served = server.requests();
      if (code != 0) {
        throw new IllegalStateException("agp rerank failed with " + code);
      }
    } finally {
      sampler.stop = true;
      sampler.join();
    }
    String floor = rpm > 0 ? String.format(Locale.ROOT, "%.1f", 2.0 * users / (rpm / 60.0)) : "-";
    System.out.printf(Locale.ROOT, "| %,d | %.1f | %s | %.0f | %.0f | %.0f | %,d | %s |%n", users, wall, floor,
        sampler.peakUsed / 1e6, sampler.peakLive / 1e6, Runtime.getRuntime().maxMemory() / 1e6, served, load());
  }

  static String ids(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    while (seen.size() < n) {
      int i = r.nextInt(20_000);
      if (seen.add(i)) {
        sb.append(sb.length() == 0 ? "" : ",").append('i').append(i);
      }
    }
    return sb.toString();
  }

  /** Peak heap used, and the largest heap left live after a collection. */
  static final class Sampler extends Thread {
    volatile boolean stop;
    long peakUsed;
    long peakLive;

    Sampler() {
      setDaemon(true);
    }

    @Override
    public void run() {
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).collect(Collectors.toList());
      while (!stop) {
        long used = 0;
        long live = 0;
        for (MemoryPoolMXBean p : heap) {
          used += p.getUsage().getUsed();
          if (p.getCollectionUsage() != null) {
            live += p.getCollectionUsage().getUsed();
          }
        }
        peakUsed = Math.max(peakUsed, used);
        peakLive = Math.max(peakLive, live);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  static Path agpModel(Path work, LlmClient llm) {
    Path model = work.resolve("agp-model.json");
    AgpOptimizer.builder().llm(llm).domain("movie").build()
        .model(new ProfilePrompt("Based on the movies this user watched, write a short profile of the user's preferences."))
        .save(model);
    return model;
  }

  static int cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = AgpCli.execute(args, out, System.err, env, false);
    String text = sink.toString(StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.startsWith("Reranked") || line.startsWith("agp")) {
        System.err.println(line);
      }
    }
    return code;
  }

  static String json(UserCase u) {
    com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    n.put("user", u.userId());
    var h = n.putArray("history");
    u.history().forEach(i -> h.addObject().put("id", i.id()).put("title", i.title()));
    var c = n.putArray("candidates");
    u.candidates().forEach(i -> {
      var o = c.addObject().put("id", i.id()).put("title", i.title());
      var a = o.putObject("attributes");
      i.attributes().forEach(a::put);
    });
    return n.toString();
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
