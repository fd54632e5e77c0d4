/**
 * The prompt machinery of AGP, RPP and the baselines: templates and their placeholders ({@link
 * dev.agp.prompt.PromptTemplate}, {@link dev.agp.prompt.PromptTemplates}), the fencing of
 * untrusted text ({@link dev.agp.prompt.UntrustedText}) and history/candidate blocks ({@link
 * dev.agp.prompt.PromptBlocks}), the opaque candidate labels ({@link
 * dev.agp.prompt.CandidateLabels}), and the reading of model answers ({@link
 * dev.agp.prompt.AnswerText}, {@link dev.agp.prompt.RankingParser}, {@link
 * dev.agp.prompt.TitleMatcher}, {@link dev.agp.prompt.PermutationVoting}).
 *
 * <p>Not part of the API: agp-core's module exports this package only to the SDK's own modules
 * that need it ({@code dev.agp.eval}; agp-spark, which runs on the class path only, uses it too);
 * it may change in any release. Users
 * replace a built-in prompt through {@link dev.agp.TemplateName} on the builders.
 */
@NullMarked
package dev.agp.prompt;

import org.jspecify.annotations.NullMarked;
