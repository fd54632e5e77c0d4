/**
 * AGP: learned-prompt LLM reranking for recommender systems. The API of agp-core; the LLM port is
 * {@link dev.agp.llm}, RPP/RPP+ is {@link dev.agp.rpp}.
 *
 * <p>A tour of the package, in the order data flows through one training step. Each step is an
 * interface named after it, replaceable through {@link dev.agp.AgpOptimizer.Builder}; its built-in
 * implementation is package-private and named {@code Llm...} or after its rule:
 *
 * <ul>
 *   <li><b>Data.</b> {@link dev.agp.Item}, {@link dev.agp.UserCase} (history, the base
 *       recommender's candidates, the ground truth), {@link dev.agp.UserProfile}, {@link
 *       dev.agp.Ranking} (with {@link dev.agp.RepairStats}) and {@link dev.agp.ProfilePrompt}.
 *       Records that validate on construction and hold immutable copies.
 *   <li><b>The profile step</b>: {@link dev.agp.ProfileGenerator} writes a {@link
 *       dev.agp.UserProfile} from a user's history with the learned prompt (one {@code PROFILE}
 *       call; built-in: {@code LlmProfileGenerator}).
 *   <li><b>The rerank step</b>: {@link dev.agp.Reranker} orders the candidates from the profile
 *       (one {@code RERANK} call; built-in: {@code LlmListwiseReranker}).
 *   <li><b>The feedback step</b>: {@link dev.agp.FeedbackCalculator} compares the {@link
 *       dev.agp.Ranking} with the ground truth and returns {@link dev.agp.PositionFeedback} (one
 *       {@link dev.agp.ItemPlacement} per relevant item; built-in: {@code
 *       PositionFeedbackCalculator}, plus a {@code CRITIQUE} call in {@link
 *       dev.agp.FeedbackMode#PAPER paper mode}). A user's step results form a {@link
 *       dev.agp.UserOutcome}.
 *   <li><b>The aggregation step</b>: {@link dev.agp.BatchAggregator} summarises a batch of
 *       outcomes into one {@link dev.agp.BatchFeedback} weighted by {@link dev.agp.WeightScheme}
 *       (one {@code SUMMARIZE} call; built-in: {@code WeightedBatchAggregator}).
 *   <li><b>The optimisation step</b>: {@link dev.agp.PromptOptimizer} rewrites the {@link
 *       dev.agp.ProfilePrompt} from the batch feedback (one {@code OPTIMIZE} call, {@link
 *       dev.agp.UpdateStrength}, {@link dev.agp.UpdateOutcome}; built-in: {@code
 *       LlmPromptOptimizer}).
 *   <li><b>The entry point.</b> {@link dev.agp.AgpOptimizer#builder()} configures a fit; {@link
 *       dev.agp.AgpOptimizer#fit} returns an {@link dev.agp.AgpModel} that serves the learned
 *       prompt, records its {@link dev.agp.FitHistory} ({@link dev.agp.EpochRecord}, {@link
 *       dev.agp.BatchRecord}, {@link dev.agp.UserFailure}) and saves to versioned JSON. {@link
 *       dev.agp.AgpOptimizer#estimate} plans the calls before any is made ({@link
 *       dev.agp.CallEstimate}); {@link dev.agp.AgpListener} reports progress.
 *   <li><b>Serving.</b> {@link dev.agp.AgpModel#profile} and {@link dev.agp.AgpModel#rerank(UserCase,
 *       UserProfile)} split a request into its two calls; a {@link dev.agp.ProfileStore} keyed by
 *       {@link dev.agp.ProfileKey} keeps profiles between history changes, so a warm request makes
 *       one call; {@link dev.agp.AgpModel#profiles} writes them ahead of traffic. A per-request
 *       deadline returns the base order when the backend is slow; {@link dev.agp.ServingGuard}
 *       gives any {@link dev.agp.CaseReranker} the same; {@link dev.agp.ServingListener}s receive a
 *       {@link dev.agp.ServingEvent} per request and {@link dev.agp.ServingStats} counts them.
 *   <li><b>Baselines.</b> {@link dev.agp.LlmRerankers} builds LLM-Dir and LLM-CoT. Every method
 *       is a {@link dev.agp.CaseReranker}.
 *   <li><b>Prompts.</b> Built-in prompts are template files named by {@link dev.agp.TemplateName},
 *       replaceable through the builders. How prompts are filled, how untrusted text is fenced
 *       and how answers are parsed into a permutation is the module's own machinery, in the
 *       package {@code dev.agp.prompt} (not exported).
 * </ul>
 */
@NullMarked
package dev.agp;

import org.jspecify.annotations.NullMarked;
