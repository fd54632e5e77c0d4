package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One user's reranking problem.
 *
 * @param userId the user's identifier, non-blank
 * @param history consumed items, oldest first; may be empty
 * @param candidates the base recommender's list, best first (index 0 = top); non-empty, ids unique
 * @param relevantItemIds the ground truth: a subset of the candidate ids for training and
 *     evaluation, empty when serving. Iteration keeps the order given.
 */
public record UserCase(
    String userId, List<Item> history, List<Item> candidates, Set<String> relevantItemIds) {

  /**
   * @param userId the user's identifier, non-blank
   * @param history consumed items, oldest first; may be empty
   * @param candidates the base recommender's list, best first (index 0 = top); non-empty, ids
   *     unique
   * @param relevantItemIds the ground truth: a subset of the candidate ids for training and
   *     evaluation, empty when serving. Iteration keeps the order given.
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if the user id is blank, the candidates are empty or
   *     repeat an id, or a relevant id is not a candidate; the message names the user and item
   */
  public UserCase {
    requireNonNull(userId, "userId");
    if (userId.isBlank()) {
      throw new IllegalArgumentException("userId must not be blank");
    }
    history = copyOf(userId, "history", history);
    candidates = copyOf(userId, "candidates", candidates);
    requireNonNull(relevantItemIds, "relevantItemIds");
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("user " + userId + ": candidates must not be empty");
    }
    Set<String> ids = new HashSet<>();
    for (Item c : candidates) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException(
            "user " + userId + ": candidate " + c.id() + " appears more than once");
      }
    }
    LinkedHashSet<String> relevant = new LinkedHashSet<>();
    for (String r : relevantItemIds) {
      if (!ids.contains(requireNonNull(r, "relevant item id"))) {
        throw new IllegalArgumentException(
            "user " + userId + ": relevant item " + r + " is not among the " + candidates.size()
                + " candidates");
      }
      relevant.add(r);
    }
    relevantItemIds = Collections.unmodifiableSet(relevant);
  }

  private static List<Item> copyOf(String userId, String name, List<Item> items) {
    requireNonNull(items, name);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        throw new NullPointerException("user " + userId + ": " + name + "[" + i + "] is null");
      }
    }
    return List.copyOf(items);
  }

  /**
   * A serving case: no ground truth.
   *
   * @param userId the user's id
   * @param history what the user consumed, oldest first
   * @param candidates the items to rank, in base order
   * @return the case
   */
  public static UserCase forServing(String userId, List<Item> history, List<Item> candidates) {
    return new UserCase(userId, history, candidates, Set.of());
  }

  /**
   * The last {@code n} history items (all of them when there are fewer), oldest first.
   *
   * @param n the number of items
   * @return the items
   */
  public List<Item> recentHistory(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0 but was " + n);
    }
    return history.subList(Math.max(0, history.size() - n), history.size());
  }

  /** {@return the candidate ids in base order} */
  public List<String> candidateIds() {
    return candidates.stream().map(Item::id).toList();
  }
}
