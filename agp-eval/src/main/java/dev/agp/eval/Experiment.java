package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.CaseReranker;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts methods side by side on the same test users, the paper's table: Base (always first),
 * LLM-Dir, LLM-CoT, AGP, RPP or any {@link Method}.
 *
 * <p>For each method in turn: {@link Method#prepare} with the training and validation users and
 * a client metered for that method alone; then every test user is ranked, {@code concurrency}
 * users at a time, and scored. Per method the result holds NDCG@k (mean and percentile-bootstrap
 * interval over users), HR@k, MRR, the mean position of the held-out item, a paired comparison
 * of per-user NDCG@k with Base (paired bootstrap and Wilcoxon signed-rank), calls, tokens and
 * cost for training and test, wall times, fallbacks and repaired answers.
 *
 * <p>Failures: a reranker that throws an {@link LlmException} for a user is scored with the
 * base order and counted as a fallback (as the LLM rerankers do themselves); when more than
 * {@link Builder#maxFallbackRate maxFallbackRate} of the test users fall back, the method has
 * failed and the run stops as soon as that is certain. A budget running out ({@link
 * LlmBudgetExceededException}) or any other exception stops the run too. Every stop is an
 * {@link ExperimentStoppedException} naming the method (and user, and the first failed call)
 * that carries the rows of the methods that finished, so that they can still be written. Results
 * do not depend on {@code concurrency}: users are gathered in order and the bootstrap is seeded.
 *
 * <p>Evidence needs controls beside the methods: {@link Method#sanityRows} (user-blind orders of
 * the same lists; {@link ExperimentResult#sanityWarnings()} says when one beats Base by more than
 * Base's interval), {@link Method#agpUntrained} and {@link Method#withPermutedLabels} (a learning
 * method without its learning, or taught noise), and {@link Builder#compare} for paired
 * comparisons between any two rows. The {@code agp} command line adds all of them.
 *
 * <pre>{@code
 * ExperimentResult r = Experiment.builder()
 *     .llm(client).users(candidateSets)
 *     .methods(Method.sanityRows(split, 42))
 *     .method(Method.direct()).method(Method.chainOfThought()).method(Method.agp())
 *     .method(Method.agpUntrained("AGP-untrained", b -> b)).compare("AGP", "AGP-untrained")
 *     .concurrency(8).seed(42)
 *     .costModel(CostModel.perMillionTokens(0.15, 0.60))
 *     .build().run();
 * ExperimentReport.write(r, Path.of("results"));
 * }</pre>
 */
public final class Experiment {

  /** The k of NDCG@k and HR@k. */
  public static final int DEFAULT_CUTOFF = 10;
  /** Test users ranked at once, and the trained methods' concurrency: AGP's default. */
  public static final int DEFAULT_CONCURRENCY = dev.agp.AgpOptimizer.DEFAULT_CONCURRENCY;
  /** Bootstrap resamples. */
  public static final int DEFAULT_BOOTSTRAP_SAMPLES = 10_000;
  /** Level of the intervals. */
  public static final double DEFAULT_CONFIDENCE = 0.95;
  /** The seed of the bootstrap, and the one given to methods. */
  public static final long DEFAULT_SEED = 42;
  /** Share of a method's test users that may fall back to the base order: all of them. */
  public static final double DEFAULT_MAX_FALLBACK_RATE = 1.0;

  private static final Logger log = LoggerFactory.getLogger(Experiment.class);
  private static final long CI_STREAM = 9_001;
  private static final long PAIRED_STREAM = 9_002;

  private final @Nullable LlmClient llm;
  private final List<UserCase> train;
  private final List<UserCase> validation;
  private final List<UserCase> test;
  private final Optional<CandidateSets.Report> candidates;
  private final List<Method> methods;
  private final int cutoff;
  private final int concurrency;
  private final int bootstrapSamples;
  private final double confidence;
  private final long seed;
  private final double maxFallbackRate;
  private final @Nullable CostModel costModel;
  private final String costDescription;
  private final String llmDescription;
  private final List<ExperimentListener> listeners;
  private final Clock clock;
  private final List<String[]> comparisons;

  private Experiment(Builder b) {
    this.llm = b.llm;
    this.train = List.copyOf(b.train);
    this.validation = List.copyOf(b.validation);
    this.test = List.copyOf(b.test);
    this.candidates = Optional.ofNullable(b.candidates);
    List<Method> all = new ArrayList<>();
    all.add(Method.base());
    all.addAll(b.methods);
    this.methods = List.copyOf(all);
    this.cutoff = b.cutoff;
    this.concurrency = b.concurrency;
    this.bootstrapSamples = b.bootstrapSamples;
    this.confidence = b.confidence;
    this.seed = b.seed;
    this.maxFallbackRate = b.maxFallbackRate;
    this.costModel = b.costModel;
    this.costDescription = b.costDescription;
    this.llmDescription = b.llmDescription;
    this.listeners = List.copyOf(b.listeners);
    this.clock = b.clock;
    this.comparisons = List.copyOf(b.comparisons);
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The calls each method announces, before any is made (Base first); empty where a method
   * cannot say or cannot be planned (for example it needs an LLM the experiment lacks).
   *
   * @return the planned calls per method name, in row order
   */
  public Map<String, OptionalLong> plan() {
    Map<String, OptionalLong> out = new LinkedHashMap<>();
    for (Method m : methods) {
      out.put(m.name(), planned(m, context(null)));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private OptionalLong planned(Method m, MethodContext ctx) {
    try {
      return m.plannedCalls(ctx, test.size());
    } catch (RuntimeException e) {
      log.debug("{} cannot plan its calls: {}", m.name(), e.getMessage());
      return OptionalLong.empty();
    }
  }

  private MethodContext context(@Nullable LlmClient metered) {
    return new MethodContext(train, validation, Optional.ofNullable(metered != null ? metered : llm), seed, concurrency);
  }

  /**
   * Runs every method on the test users.
   *
   * @return every method's row, Base first, with the settings and candidate report
   * @throws ExperimentStoppedException if a method fails to prepare, a reranker throws something
   *     other than a recoverable {@link LlmException} or returns something other than a
   *     permutation, more than {@code maxFallbackRate} of a method's test users fall back, or the
   *     budget runs out; the message names the method (and user), and the exception holds the
   *     rows of the methods that finished
   */
  public ExperimentResult run() {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    Map<String, OptionalLong> plan = plan();
    plan.forEach((name, calls) -> log.info("{}: {} planned LLM calls", name, calls.isPresent() ? calls.getAsLong() : "unknown"));
    List<MethodResult> rows = new ArrayList<>();
    ExecutorService pool = concurrency > 1 ? Executors.newFixedThreadPool(concurrency, new Threads()) : null;
    try {
      double[] baseNdcg = null;
      for (Method m : methods) {
        MethodResult r;
        try {
          r = runMethod(m, plan.get(m.name()), baseNdcg, pool);
        } catch (RuntimeException e) {
          String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          ExperimentResult partial = new ExperimentResult(
              rows, settings(), candidates, started, Duration.ofNanos(System.nanoTime() - t0), List.of(), Optional.of(why));
          throw new ExperimentStoppedException(why, e, m.name(), partial);
        }
        if (baseNdcg == null) {
          baseNdcg = ndcgs(r);
        }
        rows.add(r);
        for (ExperimentListener l : listeners) {
          l.onMethodEnd(r);
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    List<ExperimentResult.MethodComparison> compared = new ArrayList<>();
    double alpha = (1 - confidence) / 2;
    for (String[] pair : comparisons) {
      MethodResult a = row(rows, pair[0]);
      MethodResult b = row(rows, pair[1]);
      compared.add(new ExperimentResult.MethodComparison(a.name(), paired(ndcgs(a), ndcgs(b), b.name(), alpha)));
    }
    return new ExperimentResult(
        rows, settings(), candidates, started, Duration.ofNanos(System.nanoTime() - t0), compared);
  }

  private ExperimentResult.Settings settings() {
    return new ExperimentResult.Settings(
        cutoff, seed, concurrency, bootstrapSamples, confidence, train.size(), validation.size(), test.size(),
        costDescription, llmDescription);
  }

  private static MethodResult row(List<MethodResult> rows, String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no row named " + name));
  }

  private static double[] ndcgs(MethodResult r) {
    return r.users().stream().mapToDouble(u -> u.metrics().ndcg()).toArray();
  }

  private MethodResult runMethod(Method m, OptionalLong planned, double @Nullable [] baseNdcg, @Nullable ExecutorService pool) {
    LlmUsageMeter meter = new LlmUsageMeter();
    AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
    meter.addListener(e -> e.failure().ifPresent(f -> firstFailure.compareAndSet(null, f)));
    LlmClient metered = llm == null ? null : meter.wrap(llm);
    MethodContext ctx = context(metered);
    for (ExperimentListener l : listeners) {
      l.onMethodStart(m.name(), planned);
    }
    long start = System.nanoTime();
    PreparedMethod prepared;
    try {
      prepared = m.prepare(ctx);
    } catch (RuntimeException e) {
      throw new IllegalStateException("method " + m.name() + " failed to prepare: " + e.getMessage(), e);
    }
    Duration trainingTime = Duration.ofNanos(System.nanoTime() - start);
    UsageReport trainingUsage = meter.snapshot();
    for (ExperimentListener l : listeners) {
      l.onTestStart(m.name(), test.size());
    }
    long testStart = System.nanoTime();
    List<MethodResult.UserResult> users = rank(m.name(), prepared.reranker(), pool, new Fallbacks(m.name(), firstFailure));
    Duration testTime = Duration.ofNanos(System.nanoTime() - testStart);
    UsageReport testUsage = meter.snapshot().minus(trainingUsage);
    List<Histogram> histograms = requireNonNull(prepared.servedHistograms().get(), "served histograms of " + m.name());

    List<RankingMetrics.UserMetrics> metrics = users.stream().map(MethodResult.UserResult::metrics).toList();
    double[] ndcg = metrics.stream().mapToDouble(RankingMetrics.UserMetrics::ndcg).toArray();
    double[] sorted = Statistics.bootstrapMeans(ndcg, bootstrapSamples, seed, CI_STREAM);
    double alpha = (1 - confidence) / 2;
    MethodResult.Interval interval =
        new MethodResult.Interval(Statistics.mean(ndcg), Statistics.quantile(sorted, alpha), Statistics.quantile(sorted, 1 - alpha), confidence);
    Optional<MethodResult.PairedComparison> paired =
        baseNdcg == null ? Optional.empty() : Optional.of(paired(ndcg, baseNdcg, Methods.BASE, alpha));
    UsageReport all = trainingUsage.plus(testUsage);
    OptionalDouble cost = costModel == null ? OptionalDouble.empty() : OptionalDouble.of(costModel.cost(all));
    int fallbacks = (int) users.stream().filter(MethodResult.UserResult::fallback).count();
    int repaired = (int) users.stream().filter(MethodResult.UserResult::repaired).count();
    log.info("{}: NDCG@{} {} [{}, {}], {} calls, {} fallbacks", m.name(), cutoff, interval.mean(), interval.low(),
        interval.high(), all.total().calls(), fallbacks);
    return new MethodResult(
        m.name(), m.parameters(), RankingMetrics.mean(metrics), interval, paired, planned, trainingUsage, testUsage, cost,
        trainingTime, testTime, fallbacks, repaired, users, prepared.validationCurve(), prepared.details(), histograms,
        m.kind());
  }

  private MethodResult.PairedComparison paired(double[] ndcg, double[] base, String baseline, double alpha) {
    return paired(baseline, ndcg, base, bootstrapSamples, alpha, seed);
  }

  /**
   * Per-user {@code ndcg} against {@code base} on the same users: paired bootstrap interval of the
   * mean difference ({@code alpha} in each tail) and Wilcoxon signed-rank test.
   */
  static MethodResult.PairedComparison paired(
      String baseline, double[] ndcg, double[] base, int bootstrapSamples, double alpha, long seed) {
    double[] d = new double[ndcg.length];
    int wins = 0;
    int losses = 0;
    for (int i = 0; i < d.length; i++) {
      d[i] = ndcg[i] - base[i];
      if (d[i] > 0) {
        wins++;
      } else if (d[i] < 0) {
        losses++;
      }
    }
    double[] sorted = Statistics.bootstrapMeans(d, bootstrapSamples, seed, PAIRED_STREAM);
    double[] w = Statistics.wilcoxon(d);
    return new MethodResult.PairedComparison(
        baseline, Statistics.mean(d), Statistics.quantile(sorted, alpha), Statistics.quantile(sorted, 1 - alpha),
        Statistics.bootstrapP(sorted), w[0], w[1], w[2], wins, losses, d.length - wins - losses);
  }

  /** Counts a method's fallbacks and stops it once more than {@code maxFallbackRate} of its users fell back. */
  private final class Fallbacks {
    private final String method;
    private final AtomicReference<RuntimeException> firstFailure;
    private final long allowed = (long) Math.floor(maxFallbackRate * test.size());
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean over;

    Fallbacks(String method, AtomicReference<RuntimeException> firstFailure) {
      this.method = method;
      this.firstFailure = firstFailure;
    }

    void checkNotOver() {
      if (over) {
        throw failed();
      }
    }

    void count(MethodResult.UserResult r) {
      if (r.fallback() && count.incrementAndGet() > allowed) {
        over = true;
        throw failed();
      }
    }

    private IllegalStateException failed() {
      RuntimeException first = firstFailure.get();
      return new IllegalStateException(
          "method " + method + ": more than " + allowed + " of " + test.size() + " test users fell back to the base order"
              + " (maxFallbackRate " + maxFallbackRate + ")"
              + (first == null ? "" : "; first failed call: " + first.getMessage()),
          first);
    }
  }

  private List<MethodResult.UserResult> rank(
      String method, CaseReranker reranker, @Nullable ExecutorService pool, Fallbacks fallbacks) {
    List<MethodResult.UserResult> out = new ArrayList<>(test.size());
    if (pool == null) {
      for (UserCase u : test) {
        MethodResult.UserResult r = rankOne(method, reranker, u);
        out.add(r);
        fallbacks.count(r);
      }
      return out;
    }
    List<Future<MethodResult.UserResult>> futures = new ArrayList<>(test.size());
    java.util.concurrent.atomic.AtomicBoolean halted = new java.util.concurrent.atomic.AtomicBoolean();
    for (UserCase u : test) {
      futures.add(pool.submit(() -> {
        if (halted.get()) {
          throw new java.util.concurrent.CancellationException("the method stopped");
        }
        fallbacks.checkNotOver();
        MethodResult.UserResult r = rankOne(method, reranker, u);
        fallbacks.count(r);
        return r;
      }));
    }
    try {
      for (Future<MethodResult.UserResult> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      halted.set(true);
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + method, e);
    } catch (ExecutionException e) {
      halted.set(true);
      settle(futures);
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(method + " failed: " + e.getCause(), e.getCause());
    }
    return out;
  }

  /**
   * After a user stopped the method (the caller has halted the users not started yet): calls
   * already in flight finish rather than being cut off, so that an answer the backend was paying
   * for is received (and cached, and counted) instead of lost.
   */
  private static void settle(List<Future<MethodResult.UserResult>> futures) {
    boolean interrupted = false;
    for (Future<MethodResult.UserResult> f : futures) {
      while (!f.isDone()) {
        try {
          f.get();
        } catch (InterruptedException e) {
          interrupted = true;
          futures.forEach(g -> g.cancel(true));
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          // its own failure, if any, is not the one being reported
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private MethodResult.UserResult rankOne(String method, CaseReranker reranker, UserCase u) {
    Ranking r;
    try {
      r = reranker.rerank(u);
    } catch (LlmBudgetExceededException e) {
      throw new IllegalStateException("method " + method + " ran out of budget at user " + u.userId() + ": " + e.getMessage(), e);
    } catch (LlmException e) {
      log.warn("{} failed for user {} ({}); scoring the base order", method, u.userId(), e.getMessage());
      r = Ranking.fallback(u);
    } catch (RuntimeException e) {
      throw new IllegalStateException("method " + method + " failed on user " + u.userId() + ": " + e.getMessage(), e);
    }
    if (r == null || !r.isPermutationOf(u)) {
      throw new IllegalStateException(
          "method " + method + " returned " + (r == null ? "null" : r.itemIds()) + " for user " + u.userId()
              + ", not a permutation of its candidates");
    }
    RankingMetrics.UserMetrics m = RankingMetrics.evaluate(r.itemIds(), RankingMetrics.binary(u.relevantItemIds()), cutoff);
    for (ExperimentListener l : listeners) {
      l.onUserDone(method, u.userId());
    }
    return new MethodResult.UserResult(
        u.userId(), r.itemIds(), m, r.fallback(), r.repair().repaired(), r.itemIds().equals(u.candidateIds()));
  }

  private static final class Threads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "agp-experiment-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  /**
   * Options of an {@link Experiment}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value; {@link #build()} throws
   * {@link IllegalStateException} for missing or conflicting settings.
   */
  public static final class Builder {
    private @Nullable LlmClient llm;
    private List<UserCase> train = List.of();
    private List<UserCase> validation = List.of();
    private List<UserCase> test = List.of();
    private CandidateSets.@Nullable Report candidates;
    private final List<Method> methods = new ArrayList<>();
    private int cutoff = DEFAULT_CUTOFF;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int bootstrapSamples = DEFAULT_BOOTSTRAP_SAMPLES;
    private double confidence = DEFAULT_CONFIDENCE;
    private long seed = DEFAULT_SEED;
    private double maxFallbackRate = DEFAULT_MAX_FALLBACK_RATE;
    private @Nullable CostModel costModel;
    private String costDescription = "none";
    private String llmDescription = "not described";
    private final List<ExperimentListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private final List<String[]> comparisons = new ArrayList<>();

    private Builder() {}

    /**
     * The LLM every method's client wraps (metered per method). Needed by LLM methods.
     *
     * @param llm the shared LLM
     * @return this builder
     */
    public Builder llm(LlmClient llm) {
      this.llm = requireNonNull(llm, "llm");
      return this;
    }

    /**
     * The LLM the methods call, and how reports describe it (for example {@code "gpt-4o-mini via
     * OpenAI"}, or a simulated LLM's notice, which reports must carry with every number).
     *
     * @param llm the shared LLM
     * @param description how reports name it
     * @return this builder
     */
    public Builder llm(LlmClient llm, String description) {
      llm(llm);
      this.llmDescription = requireNonNull(description, "description");
      return this;
    }

    /**
     * The training, validation and test users of {@code sets}, and its report for the results.
     *
     * @param sets the candidate sets
     * @return this builder
     */
    public Builder users(CandidateSets sets) {
      requireNonNull(sets, "sets");
      this.train = sets.train();
      this.validation = sets.validation();
      this.test = sets.test();
      this.candidates = sets.report();
      return this;
    }

    /**
     * Users methods may train on (default none).
     *
     * @param users the training users
     * @return this builder
     */
    public Builder train(List<UserCase> users) {
      this.train = List.copyOf(requireNonNull(users, "train"));
      return this;
    }

    /**
     * Users methods may select on (default none).
     *
     * @param users the validation users
     * @return this builder
     */
    public Builder validation(List<UserCase> users) {
      this.validation = List.copyOf(requireNonNull(users, "validation"));
      return this;
    }

    /**
     * Users every method is scored on; each needs a relevant item.
     *
     * @param users the test users
     * @return this builder
     */
    public Builder test(List<UserCase> users) {
      this.test = List.copyOf(requireNonNull(users, "test"));
      return this;
    }

    /**
     * Adds a method (Base is always the first row).
     *
     * @param method the method, run after those added before
     * @return this builder
     */
    public Builder method(Method method) {
      methods.add(requireNonNull(method, "method"));
      return this;
    }

    /**
     * Adds methods, in order.
     *
     * @param list the methods, run in this order
     * @return this builder
     */
    public Builder methods(List<Method> list) {
      requireNonNull(list, "methods").forEach(this::method);
      return this;
    }

    /**
     * The k of NDCG@k and HR@k, {@code >= 1} (default {@value Experiment#DEFAULT_CUTOFF}).
     *
     * @param k the cutoff of every metric
     * @return this builder
     */
    public Builder cutoff(int k) {
      this.cutoff = atLeast("cutoff", k, 1);
      return this;
    }

    /**
     * Test users ranked at once, {@code >= 1} (default {@value Experiment#DEFAULT_CONCURRENCY});
     * never changes results.
     *
     * @param n the number of users ranked at once
     * @return this builder
     */
    public Builder concurrency(int n) {
      this.concurrency = atLeast("concurrency", n, 1);
      return this;
    }

    /**
     * Bootstrap resamples, {@code >= 100} (default {@value Experiment#DEFAULT_BOOTSTRAP_SAMPLES}).
     *
     * @param n the number of resamples
     * @return this builder
     */
    public Builder bootstrapSamples(int n) {
      this.bootstrapSamples = atLeast("bootstrapSamples", n, 100);
      return this;
    }

    /**
     * The intervals' level, in (0, 1) (default 0.95).
     *
     * @param level the confidence level
     * @return this builder
     */
    public Builder confidence(double level) {
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("confidence must be in (0, 1) but was " + level);
      }
      this.confidence = level;
      return this;
    }

    /**
     * The seed of the bootstrap, given to methods too; any value, 0 included.
     *
     * @param seed the seed of the bootstrap and of the methods
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The share of a method's test users, in [0, 1], that may fall back to the base order because
     * the backend failed (default {@value Experiment#DEFAULT_MAX_FALLBACK_RATE}: any share); above
     * it the method has failed and {@link Experiment#run()} stops as soon as that is certain.
     *
     * @param rate the largest share of fallbacks a method may have
     * @return this builder
     */
    public Builder maxFallbackRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("maxFallbackRate must be in [0, 1] but was " + rate);
      }
      this.maxFallbackRate = rate;
      return this;
    }

    /**
     * Prices usage (default: no cost column).
     *
     * @param model the cost model
     * @return this builder
     */
    public Builder costModel(CostModel model) {
      return costModel(model, "custom");
    }

    /**
     * Prices usage, described in the report (for example "gpt-4o-mini list prices, 2025-01").
     *
     * @param model the cost model
     * @param description how reports name the prices
     * @return this builder
     */
    public Builder costModel(CostModel model, String description) {
      this.costModel = requireNonNull(model, "costModel");
      this.costDescription = requireNonNull(description, "description");
      return this;
    }

    /**
     * Also compares {@code method} with {@code baseline} on the same test users (paired bootstrap
     * interval of the mean NDCG difference, Wilcoxon signed-rank), beside every method's comparison
     * with Base: for example {@code compare("AGP", "LLM-Dir")} or {@code compare("AGP",
     * "AGP-untrained")}. Both must be rows of the experiment ("Base" included).
     *
     * @param method the row compared
     * @param baseline the row it is compared with
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the two names are the same
     */
    public Builder compare(String method, String baseline) {
      requireNonNull(method, "method");
      requireNonNull(baseline, "baseline");
      if (method.equals(baseline)) {
        throw new IllegalArgumentException("a method cannot be compared with itself: " + method);
      }
      comparisons.add(new String[] {method, baseline});
      return this;
    }

    /**
     * Adds a progress listener.
     *
     * @param listener told when methods and users start and finish
     * @return this builder
     */
    public Builder listener(ExperimentListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The clock of the result's start time (tests use a fixed one).
     *
     * @param clock the clock the start time is read from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @return the experiment, ready to {@link Experiment#run()}
     * @throws IllegalStateException if there are no test users, a test user has no relevant
     *     item, a user id is in two sets, or two methods share a name
     */
    public Experiment build() {
      if (test.isEmpty()) {
        throw new IllegalStateException("no test users: set users(...) or test(...)");
      }
      for (UserCase u : test) {
        if (u.relevantItemIds().isEmpty()) {
          throw new IllegalStateException("test user " + u.userId() + " has no relevant item among its candidates");
        }
      }
      Set<String> ids = new HashSet<>();
      for (List<UserCase> set : List.of(train, validation, test)) {
        for (UserCase u : set) {
          if (!ids.add(u.userId())) {
            throw new IllegalStateException("user " + u.userId() + " appears twice across train/validation/test");
          }
        }
      }
      Set<String> names = new java.util.LinkedHashSet<>(List.of(Methods.BASE));
      for (Method m : methods) {
        if (!names.add(m.name())) {
          throw new IllegalStateException("two methods are named " + m.name() + " (Base is added automatically)");
        }
      }
      for (String[] pair : comparisons) {
        for (String name : pair) {
          if (!names.contains(name)) {
            throw new IllegalStateException(
                "compare(" + pair[0] + ", " + pair[1] + "): no method is named " + name + " (methods: " + names + ")");
          }
        }
      }
      return new Experiment(this);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + " but was " + v);
      }
      return v;
    }
  }
}
