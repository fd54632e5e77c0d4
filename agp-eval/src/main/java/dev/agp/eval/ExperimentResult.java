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
 * @param partial why the run stopped before every method finished (then {@code methods} holds
 *     the methods that did); empty for a complete run
 */
public record ExperimentResult(
    List<MethodResult> methods,
    Settings settings,
    Optional<CandidateSets.Report> candidates,
    Instant started,
    Duration wallTime,
    Optional<String> partial) {

  /** @throws NullPointerException if an argument is null */
  public ExperimentResult {
    methods = List.copyOf(methods);
    requireNonNull(settings, "settings");
    requireNonNull(candidates, "candidates");
    requireNonNull(started, "started");
    requireNonNull(wallTime, "wallTime");
    requireNonNull(partial, "partial");
  }

  /**
   * A complete run's result.
   *
   * @throws NullPointerException if an argument is null
   */
  public ExperimentResult(
      List<MethodResult> methods,
      Settings settings,
      Optional<CandidateSets.Report> candidates,
      Instant started,
      Duration wallTime) {
    this(methods, settings, candidates, started, wallTime, Optional.empty());
  }

  /** Whether every method finished (see {@link #partial()}). */
  public boolean complete() {
    return partial.isEmpty();
  }

  /** The row of {@code name}. */
  public Optional<MethodResult> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
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

    /** @throws NullPointerException if costModel or llm is null */
    public Settings {
      requireNonNull(costModel, "costModel");
      requireNonNull(llm, "llm");
    }
  }
}
