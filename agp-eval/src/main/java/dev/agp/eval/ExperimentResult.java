package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every method's results on the same test users.
 *
 * @param methods one row per method, Base first, in the order given
 * @param settings how the experiment ran
 * @param candidates how the candidate lists were made, when the experiment was given them
 * @param started when the run started
 * @param wallTime the whole run
 * @param comparisons paired comparisons between methods asked for with {@link
 *     Experiment.Builder#compare}, in the order asked
 * @param partial why the run stopped before every method finished (then {@code methods} holds
 *     the methods that did); empty for a complete run
 */
public record ExperimentResult(
    List<MethodResult> methods,
    Settings settings,
    Optional<CandidateSets.Report> candidates,
    Instant started,
    Duration wallTime,
    List<MethodComparison> comparisons,
    Optional<String> partial) {

  /**
   * @param methods one row per method, Base first, in the order given
   * @param settings how the experiment ran
   * @param candidates how the candidate lists were made, when the experiment was given them
   * @param started when the run started
   * @param wallTime the whole run
   * @param comparisons paired comparisons between methods asked for with {@link
   *     Experiment.Builder#compare}, in the order asked
   * @param partial why the run stopped before every method finished (then {@code methods} holds the
   *     methods that did); empty for a complete run
   * @throws NullPointerException if an argument is null
   */
  public ExperimentResult {
    methods = List.copyOf(methods);
    requireNonNull(settings, "settings");
    requireNonNull(candidates, "candidates");
    requireNonNull(started, "started");
    requireNonNull(wallTime, "wallTime");
    comparisons = List.copyOf(comparisons);
    requireNonNull(partial, "partial");
  }

  /**
   * A complete run's result.
   *
   * @param methods one row per method, Base first, in the order given
   * @param settings how the experiment ran
   * @param candidates how the candidate lists were made, when the experiment was given them
   * @param started when the run started
   * @param wallTime the whole run
   * @param comparisons paired comparisons between methods asked for with {@link
   *     Experiment.Builder#compare}, in the order asked
   * @throws NullPointerException if an argument is null
   */
  public ExperimentResult(
      List<MethodResult> methods, Settings settings, Optional<CandidateSets.Report> candidates, Instant started,
      Duration wallTime, List<MethodComparison> comparisons) {
    this(methods, settings, candidates, started, wallTime, comparisons, Optional.empty());
  }

  /** {@return whether every method finished (see {@link #partial()})} */
  public boolean complete() {
    return partial.isEmpty();
  }

  /**
   * A result without comparisons between methods.
   *
   * @param methods one row per method, Base first, in the order given
   * @param settings how the experiment ran
   * @param candidates how the candidate lists were made, when the experiment was given them
   * @param started when the run started
   * @param wallTime the whole run
   * @throws NullPointerException if an argument is null
   */
  public ExperimentResult(
      List<MethodResult> methods, Settings settings, Optional<CandidateSets.Report> candidates, Instant started,
      Duration wallTime) {
    this(methods, settings, candidates, started, wallTime, List.of());
  }

  /**
   * One method's per-user NDCG against another method's on the same test users.
   *
   * @param method the method compared
   * @param versus the comparison; its {@code baseline} names the other method
   */
  public record MethodComparison(String method, MethodResult.PairedComparison versus) {
    /**
     * @param method the method compared
     * @param versus the comparison; its {@code baseline} names the other method
     * @throws NullPointerException if an argument is null
     */
    public MethodComparison {
      requireNonNull(method, "method");
      requireNonNull(versus, "versus");
    }
  }

  /**
   * The sanity rows ({@link MethodKind#SANITY}) that beat Base by more than the half-width of
   * Base's confidence interval, each as a sentence; empty when the candidate lists pass (or when
   * there is no Base or no sanity row). A non-empty answer means the lists carry a user-blind
   * signal, and LLM methods may gain from it without modelling users.
   *
   * @return one sentence per suspicious sanity row
   */
  public List<String> sanityWarnings() {
    Optional<MethodResult> base = methods.stream().filter(m -> m.kind() == MethodKind.BASE).findFirst();
    if (base.isEmpty()) {
      return List.of();
    }
    MethodResult.Interval b = base.get().ndcg();
    double halfWidth = (b.high() - b.low()) / 2;
    List<String> out = new java.util.ArrayList<>();
    for (MethodResult m : methods) {
      double gain = m.ndcg().mean() - b.mean();
      if (m.kind() == MethodKind.SANITY && gain > halfWidth) {
        out.add(String.format(java.util.Locale.ROOT,
            "%s, a user-blind order, beats Base by %+.4f NDCG@%d, more than the half-width (%.4f) of Base's interval:"
                + " the candidate lists carry a signal that needs no knowledge of the user",
            m.name(), gain, settings.cutoff(), halfWidth));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The half-width of Base's NDCG interval, the yardstick of the sanity rows; empty without Base.
   *
   * @return the half-width, or empty without a Base row
   */
  public java.util.OptionalDouble baseHalfWidth() {
    return methods.stream().filter(m -> m.kind() == MethodKind.BASE).findFirst()
        .map(m -> java.util.OptionalDouble.of((m.ndcg().high() - m.ndcg().low()) / 2))
        .orElse(java.util.OptionalDouble.empty());
  }

  /**
   * The row of {@code name}.
   *
   * @param name the method's name
   * @return the row, or empty when no method has that name
   */
  public Optional<MethodResult> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The paired comparison of {@code method}'s per-user NDCG@k with {@code baseline}'s on the same
   * test users, computed like {@link MethodResult#versusBase()} (paired bootstrap with the
   * experiment's samples, confidence and seed; Wilcoxon signed-rank); empty when either row is
   * missing. Deterministic.
   *
   * @param method the method's name
   * @param baseline the baseline's name
   * @return the comparison, or empty when either row is missing
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the two rows did not rank the same users in the same order
   */
  public Optional<MethodResult.PairedComparison> paired(String method, String baseline) {
    requireNonNull(method, "method");
    requireNonNull(baseline, "baseline");
    Optional<MethodResult> m = method(method);
    Optional<MethodResult> b = method(baseline);
    if (m.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    List<String> ids = m.get().users().stream().map(MethodResult.UserResult::userId).toList();
    if (!ids.equals(b.get().users().stream().map(MethodResult.UserResult::userId).toList())) {
      throw new IllegalStateException(method + " and " + baseline + " did not rank the same users in the same order");
    }
    double[] x = m.get().users().stream().mapToDouble(u -> u.metrics().ndcg()).toArray();
    double[] y = b.get().users().stream().mapToDouble(u -> u.metrics().ndcg()).toArray();
    return Optional.of(Experiment.paired(
        baseline, x, y, settings.bootstrapSamples(), (1 - settings.confidence()) / 2, settings.seed()));
  }

  /**
   * How the experiment ran.
   *
   * @param cutoff the k of NDCG@k and HR@k
   * @param seed the experiment's seed (bootstrap resampling, and given to the methods)
   * @param concurrency test users ranked at once
   * @param bootstrapSamples resamples of the intervals and paired tests
   * @param confidence the intervals' level
   * @param trainUsers training users given to the methods
   * @param validationUsers validation users given to the methods
   * @param testUsers test users every method ranked
   * @param costModel a description of the cost model, or "none"
   * @param llm how the experiment's LLM was described (with a simulated LLM's notice)
   */
  public record Settings(
      int cutoff,
      long seed,
      int concurrency,
      int bootstrapSamples,
      double confidence,
      int trainUsers,
      int validationUsers,
      int testUsers,
      String costModel,
      String llm) {

    /**
     * @param cutoff the k of NDCG@k and HR@k
     * @param seed the experiment's seed (bootstrap resampling, and given to the methods)
     * @param concurrency test users ranked at once
     * @param bootstrapSamples resamples of the intervals and paired tests
     * @param confidence the intervals' level
     * @param trainUsers training users given to the methods
     * @param validationUsers validation users given to the methods
     * @param testUsers test users every method ranked
     * @param costModel a description of the cost model, or "none"
     * @param llm how the experiment's LLM was described (with a simulated LLM's notice)
     * @throws NullPointerException if costModel or llm is null
     */
    public Settings {
      requireNonNull(costModel, "costModel");
      requireNonNull(llm, "llm");
    }
  }
}
