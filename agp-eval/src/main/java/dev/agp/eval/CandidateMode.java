package dev.agp.eval;

/** How {@link CandidateProtocol} makes a user's candidate list. */
public enum CandidateMode {
  /**
   * The paper's protocol: the base recommender's top K as they are; only users whose held-out
   * item is among them are eligible. What the paper reports, and the only mode whose numbers are
   * comparable with its table.
   */
  BASE_TOP_K,
  /**
   * Every user whose held-out item the base model can rank is eligible, and the list is K
   * consecutive items of the base model's own full ranking that contain the held-out item, in the
   * base order. When the held-out item is in the top K the window is the top K (the paper's list);
   * otherwise, with the held-out item at 0-based rank {@code r}, the window starts at {@code r -
   * j}, where {@code j}, the held-out item's place in the window, is drawn uniformly from {@code
   * 0..K-1} with the seed and the user id (from the places that keep the window inside the ranking,
   * for an item among the base's last K).
   *
   * <p>Why: inserting the held-out item into the base top K (the construction this mode replaced)
   * makes it the odd one out: it is usually far less popular than the K - 1 items the base ranked
   * highest, so a user-blind rule (sort by ascending popularity) beat every LLM method. In a window
   * every candidate is one the base model scored next to the held-out item, so nothing but the
   * user's own history tells them apart; the sanity rows of an experiment report (popularity
   * orders, a random order) check that no user-blind order does better than the base. The base
   * order carries little signal inside a window (the held-out item's place is uniform), so Base
   * scores close to a random order; methods are judged by how far they rise above it. Numbers in
   * this mode are not comparable with the paper's table.
   */
  BASE_WINDOW
}
