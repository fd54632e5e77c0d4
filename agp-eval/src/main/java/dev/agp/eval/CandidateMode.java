package dev.agp.eval;

/** How {@link CandidateProtocol} makes a user's candidate list. */
public enum CandidateMode {
  /**
   * The paper's protocol: the base recommender's top K as they are; only users whose held-out
   * item is among them are eligible. What the paper reports.
   */
  BASE_TOP_K,
  /**
   * Every user with K base candidates is eligible: when the held-out item is not in the base top
   * K, the K-th candidate is dropped and the held-out item is inserted at a position drawn
   * uniformly from 1..K (seeded per user), the others keeping their base order. Easier than the
   * paper's setting and not comparable with its numbers, but it uses all users and does not tie
   * the evaluated users to the base model's hits; reports say which mode was used.
   */
  INSERT_HELD_OUT
}
