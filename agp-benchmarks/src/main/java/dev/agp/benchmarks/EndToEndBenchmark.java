package dev.agp.benchmarks;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.BatchRecord;
import dev.agp.EpochRecord;
import dev.agp.LlmRerankers;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.Method;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.examples.Catalogue;
import dev.agp.examples.SampleData;
import dev.agp.examples.SimulatedLlm;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.rpp.RppBatchRecord;
import dev.agp.rpp.RppModel;
import dev.agp.rpp.RppOptimizer;
import dev.langchain4j.model.chat.ChatModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * LLM-bound work against its floor. A latency-injecting loopback OpenAI-compatible server
 * ({@link LatencyServer}) answers with the simulated LLM; the real client stack
 * ({@code LlmBackends.openAiCompatible}: LangChain4j over HTTP, retries, limits) calls it.
 *
 * <ul>
 *   <li>AGP fit: N = 100 training users, B = 10, one epoch, 20 validation users, at the default
 *       concurrency and client settings, and at concurrency 8 (below the batch size). Each
 *       measured <em>cold</em> (the first fit in a fresh JVM: class loading, JIT, the first
 *       connections; the server runs in this JVM, already warm) and <em>warm</em> (a later fit
 *       in this JVM), runs interleaved, medians reported with the machine's load. Cold is also
 *       given with the client's construction included (LangChain4j's model, the HTTP client, the
 *       optimizer), so that work moved from the fit into the client's construction shows.
 *   <li>The control for those fits ({@link BareReplay}): the requests one warm fit made, in its
 *       rounds, sent again through LangChain4j's OpenAI model alone, cold and warm, in the same
 *       interleaved runs. What the fit costs above it is the SDK's; what the control costs above
 *       the floor, the required components' (LangChain4j, the JDK HTTP client, the JVM).
 *   <li>The experiment on 300 test users: LLM-Dir, LLM-CoT, AGP (one epoch) and RPP (3 iterations).
 * </ul>
 *
 * The floor is a lower bound on any schedule: the latency times, for each part that runs users in
 * parallel, the larger of its longest chain of dependent calls and its calls divided by C
 * (rounded up), plus the batch-level calls. Per AGP batch: users' chains of profile, rerank and
 * (when a user needed one) critique, then summarise and optimise; per validation pass: profile
 * and rerank per user, as one part with the next batch when the fit ran them together (the pass
 * could not end the fit); per test pass: the method's calls per user; per RPP batch: one ranking
 * call per user. It counts what each run actually did (which users needed critiques, which
 * prompts were scored), read from its history. The sequential time is every call one after
 * another.
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.EndToEndBenchmark [agp-latency-ms (100)]
 *     [experiment-latency-ms (50; 0 skips the experiment)] [runs (3)] [AGP server: here | own-jvm (here)]
 * </pre>
 *
 * With {@code own-jvm} the AGP fits' server runs in a JVM of its own, warmed with {@value
 * #SERVER_WARM_UP_FITS} fits before anything is measured, instead of in this JVM (whose compiler is
 * still busy after one warm fit: 0.7–0.9 s of compilation during each cold run measured next).
 */
public final class EndToEndBenchmark {

  static final int N = 100;
  static final int B = 10;
  static final int V = 20;
  static final int TEST = 300;
  static final int RPP_ITERATIONS = 3;
  static final int EPOCHS = 1;
  static final List<Integer> CONCURRENCY = List.of(1, 8, 32);
  static final String PROMPT = "Based on the movies this user watched, write a short profile of the user's preferences.";
  private static final String CHILD = "--cold-fit";
  private static final String SERVE = "--serve";
  private static final String REPLAY = "--cold-replay";
  static final int SERVER_WARM_UP_FITS = 3;

  private EndToEndBenchmark() {}

  /** The users of every run: the sample, the transition model's candidates, 100/20/300 users. */
  static CandidateSets users(Dataset data) {
    LooSplit split = LeaveOneOut.split(data.interactions());
    return CandidateProtocol.builder().trainUsers(N).validationUsers(V).testUsers(TEST)
        .mode(CandidateMode.BASE_WINDOW).seed(42).build().apply(data.items(), split, Recommenders.transitions(split));
  }

