package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A reranked candidate list.
 *
 * @param userId the user it was made for
 * @param itemIds candidate ids, best first: a permutation of the case's candidates
 * @param repair how the LLM's answer was read and repaired
 * @param fallback true when the backend failed and this is the base order instead
 */
public record Ranking(String userId, List<String> itemIds, RepairStats repair, boolean fallback) {

  /**
   * @param userId the user it was made for
   * @param itemIds candidate ids, best first: a permutation of the case's candidates
   * @param repair how the LLM's answer was read and repaired
   * @param fallback true when the backend failed and this is the base order instead
   * @throws NullPointerException if an argument or id is null
   * @throws IllegalArgumentException if an id repeats
   */
  public Ranking {
    requireNonNull(userId, "userId");
    itemIds = List.copyOf(requireNonNull(itemIds, "itemIds"));
    requireNonNull(repair, "repair");
    Set<String> seen = new HashSet<>();
    for (String id : itemIds) {
      if (!seen.add(id)) {
        throw new IllegalArgumentException("user " + userId + ": item " + id + " ranked twice");
      }
    }
  }

  /**
   * An order made by code.
   *
   * @param userId the user the order is for
   * @param itemIds the order, best first
   * @return the ranking, not repaired and not a fallback
   */
  public static Ranking of(String userId, List<String> itemIds) {
    return new Ranking(userId, itemIds, RepairStats.provided(), false);
  }

  /**
   * The base order of {@code user}, flagged as a fallback.
   *
   * @param user the user whose base order is returned
   * @return the ranking
   */
  public static Ranking fallback(UserCase user) {
    return new Ranking(user.userId(), user.candidateIds(), RepairStats.provided(), true);
  }

  /**
   * The base order of {@code user}, not flagged: what the base recommender ranks.
   *
   * @param user the user whose base order is returned
   * @return the ranking
   */
  public static Ranking base(UserCase user) {
    return of(user.userId(), user.candidateIds());
  }

  /**
   * The 1-based position of {@code itemId}, or 0 when it is not ranked.
   *
   * @param itemId the item looked for
   * @return the position, or 0
   */
  public int positionOf(String itemId) {
    int i = itemIds.indexOf(itemId);
    return i + 1;
  }

  /**
   * Whether this ranking orders exactly the candidates of {@code user}.
   *
   * @param user the user whose candidates are compared
   * @return true for a permutation of the user's candidates
   */
  public boolean isPermutationOf(UserCase user) {
    return itemIds.size() == user.candidates().size()
        && new HashSet<>(itemIds).equals(new HashSet<>(user.candidateIds()));
  }
}
