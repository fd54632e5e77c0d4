package dev.agp.spring;

import dev.agp.UserCase;

/**
 * The user embedding an RPP model was trained with, for models trained with {@code
 * RppOptimizer.Builder.userEmbedding} (models trained on the built-in hashed embedding need none).
 * Define one bean of this type and the starter loads such a model with it.
 */
@FunctionalInterface
public interface RppUserEmbedding {

  /**
   * The user's embedding, as during training.
   *
   * @param user the user (without ground truth when serving)
   * @return the embedding
   */
  double[] embed(UserCase user);
}
