package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.StageUsage;
import dev.agp.llm.UsageReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One method's row of an experiment.
 *
 * @param name the method's name
 * @param parameters its ablation parameters (may be empty)
 * @param means the metrics averaged over the test users (NDCG@k, HR@k, MRR, mean position, ...)
 * @param ndcg mean NDCG@k with its percentile-bootstrap interval over users
 * @param versusBase the paired comparison of per-user NDCG@k against Base; empty for Base itself
 * @param plannedCalls the calls the method announced before running, when it could say
 * @param trainingUsage LLM usage while preparing (training, validation)
 * @param testUsage LLM usage while ranking the test users
 * @param cost the cost of all usage under the experiment's cost model, when one was given
 * @param trainingTime wall time of the preparation
 * @param testTime wall time of ranking the test users
 * @param fallbacks test users whose ranking fell back to the base order (backend failures)
 * @param repaired test users whose LLM answer needed repairs to become a permutation
 * @param users per-user rankings and metrics, in test-user order
 * @param validationCurve validation scores during training (AGP: per epoch)
 * @param details facts from the preparation (learned prompt, best epoch, ...)
 * @param servedHistograms counts of what the method served to the test users (RPP: per prompt
 *     pattern); empty for most methods
 * @param kind what the row is for: Base, a sanity order, a control or a method
 */
