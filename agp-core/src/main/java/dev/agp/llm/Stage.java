package dev.agp.llm;

/** The pipeline step an LLM call serves. Usage, estimates and budgets are reported per stage. */
public enum Stage {
  /** AGP: write a user profile from the history with the learned profile prompt. */
  PROFILE,
  /** AGP: rank the candidates from the generated profile. */
  RERANK,
  /** AGP paper mode: explain, per user, why the profile failed the relevant items. */
  CRITIQUE,
  /** AGP: fold a batch's weighted feedback into a few general instructions. */
  SUMMARIZE,
  /** AGP: rewrite the profile prompt from the summarised feedback. */
  OPTIMIZE,
  /** Baseline LLM-Dir: history and candidates straight to an ordering. */
  DIRECT_RERANK,
  /** Baseline LLM-CoT: step-by-step reasoning, then an ordering. */
  COT_RERANK,
  /** RPP: rank with a per-user prompt assembled from sentence patterns. */
  RPP_RANK,
  /** RPP+: refine the chosen pattern sentences for the user. */
  RPP_REFINE
}
