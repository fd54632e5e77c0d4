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
 *       iteration (one episode step), with the TD error {@code r + γ V(s') − V(s)}. {@link
 *       dev.agp.rpp.RppOptimizer#estimate} plans the calls; {@link dev.agp.rpp.RppListener}
 *       reports progress; a checkpoint after every batch makes a fit resumable.
 *   <li><b>Serving.</b> {@link dev.agp.rpp.RppModel} is a {@link dev.agp.CaseReranker}: it rolls
 *       the user's episode forward for the trained number of steps with each agent's most likely
 *       action, so that it decides in a state training visited, and sends the last step's prompt:
 *       one call, the same robust {@link dev.agp.prompt.RankingParser} as AGP, the base order flagged on
 *       backend failure. {@link dev.agp.rpp.RppModel#served()} counts what was served. It saves to
 *       and loads from versioned JSON.
 *   <li><b>History range.</b> The history agent grows the history shown from {@code
 *       initialHistoryLength} (5) by 0, 1 or 2 items a step up to {@code maxHistoryLength} (20).
 *   <li><b>RPP+</b> ({@code refine(true)}): one extra call per prompt, at training and at serving,
 *       rewrites the chosen sentences for the user at hand; a rewrite of a base sentence joins the
 *       shared action space only when the rankings of several users used it with a good mean
 *       reward, and never a rewrite of a rewrite. The authors did not publish this part; {@link
 *       dev.agp.rpp.RppOptimizer} documents our reading.
 *   <li><b>Control.</b> {@link dev.agp.rpp.RppOptimizer#untrained()} serves every agent's default
 *       action ("RPP-untrained"), the fixed prompt to compare a fit with.
 * </ul>
 *
 * <p>Differences from the reference code, on purpose: the state uses the base recommender's user
 * vector (or a hashed bag-of-history embedding), the chosen actions, the history length and the
 * step, instead of BERT + PCA of the prompt text and a GRU over the previous ranking's item
 * embeddings (serving would need a ranking call per step to rebuild that; the reference's evaluation
 * spends 15 ranking calls per test user); no reward enters the state; the TD error bootstraps from the next state's value; candidates are
 * shown in base order (or a seeded shuffle) rather than with the held-out item at a fixed
 * position; answers are read by a parser that always yields a permutation; ranking answers asking
 * for visible work may use 1,024 output tokens (the reference's cap for every call), plain label
 * lists 300.
 */
@NullMarked
package dev.agp.rpp;

import org.jspecify.annotations.NullMarked;
