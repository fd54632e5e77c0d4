/**
 * RPP and RPP+: instance-wise prompt personalisation for LLM reranking, learned with one
 * actor-critic agent per prompt pattern (Mao et al., "Reinforced Prompt Personalization for
 * Recommendation with Large Language Models", ACM TOIS 2025).
 *
 * <p>A tour, in the order data flows:
 *
 * <ul>
 *   <li><b>Patterns.</b> A user's prompt is assembled from four {@link dev.agp.rpp.PromptPattern}s
 *       (role-playing, history records, reasoning guidance, output format) around a fixed block of
 *       candidates shown as {@code [A] title}. Their sentences are resource files parameterised by
 *       the domain word; the two templates are {@link dev.agp.rpp.RppTemplate}s.
 *   <li><b>Learning.</b> {@link dev.agp.rpp.RppOptimizer#builder()} configures a fit; {@link
 *       dev.agp.rpp.RppOptimizer#fit} trains each pattern's softmax policy and value network in
 *       plain Java (Adam, seeded) from the reward NDCG@10 of one ranking call per user per
 *       iteration, with the TD error {@code r + γ V(s') − V(s)}. {@link
 *       dev.agp.rpp.RppOptimizer#estimate} plans the calls; {@link dev.agp.rpp.RppListener}
 *       reports progress; a checkpoint after every batch makes a fit resumable.
 *   <li><b>Serving.</b> {@link dev.agp.rpp.RppModel} is a {@link dev.agp.CaseReranker}: the most
 *       likely action of each agent for the user's state, one call, the same robust {@link
 *       dev.agp.RankingParser} as AGP, the base order flagged on backend failure. It saves to and
 *       loads from versioned JSON.
 *   <li><b>RPP+</b> ({@code refine(true)}): an extra call per user and iteration rewrites the chosen
 *       sentences for the user, and rewrites that earn a good reward join the action spaces
 *       (bounded). The authors did not publish this part; {@link dev.agp.rpp.RppOptimizer}
 *       documents our reading.
 * </ul>
 *
 * <p>Differences from the reference code, on purpose: the state uses the base recommender's user
 * vector (or a hashed bag-of-history embedding) instead of BERT + PCA of the prompt text and a
 * GRU over item embeddings; the TD error bootstraps from the next state's value; candidates are
 * shown in base order (or a seeded shuffle) rather than with the held-out item at a fixed
 * position; answers are read by a parser that always yields a permutation.
 */
@NullMarked
package dev.agp.rpp;

import org.jspecify.annotations.NullMarked;
