package dev.agp;

/** Orders a user's candidates from a generated profile. */
@FunctionalInterface
public interface Reranker {

  /**
   * Returns a permutation of {@code user}'s candidates, whatever the LLM answered.
   *
   * @param user the user, with candidates
   * @param profile the user's profile
   * @return the ranking
   * @throws dev.agp.llm.LlmException when the backend fails
   */
  Ranking rerank(UserCase user, UserProfile profile);
}
