package dev.agp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** Small builders for unit tests of the pipeline steps. */
final class Fixtures {

  private Fixtures() {}

  /** Ten candidates i0..i9 titled "Title 0".."Title 9"; relevant ids as given. */
  static UserCase user(String id, String... relevant) {
    List<Item> candidates = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      candidates.add(Item.of("i" + i, "Title " + i));
    }
    List<Item> history = List.of(Item.of("h1", "Seen One"), Item.of("h2", "Seen Two"));
    return new UserCase(id, history, candidates, new LinkedHashSet<>(List.of(relevant)));
  }

  /** The ranking that puts {@code first} ids at the top, the rest in base order. */
  static Ranking ranking(UserCase u, String... first) {
    List<String> ids = new ArrayList<>(List.of(first));
    for (String c : u.candidateIds()) {
      if (!ids.contains(c)) {
        ids.add(c);
      }
    }
    return Ranking.of(u.userId(), ids);
  }

  /** An outcome whose single relevant item i0 sits at {@code position} (1-based). */
  static UserOutcome outcomeAt(String userId, int position, String critique) {
    UserCase u = user(userId, "i0");
    List<String> ids = new ArrayList<>(u.candidateIds());
    ids.remove("i0");
    ids.add(position - 1, "i0");
    Ranking r = Ranking.of(userId, ids);
    PositionFeedback f = new PositionFeedbackCalculator(10, 200, "movie").feedback(u, r);
    return new UserOutcome(u, new ProfilePrompt("Describe the user."), new UserProfile(userId, "Profile of " + userId),
        r, f, Optional.ofNullable(critique));
  }

  static AgpOptimizer.Builder builder() {
    return AgpOptimizer.builder().domain("movie");
  }
}
