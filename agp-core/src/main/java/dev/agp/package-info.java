/**
 * AGP: learned-prompt LLM reranking for recommender systems.
 *
 * <p>A tour of the package, in the order data flows through it:
 *
 * <ul>
 *   <li><b>Data.</b> {@link dev.agp.Item}, {@link dev.agp.UserCase} (history, the base
 *       recommender's candidates, the ground truth), {@link dev.agp.UserProfile}, {@link
 *       dev.agp.Ranking} (with {@link dev.agp.RepairStats}) and {@link dev.agp.ProfilePrompt}.
 *       Records that validate on construction and hold immutable copies.
 *   <li><b>The five pipeline steps</b>, each replaceable: {@link dev.agp.ProfileGenerator},
 *       {@link dev.agp.Reranker}, {@link dev.agp.FeedbackCalculator}, {@link
 *       dev.agp.BatchAggregator}, {@link dev.agp.PromptOptimizer}. Their values: {@link
 *       dev.agp.PositionFeedback}, {@link dev.agp.UserOutcome}, {@link dev.agp.BatchFeedback}.
 *   <li><b>The entry point.</b> {@link dev.agp.AgpOptimizer#builder()} configures a fit; {@link
 *       dev.agp.AgpOptimizer#fit} returns an {@link dev.agp.AgpModel} that serves the learned
 *       prompt, records its {@link dev.agp.FitHistory} and saves to versioned JSON. {@link
 *       dev.agp.AgpOptimizer#estimate} plans the calls before any is made; {@link
 *       dev.agp.AgpListener} reports progress.
 *   <li><b>Serving.</b> {@link dev.agp.AgpModel#profile} and {@link dev.agp.AgpModel#rerank(UserCase,
 *       UserProfile)} split a request into its two calls; a {@link dev.agp.ProfileStore} keyed by
 *       {@link dev.agp.ProfileKey} keeps profiles between history changes, so a warm request makes
 *       one call; {@link dev.agp.AgpModel#profiles} writes them ahead of traffic. A per-request
 *       deadline returns the base order when the backend is slow; {@link dev.agp.ServingGuard}
 *       gives any {@link dev.agp.CaseReranker} the same; {@link dev.agp.ServingListener}s receive a
 *       {@link dev.agp.ServingEvent} per request and {@link dev.agp.ServingStats} counts them.
 *   <li><b>Baselines.</b> {@link dev.agp.LlmRerankers} builds LLM-Dir and LLM-CoT. Every method
 *       is a {@link dev.agp.CaseReranker}.
 *   <li><b>Prompts and answers.</b> Built-in prompts are template files ({@link
 *       dev.agp.TemplateName}, {@link dev.agp.PromptTemplates}); untrusted text is fenced by
 *       {@link dev.agp.UntrustedText}; candidates are shown under {@link dev.agp.CandidateLabels}
 *       and answers read by {@link dev.agp.RankingParser}, which always yields a permutation.
 * </ul>
 *
 * <p>The LLM is reached only through {@link dev.agp.llm.LlmClient}.
 */
@NullMarked
package dev.agp;

import org.jspecify.annotations.NullMarked;
