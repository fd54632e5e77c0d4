package dev.agp.eval.recommender;

/**
 * A trained {@link LightGcn}: recommends by the dot product of the final (layer-averaged) user
 * and item embeddings, exposes the user embeddings, and keeps its training log. Users absent
 * from the training data get no recommendations and no embedding.
 */
public interface LightGcnModel extends BaseRecommender {

  /** {@return what training did, epoch by epoch} */
  LightGcn.TrainingLog trainingLog();
}