public record MethodResult(
    String name,
    Map<String, String> parameters,
    RankingMetrics.MeanMetrics means,
    Interval ndcg,
    Optional<PairedComparison> versusBase,
    OptionalLong plannedCalls,
    UsageReport trainingUsage,
    UsageReport testUsage,
    OptionalDouble cost,
    Duration trainingTime,
    Duration testTime,
    int fallbacks,
    int repaired,
    List<UserResult> users,
    List<PreparedMethod.ValidationPoint> validationCurve,
    Map<String, String> details,
    List<Histogram> servedHistograms,
    MethodKind kind) {

  /**
   * @param name the method's name
   * @param parameters its ablation parameters (may be empty)
   * @param means the metrics averaged over the test users (NDCG@k, HR@k, MRR, mean position, ...)
   * @param ndcg mean NDCG@k with its percentile-bootstrap interval over users
   * @param versusBase the paired comparison of per-user NDCG@k against Base; empty for Base itself
   * @param plannedCalls the calls the method announced before running, when it could say
   * @param trainingUsage LLM usage while preparing (training, validation)
   * @param testUsage LLM usage while ranking the test users
   * @param cost the cost of all usage under the experiment's cost model, when one was given
   * @param trainingTime wall time of the preparation
   * @param testTime wall time of ranking the test users
   * @param fallbacks test users whose ranking fell back to the base order (backend failures)
   * @param repaired test users whose LLM answer needed repairs to become a permutation
   * @param users per-user rankings and metrics, in test-user order
   * @param validationCurve validation scores during training (AGP: per epoch)
   * @param details facts from the preparation (learned prompt, best epoch, ...)
   * @param servedHistograms counts of what the method served to the test users (RPP: per prompt
   *     pattern); empty for most methods
   * @param kind what the row is for: Base, a sanity order, a control or a method
   * @throws NullPointerException if an argument is null
   */
  public MethodResult {
    requireNonNull(name, "name");
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    requireNonNull(means, "means");
    requireNonNull(ndcg, "ndcg");
    requireNonNull(versusBase, "versusBase");
    requireNonNull(plannedCalls, "plannedCalls");
    requireNonNull(trainingUsage, "trainingUsage");
    requireNonNull(testUsage, "testUsage");
    requireNonNull(cost, "cost");
    requireNonNull(trainingTime, "trainingTime");
    requireNonNull(testTime, "testTime");
    users = List.copyOf(users);
    validationCurve = List.copyOf(validationCurve);
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    servedHistograms = List.copyOf(servedHistograms);
    requireNonNull(kind, "kind");
  }

  /**
   * Share of test users whose held-out item this method placed in its first {@code n} (HR@n);
   * NaN when there are no users.
   *
   * @param n the cutoff, {@code >= 1}
   * @return the hit rate at {@code n}
   * @throws IllegalArgumentException if n is below 1
   */
  public double hitRate(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1 but was " + n);
    }
    if (users.isEmpty()) {
      return Double.NaN;
    }
    long hits = users.stream().filter(u -> u.metrics().position().isPresent() && u.metrics().position().getAsInt() <= n).count();
    return (double) hits / users.size();
  }

  /**
   * Test users whose LLM answer was the base order exactly although no fallback happened: a model
   * copying the example or ignoring the user shows up here. 0 for rows that made no test call.
   *
   * @return the number of such users
   */
  public int baseOrderAnswers() {
    if (testUsage.total().calls() == 0) {
      return 0; // no LLM answered: Base and the sanity rows order by code
    }
    return (int) users.stream().filter(u -> u.baseOrder() && !u.fallback()).count();
  }

  /** {@return training plus test usage} */
  public UsageReport usage() {
    return trainingUsage.plus(testUsage);
  }

  /** {@return the number of LLM calls made} */
  public long calls() {
    return usage().total().calls();
  }

  /** {@return the number of tokens, input and output} */
  public long tokens() {
    StageUsage t = usage().total();
    return t.totalTokens();
  }

  /** {@return training plus test time} */
  public Duration wallTime() {
    return trainingTime.plus(testTime);
  }

  /**
   * A mean with its confidence interval.
   *
   * @param mean the sample mean
   * @param low the lower bound
   * @param high the upper bound
   * @param confidence the interval's level, for example 0.95
   */
  public record Interval(double mean, double low, double high, double confidence) {}

  /**
   * A method's per-user NDCG against the baseline's on the same users.
   *
   * @param baseline the method compared against (Base)
   * @param meanDifference mean of (this method's NDCG - the baseline's) over users
   * @param low lower bound of the paired-bootstrap interval of the mean difference
   * @param high upper bound
   * @param bootstrapP two-sided paired-bootstrap p value: twice the smaller share of resampled
   *     mean differences on either side of 0
   * @param wilcoxonWPlus the Wilcoxon signed-rank statistic W+ (rank sum of positive differences)
   * @param wilcoxonZ its normal score (continuity- and tie-corrected)
   * @param wilcoxonP two-sided Wilcoxon p value (exact for up to 30 untied non-zero pairs, else
   *     the normal approximation); 1 when every difference is 0
   * @param wins users this method ranked better
   * @param losses users it ranked worse
   * @param ties users with equal NDCG (left out of the Wilcoxon test)
   */
  public record PairedComparison(
      String baseline,
      double meanDifference,
      double low,
      double high,
      double bootstrapP,
      double wilcoxonWPlus,
      double wilcoxonZ,
      double wilcoxonP,
      int wins,
      int losses,
      int ties) {

    /**
     * @param baseline the method compared against (Base)
     * @param meanDifference mean of (this method's NDCG - the baseline's) over users
     * @param low lower bound of the paired-bootstrap interval of the mean difference
     * @param high upper bound
     * @param bootstrapP two-sided paired-bootstrap p value: twice the smaller share of resampled
     *     mean differences on either side of 0
     * @param wilcoxonWPlus the Wilcoxon signed-rank statistic W+ (rank sum of positive differences)
     * @param wilcoxonZ its normal score (continuity- and tie-corrected)
     * @param wilcoxonP two-sided Wilcoxon p value (exact for up to 30 untied non-zero pairs, else
     *     the normal approximation); 1 when every difference is 0
     * @param wins users this method ranked better
     * @param losses users it ranked worse
     * @param ties users with equal NDCG (left out of the Wilcoxon test)
     * @throws NullPointerException if baseline is null
     */
    public PairedComparison {
      requireNonNull(baseline, "baseline");
    }
  }

  /**
   * One test user under one method.
   *
   * @param userId the user
   * @param ranking the method's order of the candidates
   * @param metrics the user's metrics
   * @param fallback whether the base order came back because the backend failed
   * @param repaired whether the LLM's answer needed repairs
   * @param baseOrder whether the ranking is the base order exactly (a fallback always is)
   */
  public record UserResult(
      String userId,
      List<String> ranking,
      RankingMetrics.UserMetrics metrics,
      boolean fallback,
      boolean repaired,
      boolean baseOrder) {

    /**
     * @param userId the user
     * @param ranking the method's order of the candidates
     * @param metrics the user's metrics
     * @param fallback whether the base order came back because the backend failed
     * @param repaired whether the LLM's answer needed repairs
     * @param baseOrder whether the ranking is the base order exactly (a fallback always is)
     * @throws NullPointerException if an argument is null
     */
    public UserResult {
      requireNonNull(userId, "userId");
      ranking = List.copyOf(ranking);
      requireNonNull(metrics, "metrics");
    }
  }
}
