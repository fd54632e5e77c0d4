package dev.agp.eval.recommender;

import static java.util.Objects.requireNonNull;

import dev.agp.eval.LooSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The most popular training items the user has not consumed: a floor for the other base models,
 * and the fastest way to build candidates at scale. Popularity counts training interactions;
 * ties go to the item first seen in the training data.
 */
final class Popularity implements BaseRecommender {

  private final String[] ranked;

  private Popularity(TrainingSet t) {
    long[] counts = new long[t.items.length];
    for (int[] seq : t.sequences) {
      for (int i : seq) {
        counts[i]++;
      }
    }
    Integer[] order = new Integer[t.items.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
    ranked = new String[order.length];
    for (int i = 0; i < order.length; i++) {
      ranked[i] = t.items[order[i]];
    }
  }

  static Popularity fit(LooSplit split) {
    return new Popularity(TrainingSet.of(split));
  }

  @Override
  public String name() {
    return "Popularity";
  }

  @Override
  public List<String> recommend(String userId, List<String> history, int k) {
    requireNonNull(userId, "userId");
    requireNonNull(history, "history");
    TopK.checkK(k);
    Set<String> seen = TopK.asSet(history);
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < ranked.length && out.size() < k; i++) {
      if (!seen.contains(ranked[i])) {
        out.add(ranked[i]);
      }
    }
    return out;
  }
}
