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
import dev.agp.llm.Stage;
import dev.agp.rpp.RppBatchRecord;
import dev.agp.rpp.RppModel;
import dev.agp.rpp.RppOptimizer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * LLM-bound work against its floor. A latency-injecting loopback OpenAI-compatible server
 * ({@link LatencyServer}) answers with the simulated LLM; the real client stack
 * ({@code LlmBackends.openAiCompatible}: LangChain4j over HTTP, retries, limits) calls it.
 *
 * <ul>
 *   <li>AGP fit: N = 100 training users, B = 10, one epoch, 20 validation users.
 *   <li>The experiment on 300 test users: LLM-Dir, LLM-CoT, AGP (one epoch) and RPP (3 iterations).
 * </ul>
 *
 * Each at concurrency 1, 8 and 32. The floor is a lower bound on any schedule: the latency times,
 * for each part that runs users in parallel, the larger of its longest chain of dependent calls and
 * its calls divided by C (rounded up), plus the batch-level calls. Per AGP batch: users' chains of
 * profile, rerank and (when a user needed one) critique, then summarise and optimise; per
 * validation pass: profile and rerank per user; per test pass: the method's calls per user; per RPP
 * batch: one ranking call per user. It counts what each run actually did (which users needed
 * critiques, which prompts were scored), read from its history. The sequential time is every call
 * one after another. Target: wall at most 1.3 x floor when C >= B.
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.EndToEndBenchmark [agp-latency-ms (100)]
 *     [experiment-latency-ms (50)]
 * </pre>
 */
public final class EndToEndBenchmark {

  static final int N = 100;
  static final int B = 10;
  static final int V = 20;
  static final int TEST = 300;
  static final int RPP_ITERATIONS = 3;
  static final List<Integer> CONCURRENCY = List.of(1, 8, 32);
  static final String PROMPT = "Based on the movies this user watched, write a short profile of the user's preferences.";

  private EndToEndBenchmark() {}

  public static void main(String[] args) throws IOException {
    long agpLatency = args.length > 0 ? Long.parseLong(args[0]) : 100;
    long experimentLatency = args.length > 1 ? Long.parseLong(args[1]) : 50;
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    LooSplit split = LeaveOneOut.split(data.interactions());
    CandidateSets sets = CandidateProtocol.builder().trainUsers(N).validationUsers(V).testUsers(TEST)
        .mode(CandidateMode.BASE_WINDOW).seed(42).build().apply(data.items(), split, Recommenders.transitions(split));
    SimulatedLlm sim = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    System.out.printf(Locale.ROOT, "%d processors; %s; base: %s%n%n", Runtime.getRuntime().availableProcessors(),
        SimulatedLlm.NOTICE, sets.report().base());

    System.out.printf(Locale.ROOT, "## AGP fit: N=%d, B=%d, one epoch, %d validation users; latency %d ms fixed, no faults%n%n",
        N, B, V, agpLatency);
    System.out.println("| concurrency | wall (s) | floor (s) | wall / floor | calls | sequential (s) | wall / sequential |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int c : CONCURRENCY) {
      try (LatencyServer server = LatencyServer.start(sim, LatencyServer.Latency.fixed(Duration.ofMillis(agpLatency)), 0, 1)) {
        LlmClient client = client(server);
        long t0 = System.nanoTime();
        AgpModel model = agp(client, c).fit(sets.train(), sets.validation());
        double wall = (System.nanoTime() - t0) / 1e9;
        double floor = agpFloor(model, c, V) * agpLatency / 1000.0;
        long calls = model.usage().total().calls();
        double sequential = calls * agpLatency / 1000.0;
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %d | %.1f | %.2f |%n", c, wall, floor, wall / floor, calls,
            sequential, wall / sequential);
      }
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
            + agpFloor(agp.get(), c, V) + parallel(2L * TEST, 2, c) // AGP: training, then profile and rerank per test user
            + rppFloor(rpp.get(), c) + parallel(TEST, 1, c); // RPP: training, then one ranking call per test user
        double floor = rounds * experimentLatency / 1000.0;
        long calls = r.methods().stream().mapToLong(m -> m.calls()).sum();
        double sequential = calls * experimentLatency / 1000.0;
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %d | %.1f | %.2f |%n", c, wall, floor, wall / floor, calls,
            sequential, wall / sequential);
      }
    }
  }

  private static LlmClient client(LatencyServer server) {
    return LlmBackends.openAiCompatibleBuilder(server.baseUrl(), "benchmark-key", SimulatedLlm.MODEL)
        .maxConcurrentCalls(64).initialBackoff(Duration.ofMillis(20)).build();
  }

  private static AgpOptimizer agp(LlmClient llm, int concurrency) {
    return AgpOptimizer.builder().llm(llm).domain("movie").initialPrompt(PROMPT).batchSize(B).epochs(1)
        .concurrency(concurrency).seed(42).build();
  }

  /** Rounds of latency of an AGP fit at concurrency {@code c}, from what the fit did. */
  static long agpFloor(AgpModel model, int c, int validationUsers) {
    long rounds = 0;
    for (EpochRecord e : model.history().epochs()) {
      if (!e.reused()) {
        rounds += parallel(2L * validationUsers, 2, c);
      }
    }
    for (BatchRecord b : model.history().batches()) {
      long critiques = b.usage().stage(Stage.CRITIQUE).calls();
      long work = b.usage().stage(Stage.PROFILE).calls() + b.usage().stage(Stage.RERANK).calls() + critiques;
      rounds += parallel(work, critiques > 0 ? 3 : 2, c);
      rounds += b.usage().stage(Stage.SUMMARIZE).calls() + b.usage().stage(Stage.OPTIMIZE).calls();
    }
    return rounds;
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
