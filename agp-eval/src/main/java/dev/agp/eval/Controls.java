package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.internal.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What controls are made of: permuted training labels and the training popularity of items.
 *
 * <pre>{@code
 * List<UserCase> noise = Controls.permuteLabels(train, 42);   // the same users, the wrong items
 * Map<String, Long> popularity = Controls.trainingPopularity(split);
 * }</pre>
 */
public final class Controls {

  private static final long PERMUTATION_STREAM = 9_101;

  private Controls() {}

  /**
   * The same users with their labels permuted among them: the places (0-based candidate
   * positions) of every user's relevant items are shuffled across users with {@code seed}, and
   * each user's relevant items become its own candidates at the places it was dealt. Histories and
   * candidate lists are unchanged, and so is the distribution of places over users, so a method
   * trained on the result sees data exactly as plausible as the real one, only unrelated to what
   * each user chose. Users are permuted among those with the same number of candidates.
   *
   * @param users the cases whose labels are permuted
   * @param seed the seed of the permutation
   * @return the cases in the same order, each with the places it was dealt
   * @throws NullPointerException if users or an element is null
   * @throws IllegalArgumentException if a user has no relevant item
   */
  public static List<UserCase> permuteLabels(List<UserCase> users, long seed) {
    requireNonNull(users, "users");
    Map<Integer, List<Integer>> bySize = new TreeMap<>();
    for (int i = 0; i < users.size(); i++) {
      UserCase u = requireNonNull(users.get(i), "user");
      if (u.relevantItemIds().isEmpty()) {
        throw new IllegalArgumentException("user " + u.userId() + " has no relevant item to permute");
      }
      bySize.computeIfAbsent(u.candidates().size(), n -> new ArrayList<>()).add(i);
    }
    UserCase[] out = new UserCase[users.size()];
    for (Map.Entry<Integer, List<Integer>> group : bySize.entrySet()) {
      List<Integer> members = group.getValue();
      List<Integer> dealt = Seeds.shuffle(members, seed, Seeds.mix(PERMUTATION_STREAM, group.getKey()));
      for (int m = 0; m < members.size(); m++) {
        UserCase to = users.get(members.get(m));
        UserCase from = users.get(dealt.get(m));
        Set<String> relevant = new LinkedHashSet<>();
        for (int place : places(from)) {
          relevant.add(to.candidates().get(place).id());
        }
        out[members.get(m)] = new UserCase(to.userId(), to.history(), to.candidates(), relevant);
      }
    }
    return List.of(out);
  }

  private static List<Integer> places(UserCase u) {
    List<Integer> out = new ArrayList<>();
    List<Item> c = u.candidates();
    for (int i = 0; i < c.size(); i++) {
      if (u.relevantItemIds().contains(c.get(i).id())) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Training interactions per item: how popular each item was in the data every base model and
   * method learned from (validation and test interactions are not counted).
   *
   * @param split the split whose training interactions are counted
   * @return the count per item id; items never seen in training are absent
   * @throws NullPointerException if split is null
   */
  public static Map<String, Long> trainingPopularity(LooSplit split) {
    requireNonNull(split, "split");
    Map<String, Long> counts = new HashMap<>();
    for (Interaction i : split.trainInteractions()) {
      counts.merge(i.itemId(), 1L, Long::sum);
    }
    return java.util.Collections.unmodifiableMap(counts);
  }
}
