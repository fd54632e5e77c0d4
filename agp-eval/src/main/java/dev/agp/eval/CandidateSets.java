package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.UserCase;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The disjoint user sets of an experiment, as agp-core cases: history (oldest first), the base
 * candidates (best first) and the held-out item as the only relevant id.
 *
 * @param train users to learn prompts on
 * @param validation users to select prompts on
 * @param test users every method is scored on
 * @param report how the candidates were made and who was eligible
 */
public record CandidateSets(List<UserCase> train, List<UserCase> validation, List<UserCase> test, Report report) {

  /**
   * @param train users to learn prompts on
   * @param validation users to select prompts on
   * @param test users every method is scored on
   * @param report how the candidates were made and who was eligible
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if a user is in two sets
   */
  public CandidateSets {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    requireNonNull(report, "report");
    Set<String> ids = new HashSet<>();
    for (List<UserCase> set : List.of(train, validation, test)) {
      for (UserCase u : set) {
        if (!ids.add(u.userId())) {
          throw new IllegalArgumentException("user " + u.userId() + " is in more than one set");
        }
      }
    }
  }

  /**
   * How candidates were made.
   *
   * @param base the base recommender's {@code name()}
   * @param mode the protocol
   * @param k candidates per user
   * @param seed the seed of the user selection (and of window places)
   * @param evaluableUsers users with a held-out test item
   * @param shortLists users the base gave fewer than k candidates (not eligible)
   * @param unknownItems users whose candidates or history name items missing from the catalogue
   *     (not eligible)
   * @param unranked users whose held-out item the base cannot rank ({@link CandidateMode#BASE_WINDOW};
   *     not eligible)
   * @param hits users whose held-out item is in the base top k
   * @param windowed users whose list is a window deeper in the base's ranking ({@link
   *     CandidateMode#BASE_WINDOW})
   * @param eligibleUsers users that could be selected
   * @param baseNdcgOnHits mean NDCG@k of the base order over the {@code hits} users
   * @param medianHeldOutRank median 1-based rank of the held-out item in the base's full ranking,
   *     over the eligible users (0 when none)
   */
  public record Report(
      String base,
      CandidateMode mode,
      int k,
      long seed,
      int evaluableUsers,
      int shortLists,
      int unknownItems,
      int unranked,
      int hits,
      int windowed,
      int eligibleUsers,
      double baseNdcgOnHits,
      double medianHeldOutRank) {

    /**
     * @param base the base recommender's {@code name()}
     * @param mode the protocol
     * @param k candidates per user
     * @param seed the seed of the user selection (and of window places)
     * @param evaluableUsers users with a held-out test item
     * @param shortLists users the base gave fewer than k candidates (not eligible)
     * @param unknownItems users whose candidates or history name items missing from the catalogue
     *     (not eligible)
     * @param unranked users whose held-out item the base cannot rank ({@link
     *     CandidateMode#BASE_WINDOW}; not eligible)
     * @param hits users whose held-out item is in the base top k
     * @param windowed users whose list is a window deeper in the base's ranking ({@link
     *     CandidateMode#BASE_WINDOW})
     * @param eligibleUsers users that could be selected
     * @param baseNdcgOnHits mean NDCG@k of the base order over the {@code hits} users
     * @param medianHeldOutRank median 1-based rank of the held-out item in the base's full ranking,
     *     over the eligible users (0 when none)
     * @throws NullPointerException if an argument is null
     */
    public Report {
      requireNonNull(base, "base");
      requireNonNull(mode, "mode");
    }

    /**
     * {@return the share of evaluable users whose held-out item is in the base top k: the base's HR@k}
     */
    public double hitRate() {
      return evaluableUsers == 0 ? 0 : (double) hits / evaluableUsers;
    }
  }
}
