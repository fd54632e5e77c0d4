package dev.agp;

/**
 * Anything that reorders a user's candidates given only the case: a learned {@link AgpModel}, an
 * RPP model, the LLM-Dir and LLM-CoT baselines, or the base order itself. The experiment runner
 * compares methods through this interface.
 */
@FunctionalInterface
public interface CaseReranker {

  /**
   * Returns a permutation of {@code user}'s candidates. Implementations backed by an LLM return
   * the base order flagged as {@linkplain Ranking#fallback() fallback} when the backend fails.
   *
   * @param user the user, with history and candidates
   * @return the ranking: a permutation of the candidates
   */
  Ranking rerank(UserCase user);
}
