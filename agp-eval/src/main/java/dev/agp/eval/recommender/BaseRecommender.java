package dev.agp.eval.recommender;

import dev.agp.UserCase;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A base recommender: what produces the top-K candidate lists the LLM rerankers reorder.
 * Implementations are thread-safe and deterministic once fitted.
 */
public interface BaseRecommender {

  /** {@return a short description, for reports: the model and its settings} */
  String name();

  /**
   * The top {@code k} items for {@code userId}, best first, never one of {@code history}. Fewer
   * than {@code k} (possibly none) when the model cannot rank that many for the user, for example
   * a user it has never seen.
   *
   * @param userId the user
   * @param history the items the user consumed before the moment recommended for, oldest first;
   *     sequential models read it, every model excludes it
   * @param k how many, {@code >= 1}
   * @return the items, best first; fewer than {@code k} when the model has fewer to offer
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code k < 1}
   */
  List<String> recommend(String userId, List<String> history, int k);

  /**
   * The 0-based place of {@code itemId} in this user's full ranking (the order {@link #recommend}
   * gives for any k large enough), or empty when the model does not rank it for the user: an
   * item it does not know, one of {@code history}, or a user it cannot rank for.
   *
   * <p>The default asks {@link #recommend} for 16, 32, 64, ... items until the item shows up or
   * the list ends; models that score every item override it with one pass.
   *
   * @param userId the user whose ranking is searched
   * @param history the user's history, never ranked
   * @param itemId the item looked for
   * @return the place, or empty when the model does not rank the item
   * @throws NullPointerException if an argument is null
   */
  default OptionalInt rankOf(String userId, List<String> history, String itemId) {
    java.util.Objects.requireNonNull(userId, "userId");
    java.util.Objects.requireNonNull(history, "history");
    java.util.Objects.requireNonNull(itemId, "itemId");
    for (int k = 16; ; k = k > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : k * 2) {
      List<String> ranked = recommend(userId, history, k);
      int at = ranked.indexOf(itemId);
      if (at >= 0) {
        return OptionalInt.of(at);
      }
      if (ranked.size() < k || k == Integer.MAX_VALUE) {
        return OptionalInt.empty();
      }
    }
  }

  /**
   * The user's embedding when the model has one (LightGCN's final user vector), for state-based
   * methods such as RPP; a fresh copy each call.
   *
   * @param userId the user asked about
   * @return the embedding, or empty when the model has none or does not know the user
   */
  default Optional<double[]> userEmbedding(String userId) {
    java.util.Objects.requireNonNull(userId, "userId");
    return Optional.empty();
  }

  /**
   * {@link #userEmbedding} of the case's user, as a function of cases: the shape state-based
   * methods take, for example {@code RppOptimizer.builder().userEmbedding(lightGcn::userVector)}.
   *
   * @param user the case whose user is looked up
   * @return the user's embedding
   * @throws NullPointerException if user is null
   * @throws IllegalArgumentException if the model has no embedding for the user
   */
  default double[] userVector(UserCase user) {
    java.util.Objects.requireNonNull(user, "user");
    return userEmbedding(user.userId()).orElseThrow(() -> new IllegalArgumentException(
        name() + " has no embedding for user " + user.userId()
            + (embeddingDimension() == 0 ? " (it has no user embeddings at all)" : " (not in its training data)")));
  }

  /** {@return the length of {@link #userEmbedding} vectors; 0 when the model has none} */
  default int embeddingDimension() {
    return 0;
  }
}
