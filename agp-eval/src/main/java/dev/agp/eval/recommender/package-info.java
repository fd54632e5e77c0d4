/**
 * Base recommenders that produce the top-K candidates AGP and RPP rerank: {@link
 * dev.agp.eval.recommender.LightGcn} (collaborative, the paper's base), {@link
 * dev.agp.eval.recommender.Transitions} (sequential), popularity and imported lists through
 * {@link dev.agp.eval.recommender.Recommenders}. All implement {@link
 * dev.agp.eval.recommender.BaseRecommender}, which also exposes user embeddings where a model has
 * them.
 */
@NullMarked
package dev.agp.eval.recommender;

import org.jspecify.annotations.NullMarked;
