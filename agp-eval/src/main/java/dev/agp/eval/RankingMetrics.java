package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Ranking metrics with trec_eval's definitions, for one user (a "query") at a time; {@link
 * #evaluate} computes them all at once and {@link #mean} averages per-user values.
 *
 * <p>Conventions (those of trec_eval 9/10, {@code ndcg_cut}, {@code P}, {@code recall}, {@code
 * recip_rank} and {@code success}):
 *
 * <ul>
 *   <li>{@code ranking} is the system's list, best first (rank 1 = index 0). Ids must not repeat.
 *   <li>{@code relevance} maps item ids to grades; a missing id has grade 0. Grade 0 means not
 *       relevant; a grade {@code >= 1} is relevant. Grades are never negative.
 *   <li><b>NDCG@k</b> = DCG@k / IDCG@k with linear gain (the grade) and discount {@code
 *       1/log2(rank + 1)}: {@code DCG@k = sum over ranks r <= k of grade(r) / log2(r + 1)}. The
 *       ideal DCG sorts <em>all</em> relevant items of the user by grade, ranked or not, and cuts
 *       that ideal list at k. A user without relevant items scores 0.
 *   <li><b>P@k</b> = relevant items in the top k divided by k, even when the list is shorter
 *       than k.
 *   <li><b>Recall@k</b> = relevant items in the top k divided by all relevant items of the user
 *       (0 when there are none).
 *   <li><b>MRR</b> (reciprocal rank) = 1 / the rank of the first relevant item in the
 *       <em>whole</em> list, 0 when none is ranked. <b>MRR@k</b> counts only ranks {@code <= k}.
 *   <li><b>Hit rate@k</b> (trec_eval's {@code success@k}) = 1 when a relevant item is in the top
 *       k, else 0.
 *   <li><b>Position</b> = the 1-based rank of the first relevant item (for leave-one-out, the
 *       held-out item), absent when none is ranked.
 * </ul>
 *
 * Averages are plain means over users, as trec_eval's summary over queries. All methods are
 * pure and thread-safe.
 */
public final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * NDCG at cutoff {@code k}: linear gain, discount {@code 1/log2(rank + 1)}, ideal DCG over all
   * relevant items cut at k.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return NDCG@k in [0, 1]
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static double ndcg(List<String> ranking, Map<String, Integer> relevance, int k) {
    checkInputs(ranking, relevance);
    checkK(k);
    double dcg = 0;
    int n = Math.min(k, ranking.size());
    for (int i = 0; i < n; i++) {
      int g = grade(relevance, ranking.get(i));
      if (g > 0) {
        dcg += g / log2(i + 2);
      }
    }
    double ideal = idealDcg(relevance, k);
    return ideal > 0 ? dcg / ideal : 0;
  }

  /**
   * Reciprocal rank of the first relevant item in the whole list (trec_eval's {@code
   * recip_rank}); 0 when none is ranked.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @return the reciprocal rank in [0, 1]
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if an id repeats in the ranking or a grade is negative
   */
  public static double mrr(List<String> ranking, Map<String, Integer> relevance) {
    checkInputs(ranking, relevance);
    OptionalInt p = firstRelevant(ranking, relevance);
    return p.isPresent() ? 1.0 / p.getAsInt() : 0;
  }

  /**
   * Reciprocal rank of the first relevant item when it is within the top {@code k}, else 0.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return the reciprocal rank in [0, 1]
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static double mrr(List<String> ranking, Map<String, Integer> relevance, int k) {
    checkInputs(ranking, relevance);
    checkK(k);
    OptionalInt p = firstRelevant(ranking, relevance);
    return p.isPresent() && p.getAsInt() <= k ? 1.0 / p.getAsInt() : 0;
  }

  /**
   * Precision at {@code k}: relevant items in the top k divided by k.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return precision@k in [0, 1]
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static double precision(List<String> ranking, Map<String, Integer> relevance, int k) {
    checkInputs(ranking, relevance);
    checkK(k);
    return (double) relevantInTop(ranking, relevance, k) / k;
  }

  /**
   * Recall at {@code k}: relevant items in the top k divided by all relevant items (0 when the
   * user has none).
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return recall@k in [0, 1]
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static double recall(List<String> ranking, Map<String, Integer> relevance, int k) {
    checkInputs(ranking, relevance);
    checkK(k);
    int total = relevantCount(relevance);
    return total == 0 ? 0 : (double) relevantInTop(ranking, relevance, k) / total;
  }

  /**
   * Hit rate at {@code k} (trec_eval's {@code success@k}): 1 when a relevant item is in the top
   * k, else 0.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return 1 or 0
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static double hitRate(List<String> ranking, Map<String, Integer> relevance, int k) {
    checkInputs(ranking, relevance);
    checkK(k);
    return relevantInTop(ranking, relevance, k) > 0 ? 1 : 0;
  }

  /**
   * The 1-based rank of the first relevant item, empty when no relevant item is ranked.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @return the rank, or empty
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if an id repeats in the ranking or a grade is negative
   */
  public static OptionalInt position(List<String> ranking, Map<String, Integer> relevance) {
    checkInputs(ranking, relevance);
    return firstRelevant(ranking, relevance);
  }

  /**
   * Every metric of one user at cutoff {@code k}.
   *
   * @param ranking the item ids, best first
   * @param relevance the grade of each relevant id; ids absent are not relevant
   * @param k the cutoff, {@code >= 1}: positions past it count for nothing
   * @return the metrics
   * @throws NullPointerException if an argument, id or grade is null
   * @throws IllegalArgumentException if {@code k < 1}, an id repeats in the ranking or a grade
   *     is negative
   */
  public static UserMetrics evaluate(List<String> ranking, Map<String, Integer> relevance, int k) {
    return new UserMetrics(
        k,
        ndcg(ranking, relevance, k),
        mrr(ranking, relevance),
        mrr(ranking, relevance, k),
        precision(ranking, relevance, k),
        recall(ranking, relevance, k),
        hitRate(ranking, relevance, k),
        position(ranking, relevance));
  }

  /**
   * Binary relevance (grade 1) for each id: the usual ground truth of leave-one-out.
   *
   * @param relevantIds the relevant item ids
   * @return grade 1 per id
   * @throws NullPointerException if the collection or an id is null
   */
  public static Map<String, Integer> binary(Iterable<String> relevantIds) {
    requireNonNull(relevantIds, "relevantIds");
    java.util.LinkedHashMap<String, Integer> m = new java.util.LinkedHashMap<>();
    for (String id : relevantIds) {
      m.put(requireNonNull(id, "relevant id"), 1);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The mean of each metric over {@code users} (trec_eval's summary line). The mean position is
   * over the users whose relevant item was ranked.
   *
   * @param users the per-user metrics, all at the same cutoff
   * @return the means
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if the list is empty or mixes cutoffs
   */
  public static MeanMetrics mean(List<UserMetrics> users) {
    requireNonNull(users, "users");
    if (users.isEmpty()) {
      throw new IllegalArgumentException("no users to average");
    }
    int k = requireNonNull(users.get(0), "users[0]").k();
    double ndcg = 0;
    double mrr = 0;
    double mrrAtK = 0;
    double precision = 0;
    double recall = 0;
    double hit = 0;
    double position = 0;
    int positioned = 0;
    for (int i = 0; i < users.size(); i++) {
      UserMetrics u = requireNonNull(users.get(i), "users[" + i + "]");
      if (u.k() != k) {
        throw new IllegalArgumentException("users[" + i + "] has cutoff " + u.k() + ", users[0] has " + k);
      }
      ndcg += u.ndcg();
      mrr += u.mrr();
      mrrAtK += u.mrrAtK();
      precision += u.precision();
      recall += u.recall();
      hit += u.hitRate();
      if (u.position().isPresent()) {
        position += u.position().getAsInt();
        positioned++;
      }
    }
    int n = users.size();
    return new MeanMetrics(
        k, n, ndcg / n, mrr / n, mrrAtK / n, precision / n, recall / n, hit / n,
        positioned == 0 ? Double.NaN : position / positioned, positioned);
  }

  /**
   * One user's metrics at cutoff {@code k}.
   *
   * @param k the cutoff
   * @param ndcg NDCG@k
   * @param mrr reciprocal rank over the whole list
   * @param mrrAtK reciprocal rank within the top k
   * @param precision P@k
   * @param recall Recall@k
   * @param hitRate 1 or 0: a relevant item in the top k
   * @param position 1-based rank of the first relevant item, empty when none is ranked
   */
  public record UserMetrics(
      int k, double ndcg, double mrr, double mrrAtK, double precision, double recall, double hitRate,
      OptionalInt position) {

    /**
     * @param k the cutoff
     * @param ndcg NDCG@k
     * @param mrr reciprocal rank over the whole list
     * @param mrrAtK reciprocal rank within the top k
     * @param precision P@k
     * @param recall Recall@k
     * @param hitRate 1 or 0: a relevant item in the top k
     * @param position 1-based rank of the first relevant item, empty when none is ranked
     * @throws NullPointerException if position is null
     */
    public UserMetrics {
      requireNonNull(position, "position");
    }
  }

  /**
   * Means over users.
   *
   * @param k the cutoff
   * @param users users averaged
   * @param ndcg mean NDCG@k
   * @param mrr mean reciprocal rank (whole list)
   * @param mrrAtK mean reciprocal rank within the top k
   * @param precision mean P@k
   * @param recall mean Recall@k
   * @param hitRate share of users with a relevant item in the top k
   * @param meanPosition mean 1-based rank of the first relevant item over the users that have one
   *     ranked, NaN when none has
   * @param positioned users whose relevant item was ranked
   */
  public record MeanMetrics(
      int k, int users, double ndcg, double mrr, double mrrAtK, double precision, double recall,
      double hitRate, double meanPosition, int positioned) {}

  // ---- helpers

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
  }

  private static void checkInputs(List<String> ranking, Map<String, Integer> relevance) {
    requireNonNull(ranking, "ranking");
    requireNonNull(relevance, "relevance");
    Set<String> seen = new HashSet<>(ranking.size() * 2);
    for (String id : ranking) {
      if (!seen.add(requireNonNull(id, "ranked id"))) {
        throw new IllegalArgumentException("item " + id + " is ranked twice");
      }
    }
    relevance.forEach(
        (id, g) -> {
          requireNonNull(id, "relevance id");
          requireNonNull(g, "grade");
          if (g < 0) {
            throw new IllegalArgumentException("item " + id + " has a negative grade " + g);
          }
        });
  }

  private static int grade(Map<String, Integer> relevance, String id) {
    Integer g = relevance.get(id);
    return g == null ? 0 : g;
  }

  private static double idealDcg(Map<String, Integer> relevance, int k) {
    List<Integer> grades = new ArrayList<>();
    for (int g : relevance.values()) {
      if (g > 0) {
        grades.add(g);
      }
    }
    grades.sort((a, b) -> Integer.compare(b, a));
    double ideal = 0;
    for (int i = 0; i < Math.min(k, grades.size()); i++) {
      ideal += grades.get(i) / log2(i + 2);
    }
    return ideal;
  }

  private static int relevantCount(Map<String, Integer> relevance) {
    int n = 0;
    for (int g : relevance.values()) {
      if (g > 0) {
        n++;
      }
    }
    return n;
  }

  private static int relevantInTop(List<String> ranking, Map<String, Integer> relevance, int k) {
    int n = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (grade(relevance, ranking.get(i)) > 0) {
        n++;
      }
    }
    return n;
  }

  private static OptionalInt firstRelevant(List<String> ranking, Map<String, Integer> relevance) {
    for (int i = 0; i < ranking.size(); i++) {
      if (grade(relevance, ranking.get(i)) > 0) {
        return OptionalInt.of(i + 1);
      }
    }
    return OptionalInt.empty();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
