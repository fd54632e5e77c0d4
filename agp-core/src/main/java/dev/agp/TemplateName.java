package dev.agp;

import java.util.Set;

/**
 * The built-in prompt templates of AGP and the baselines. Each is a file under {@code
 * dev/agp/prompts/} in agp-core's resources and can be replaced through {@link
 * AgpOptimizer.Builder#template} or {@link LlmRerankers}. A replacement must use the required
 * placeholders and may use the optional ones.
 */
public enum TemplateName {
  /** The starting profile prompt {@code p_gen} (plain text, no sections). */
  INITIAL_PROFILE_PROMPT("initial-profile-prompt.txt", Set.of(), Set.of("domain")),
  /** Profile generation: the learned instruction applied to the history. */
  PROFILE("profile.txt", Set.of("instruction", "history"), Set.of("domain", "historyCount")),
  /** Listwise reranking from the profile. */
  RERANK(
      "rerank.txt",
      Set.of("profile", "candidates"),
      Set.of("domain", "count", "example")),
  /** Paper mode: the per-user critique. */
  CRITIQUE(
      "critique.txt",
      Set.of("prompt", "profile", "feedback"),
      Set.of("domain", "history", "ranking")),
  /** Paper mode: the weighted batch summary of critiques. */
  SUMMARIZE("summarize.txt", Set.of("feedback"), Set.of("domain", "prompt", "users", "maxWords")),
  /** Compact mode: critique and summary in one call from the position feedback. */
  SUMMARIZE_COMPACT(
      "summarize-compact.txt", Set.of("feedback"), Set.of("domain", "prompt", "users", "maxWords")),
  /** The update of the profile prompt. */
  OPTIMIZE(
      "optimize.txt",
      Set.of("prompt", "feedback", "strength"),
      Set.of("domain", "maxChars", "ndcg", "averagePosition")),
  /** Baseline LLM-Dir. */
  DIRECT_RERANK(
      "direct-rerank.txt", Set.of("history", "candidates"), Set.of("domain", "count", "example")),
  /** Baseline LLM-CoT. */
  COT_RERANK(
      "cot-rerank.txt", Set.of("history", "candidates"), Set.of("domain", "count", "example"));

  private final String resource;
  private final Set<String> required;
  private final Set<String> allowed;

  TemplateName(String resource, Set<String> required, Set<String> optional) {
    this.resource = resource;
    this.required = required;
    java.util.HashSet<String> all = new java.util.HashSet<>(required);
    all.addAll(optional);
    this.allowed = Set.copyOf(all);
  }

  /** {@return the file name under {@code dev/agp/prompts/}} */
  public String resource() {
    return resource;
  }

  /** {@return placeholders a replacement must contain} */
  public Set<String> required() {
    return required;
  }

  /** {@return placeholders a replacement may contain} */
  public Set<String> allowed() {
    return allowed;
  }
}
