/**
 * Evaluation of rerankers the way the papers do it, in Java.
 *
 * <ul>
 *   <li>{@link dev.agp.eval.RankingMetrics}: NDCG@k, MRR, P@k, Recall@k, hit rate and the
 *       position of the held-out item, with trec_eval's definitions.
 *   <li>{@link dev.agp.eval.Interaction} and {@link dev.agp.eval.LeaveOneOut}: the chronological
 *       leave-one-out split into a {@link dev.agp.eval.LooSplit}.
 *   <li>{@link dev.agp.eval.CandidateProtocol}: the paper's candidate lists and disjoint user sets,
 *       as agp-core {@link dev.agp.UserCase}s.
 *   <li>{@link dev.agp.eval.Experiment}: the same test users through Base, LLM-Dir, LLM-CoT, AGP,
 *       RPP or any {@link dev.agp.eval.Method}, with confidence intervals, paired tests, calls,
 *       tokens, cost and time; {@link dev.agp.eval.Ablations} builds the paper's ablations.
 * </ul>
 *
 * Loaders for the raw dataset files live in {@code dev.agp.eval.data}, base recommenders in
 * {@code dev.agp.eval.recommender}, and the report files and charts in {@code
 * dev.agp.eval.report}.
 */
@NullMarked
package dev.agp.eval;

import org.jspecify.annotations.NullMarked;