  /** One AGP fit: wall seconds, floor seconds, calls. */
  /**
   * One AGP fit: wall seconds of the fit, floor seconds, calls, and wall seconds from before the
   * client was built (LangChain4j's model, the HTTP client, the optimizer) to the end of the fit.
   */
  record Fit(double wall, double floor, long calls, double withClient) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(CHILD)) {
      Fit f = fitOnce(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]));
      System.out.printf(Locale.ROOT, "RESULT %.4f %.4f %d %.4f%n", f.wall(), f.floor(), f.calls(), f.withClient());
      return;
    }
    if (args.length > 0 && args[0].equals(REPLAY)) {
      List<List<LlmRequest>> rounds = BareReplay.read(Path.of(args[2]));
      long t0 = System.nanoTime();
      ChatModel model = BareReplay.model(args[1], "benchmark-key", SimulatedLlm.MODEL);
      long t1 = System.nanoTime();
      double wall = BareReplay.run(rounds, model, Integer.parseInt(args[3]));
      System.out.printf(Locale.ROOT, "RESULT %.4f %.4f%n", wall, wall + (t1 - t0) / 1e9);
      return;
    }
    if (args.length > 0 && args[0].equals(SERVE)) {
      serve(Long.parseLong(args[1]));
      return;
    }
    long agpLatency = args.length > 0 ? Long.parseLong(args[0]) : 100;
    long experimentLatency = args.length > 1 ? Long.parseLong(args[1]) : 50;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    CandidateSets sets = users(data);
    SimulatedLlm sim = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    System.out.printf(Locale.ROOT, "%d processors; %s; base: %s%n%n", Runtime.getRuntime().availableProcessors(),
        SimulatedLlm.NOTICE, sets.report().base());

    System.out.printf(Locale.ROOT, "## AGP fit: N=%d, B=%d, %d epoch, %d validation users; latency %d ms fixed, no faults;"
        + " default client; medians of %d interleaved runs (cold: first fit in a fresh JVM)%n%n", N, B, EPOCHS, V,
        agpLatency, runs);
    boolean ownJvm = args.length > 3 && args[3].equals("own-jvm");
    try (AgpServer server = ownJvm ? OwnJvmServer.start(agpLatency) : new HereServer(
        LatencyServer.start(sim, LatencyServer.Latency.fixed(Duration.ofMillis(agpLatency)), 0, 1))) {
      System.out.println(ownJvm
          ? "server: its own JVM, warmed with " + SERVER_WARM_UP_FITS + " fits before anything is measured"
          : "server: this JVM (after one warm fit per row)");
      System.out.println();
      System.out.println("| concurrency | cold wall (s) | warm wall (s) | floor (s) | cold / floor | warm / floor"
          + " | cold with building the client (s) | its ratio to the floor | calls | sequential (s)"
          + " | server JVM's JIT during a cold run (ms) | load (1 min) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
      List<String> controls = new ArrayList<>();
      for (int c : new int[] {AgpOptimizer.DEFAULT_CONCURRENCY, 8}) {
        fitOnce(server.baseUrl(), c, agpLatency, sets); // warms this JVM for the warm runs
        AtomicReference<BareReplay.Recorder> recorder = new AtomicReference<>();
        fitOnce(server.baseUrl(), c, agpLatency, sets, client -> {
          recorder.set(new BareReplay.Recorder(client));
          return recorder.get();
        });
        List<List<LlmRequest>> rounds = recorder.get().rounds(agpLatency * 500_000L);
        Path recorded = Files.createTempFile("agp-fit-requests", ".bin");
        recorded.toFile().deleteOnExit(); // also when a run below fails
        BareReplay.write(rounds, recorded);
        ChatModel bare = BareReplay.model(server.baseUrl(), "benchmark-key", SimulatedLlm.MODEL);
        BareReplay.run(rounds, bare, c); // warms the bare path in this JVM
        List<Double> replayCold = new ArrayList<>();
        List<Double> replayWarm = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> coldWithClient = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        List<Double> serverJit = new ArrayList<>();
        long calls = 0;
        for (int r = 0; r < runs; r++) {
          loads.add(FreshJvm.load());
          long jit0 = server.jitMillis();
          Fit f = coldFit(server.baseUrl(), c, agpLatency);
          serverJit.add((double) (server.jitMillis() - jit0));
          cold.add(f.wall());
          coldWithClient.add(f.withClient());
          floors.add(f.floor());
          Fit w = fitOnce(server.baseUrl(), c, agpLatency, sets);
          warm.add(w.wall());
          floors.add(w.floor());
          calls = w.calls();
          replayCold.add(Double.parseDouble(FreshJvm.result(EndToEndBenchmark.class, List.of(), REPLAY, server.baseUrl(),
              recorded.toString(), String.valueOf(c))[0]));
          replayWarm.add(BareReplay.run(rounds, bare, c));
          loads.add(FreshJvm.load());
        }
        Files.delete(recorded);
        double floor = FreshJvm.median(floors);
        double replayFloor = rounds.size() * agpLatency / 1000.0;
        double sdkColdExcess = FreshJvm.median(cold) - FreshJvm.median(warm);
        controls.add(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |", c,
            rounds.stream().mapToInt(List::size).sum(), replayFloor, FreshJvm.median(replayCold), FreshJvm.median(replayWarm),
            FreshJvm.median(replayCold) / replayFloor, FreshJvm.median(replayWarm) / replayFloor,
            FreshJvm.median(replayCold) - FreshJvm.median(replayWarm), sdkColdExcess));
        System.out.printf(Locale.ROOT, "| %d%s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.1f | %.0f | %.1f |%n", c,
            c == AgpOptimizer.DEFAULT_CONCURRENCY ? " (default)" : "", FreshJvm.median(cold), FreshJvm.median(warm), floor,
            FreshJvm.median(cold) / floor, FreshJvm.median(warm) / floor, FreshJvm.median(coldWithClient),
            FreshJvm.median(coldWithClient) / floor, calls, calls * agpLatency / 1000.0, FreshJvm.median(serverJit),
            FreshJvm.median(loads));
      }
      System.out.println();
      System.out.println("Control: the same requests in the same rounds through LangChain4j's OpenAiChatModel alone (no SDK code;"
          + " each round waits for its slowest call), cold in a fresh JVM and warm in this one; medians of the same runs:");
      System.out.println();
      System.out.println("| concurrency | calls | its floor (rounds x latency, s) | cold (s) | warm (s) | cold / floor | warm / floor"
          + " | cold - warm (s) | the SDK's fit: cold - warm (s) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      controls.forEach(System.out::println);
    }
    if (experimentLatency <= 0) {
      return;
    }
    System.out.printf(Locale.ROOT, "%n## Experiment: %d test users; LLM-Dir, LLM-CoT, AGP (one epoch), RPP (%d iterations);"
        + " latency %d ms fixed, no faults%n%n", TEST, RPP_ITERATIONS, experimentLatency);
    System.out.println("| concurrency | wall (s) | floor (s) | wall / floor | calls | sequential (s) | wall / sequential |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int c : CONCURRENCY) {
      try (LatencyServer server = LatencyServer.start(sim, LatencyServer.Latency.fixed(Duration.ofMillis(experimentLatency)), 0, 1)) {
        AtomicReference<AgpModel> agp = new AtomicReference<>();
        AtomicReference<RppModel> rpp = new AtomicReference<>();
        Experiment e = Experiment.builder().llm(client(server), SimulatedLlm.NOTICE + ", over loopback HTTP")
            .users(sets).concurrency(c).seed(42).bootstrapSamples(1000)
            .method(Method.llm("LLM-Dir", llm -> LlmRerankers.builder(llm).domain("movie").direct(), 1))
            .method(Method.llm("LLM-CoT", llm -> LlmRerankers.builder(llm).domain("movie").chainOfThought(), 1))
            .method(Method.trained("AGP", ctx -> {
              AgpModel m = agp(ctx.llm(), ctx.concurrency()).fit(ctx.train(), ctx.validation());
              agp.set(m);
              return m;
            }))
            .method(Method.trained("RPP", ctx -> {
              RppModel m = RppOptimizer.builder().llm(ctx.llm()).domain("movie").iterations(RPP_ITERATIONS)
                  .concurrency(ctx.concurrency()).seed(42).build().fit(ctx.train());
              rpp.set(m);
              return m;
            }))
            .build();
        long t0 = System.nanoTime();
        ExperimentResult r = e.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        double rounds = parallel(TEST, 1, c) // LLM-Dir
            + parallel(TEST, 1, c) // LLM-CoT
            + agpFloor(agp.get(), c, V, EPOCHS, AgpOptimizer.DEFAULT_PATIENCE) + parallel(2L * TEST, 2, c) // AGP: training, then profile and rerank per test user
            + rppFloor(rpp.get(), c) + parallel(TEST, 1, c); // RPP: training, then one ranking call per test user
        double floor = rounds * experimentLatency / 1000.0;
        long calls = r.methods().stream().mapToLong(m -> m.calls()).sum();
        double sequential = calls * experimentLatency / 1000.0;
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %d | %.1f | %.2f |%n", c, wall, floor, wall / floor, calls,
            sequential, wall / sequential);
      }
    }
  }

  /**
   * Milliseconds this JVM has spent compiling. It runs the server: what it compiles during a cold
   * run in the other JVM takes one of the two cores from that run (the table shows the median).
   */
  private static long jitMillis() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** The AGP fits' server: its URL and how long its JVM has spent compiling. */
  private interface AgpServer extends AutoCloseable {
    String baseUrl();

    long jitMillis() throws IOException;

    @Override
    void close() throws IOException, InterruptedException;
  }

  /** The server in this JVM. */
  private record HereServer(LatencyServer server) implements AgpServer {
    @Override
    public String baseUrl() {
      return server.baseUrl();
    }

    @Override
    public long jitMillis() {
      return EndToEndBenchmark.jitMillis();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** The server in a JVM of its own ({@value #SERVE}): one line in asks for its compile time. */
  private static final class OwnJvmServer implements AgpServer {
    private final Process process;
    private final java.io.BufferedReader out;
    private final java.io.Writer in;
    private final String url;

    private OwnJvmServer(Process process) throws IOException {
      this.process = process;
      this.out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      this.in = new java.io.OutputStreamWriter(process.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
      this.url = line("URL ");
    }

    static OwnJvmServer start(long latencyMs) throws IOException {
      List<String> command = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), EndToEndBenchmark.class.getName(), SERVE, String.valueOf(latencyMs));
      return new OwnJvmServer(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    private String line(String prefix) throws IOException {
      for (String l; (l = out.readLine()) != null; ) {
        if (l.startsWith(prefix)) {
          return l.substring(prefix.length()).trim();
        }
      }
      throw new IOException("the server JVM ended without a line starting \"" + prefix + "\"");
    }

    @Override
    public String baseUrl() {
      return url;
    }

    @Override
    public long jitMillis() throws IOException {
      in.write("jit\n");
      in.flush();
      return Long.parseLong(line("JIT "));
    }

    @Override
    public void close() throws IOException, InterruptedException {
      in.close();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** {@value #SERVE}: the server, warmed, then its URL; a line in, its compile time out; ends with its input. */
  private static void serve(long latencyMs) throws IOException {
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    CandidateSets sets = users(data);
    SimulatedLlm sim = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    try (LatencyServer server = LatencyServer.start(sim, LatencyServer.Latency.fixed(Duration.ofMillis(latencyMs)), 0, 1)) {
      for (int i = 0; i < SERVER_WARM_UP_FITS; i++) {
        fitOnce(server.baseUrl(), AgpOptimizer.DEFAULT_CONCURRENCY, latencyMs, sets);
      }
      System.out.println("URL " + server.baseUrl());
      System.out.flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        System.out.println("JIT " + jitMillis());
        System.out.flush();
      }
    }
  }

  /** The client at its defaults, as a user builds it (the experiment's allows 64 calls in flight for C = 32). */
  private static LlmClient client(String baseUrl, int maxConcurrentCalls) {
    return LlmBackends.openAiCompatibleBuilder(baseUrl, "benchmark-key", SimulatedLlm.MODEL)
        .maxConcurrentCalls(maxConcurrentCalls).build();
  }

  private static LlmClient client(LatencyServer server) {
    return client(server.baseUrl(), 64);
  }

  private static AgpOptimizer agp(LlmClient llm, int concurrency) {
    return AgpOptimizer.builder().llm(llm).domain("movie").initialPrompt(PROMPT).batchSize(B).epochs(EPOCHS)
        .concurrency(concurrency).seed(42).build();
  }

  /** One timed fit on a client built beforehand (at the default bound on calls in flight). */
  static Fit fitOnce(String baseUrl, int c, long latencyMs, CandidateSets sets) {
    return fitOnce(baseUrl, c, latencyMs, sets, UnaryOperator.identity());
  }

  /** {@link #fitOnce(String, int, long, CandidateSets)} with the client as {@code wrap} makes it. */
  private static Fit fitOnce(String baseUrl, int c, long latencyMs, CandidateSets sets, UnaryOperator<LlmClient> wrap) {
    long built0 = System.nanoTime();
    LlmClient client = wrap.apply(client(baseUrl, dev.agp.llm.LlmClients.DEFAULT_MAX_CONCURRENT_CALLS));
    AgpOptimizer optimizer = agp(client, c);
    long t0 = System.nanoTime();
    AgpModel model = optimizer.fit(sets.train(), sets.validation());
    long t1 = System.nanoTime();
    return new Fit((t1 - t0) / 1e9, agpFloor(model, c, V, EPOCHS, AgpOptimizer.DEFAULT_PATIENCE) * latencyMs / 1000.0,
        model.usage().total().calls(), (t1 - built0) / 1e9);
  }

  private static Fit fitOnce(String baseUrl, int c, long latencyMs) {
    return fitOnce(baseUrl, c, latencyMs, users(Datasets.movieLens(SampleData.movieLens())));
  }

  /** The first fit of a fresh JVM (this class with {@value #CHILD}), against this JVM's server. */
  private static Fit coldFit(String baseUrl, int c, long latencyMs) throws IOException, InterruptedException {
    String[] f = FreshJvm.result(EndToEndBenchmark.class, List.of(), CHILD, baseUrl, String.valueOf(c), String.valueOf(latencyMs));
    return new Fit(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]));
  }

  /**
   * Rounds of latency of an AGP fit at concurrency {@code c}, from what the fit did. A validation
   * pass that the fit ran together with the next batch (it could not end the fit: not the last
   * epoch, and patience left even without an improvement) is one part with that batch.
   */
  static long agpFloor(AgpModel model, int c, int validationUsers, int epochs, int patience) {
    List<BatchRecord> batches = model.history().batches();
    java.util.Set<BatchRecord> merged = new java.util.HashSet<>();
    long rounds = 0;
    int since = 0;
    for (EpochRecord e : model.history().epochs()) {
      boolean overlapped = !e.reused() && e.epoch() < epochs && (e.epoch() == 0 || since + 1 < patience);
      if (e.best()) {
        since = 0;
      } else if (e.epoch() > 0) {
        since++;
      }
      long work = e.reused() ? 0 : 2L * validationUsers;
      BatchRecord next = overlapped
          ? batches.stream().filter(b -> b.epoch() == e.epoch() + 1 && b.batch() == 1).findFirst().orElse(null)
          : null;
      if (next != null) {
        merged.add(next);
        rounds += parallel(work + chainWork(next), Math.max(2, chain(next)), c) + batchLevel(next);
      } else if (work > 0) {
        rounds += parallel(work, 2, c);
      }
    }
    for (BatchRecord b : batches) {
      if (!merged.contains(b)) {
        rounds += parallel(chainWork(b), chain(b), c) + batchLevel(b);
      }
    }
    return rounds;
  }

  private static long chainWork(BatchRecord b) {
    return b.usage().stage(Stage.PROFILE).calls() + b.usage().stage(Stage.RERANK).calls()
        + b.usage().stage(Stage.CRITIQUE).calls();
  }

  private static int chain(BatchRecord b) {
    return b.usage().stage(Stage.CRITIQUE).calls() > 0 ? 3 : 2;
  }

  private static long batchLevel(BatchRecord b) {
    return b.usage().stage(Stage.SUMMARIZE).calls() + b.usage().stage(Stage.OPTIMIZE).calls();
  }

  /** Rounds of latency of an RPP fit at concurrency {@code c}: one ranking call per user, in batches. */
  static long rppFloor(RppModel model, int c) {
    long rounds = 0;
    for (RppBatchRecord b : model.history().batches()) {
      long calls = b.usage().total().calls();
      rounds += parallel(calls, calls > b.userIds().size() ? 2 : 1, c);
    }
    return rounds;
  }

  /** The fewest rounds in which {@code work} calls, in chains of at most {@code chain}, fit on {@code c} lanes. */
  static long parallel(long work, int chain, int c) {
    return Math.max(chain, (work + c - 1) / c);
  }

}
