package dev.agp.internal;

import java.util.List;
import java.util.Set;

/** Binary NDCG at a cutoff, trec_eval's convention (gain 1, discount 1/log2(rank + 1)). */
public final class Ndcg {

  private Ndcg() {}

  /**
   * NDCG@k of {@code ranking}, 0 when nothing is relevant.
   *
   * @param ranking the item ids, best first
   * @param relevant the relevant ids
   * @param k the cutoff: positions past it gain nothing
   * @return NDCG@k in [0, 1]
   */
  public static double at(List<String> ranking, Set<String> relevant, int k) {
    if (relevant.isEmpty()) {
      return 0;
    }
    double dcg = 0;
    int n = Math.min(k, ranking.size());
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranking.get(i))) {
        dcg += 1.0 / log2(i + 2);
      }
    }
    double ideal = 0;
    for (int i = 0; i < Math.min(k, relevant.size()); i++) {
      ideal += 1.0 / log2(i + 2);
    }
    return dcg / ideal;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
