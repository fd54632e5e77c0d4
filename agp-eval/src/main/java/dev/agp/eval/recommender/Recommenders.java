package dev.agp.eval.recommender;

import static java.util.Objects.requireNonNull;

import dev.agp.eval.LooSplit;
import dev.agp.eval.data.CandidateLists;
import java.util.List;
import java.util.Map;

/**
 * The base recommenders: {@link #popularity}, {@link #transitions} (sequential), {@link
 * LightGcn} (collaborative, the paper's) and {@link #imported} lists made elsewhere. Any other
 * model plugs in by implementing {@link BaseRecommender}.
 */
public final class Recommenders {

  private Recommenders() {}

  /**
   * The most popular training items the user has not consumed.
   *
   * @param split the split whose training interactions are counted
   * @return the recommender
   * @throws NullPointerException if split is null
   * @throws IllegalArgumentException if the split has no training interactions
   */
  public static BaseRecommender popularity(LooSplit split) {
    return Popularity.fit(split);
  }

  /**
   * The transition model with default options ({@link Transitions#builder()} for others).
   *
   * @param split the split whose training sequences are counted
   * @return the recommender
   * @throws NullPointerException if split is null
   * @throws IllegalArgumentException if the split has no training interactions
   */
  public static BaseRecommender transitions(LooSplit split) {
    return Transitions.builder().build().fit(split);
  }

  /**
   * LightGCN's options ({@code Recommenders.lightGcn().epochs(100).build().fit(split)}).
   *
   * @return a builder with every option at its default
   */
  public static LightGcn.Builder lightGcn() {
    return LightGcn.builder();
  }

  /**
   * Candidate lists made elsewhere, served as they are: a user's list, cut at k, whatever the
   * history (the producer decided what to exclude); users without a list get none.
   *
   * @param lists the lists per user
   * @return the recommender
   * @throws NullPointerException if lists is null
   */
  public static BaseRecommender imported(CandidateLists lists) {
    requireNonNull(lists, "lists");
    Map<String, List<String>> byUser = lists.lists();
    String name = "Imported(" + lists.report().file().getFileName() + ")";
    return new BaseRecommender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> recommend(String userId, List<String> history, int k) {
        requireNonNull(userId, "userId");
        requireNonNull(history, "history");
        TopK.checkK(k);
        List<String> l = byUser.getOrDefault(userId, List.of());
        return l.size() <= k ? l : l.subList(0, k);
      }
    };
  }
}
