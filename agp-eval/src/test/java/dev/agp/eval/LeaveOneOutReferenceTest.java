package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The split against a plain reference written from its specification: users in order of first
 * appearance, each user's interactions in time order (ties in input order), repeats removed by
 * the policy, the k-core, then the last two held out. Random inputs with users split over several
 * runs, unsorted and equal timestamps, repeated items and ids built afresh (equal, not the same
 * object).
 */
class LeaveOneOutReferenceTest {

  private static LooSplit reference(List<Interaction> xs, DuplicatePolicy policy, int min, Integer k) {
    Map<String, List<Interaction>> byUser = new LinkedHashMap<>();
    for (Interaction x : xs) {
      byUser.computeIfAbsent(x.userId(), u -> new ArrayList<>()).add(x);
    }
    long removed = 0;
    for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
      List<Interaction> l = new ArrayList<>(e.getValue());
      l.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
      List<Interaction> kept = new ArrayList<>();
      if (policy == DuplicatePolicy.KEEP_ALL) {
        kept = l;
      } else if (policy == DuplicatePolicy.KEEP_FIRST) {
        Set<String> seen = new HashSet<>();
        for (Interaction x : l) {
          if (seen.add(x.itemId())) {
            kept.add(x);
          }
        }
      } else {
        Set<String> seen = new HashSet<>();
        for (int i = l.size() - 1; i >= 0; i--) {
          if (seen.add(l.get(i).itemId())) {
            kept.add(0, l.get(i));
          }
        }
      }
      removed += l.size() - kept.size();
      e.setValue(kept);
    }
    long coreRemoved = 0;
    if (k != null) {
      boolean changed = true;
      while (changed) {
        changed = false;
        Map<String, Integer> counts = new HashMap<>();
        byUser.values().forEach(l -> l.forEach(x -> counts.merge(x.itemId(), 1, Integer::sum)));
        for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
          List<Interaction> l = e.getValue();
          List<Interaction> kept = new ArrayList<>();
          for (Interaction x : l) {
            if (l.size() >= k && counts.get(x.itemId()) >= k) {
              kept.add(x);
            }
          }
          if (kept.size() != l.size()) {
            coreRemoved += l.size() - kept.size();
            for (Interaction x : l) {
              if (!kept.contains(x)) {
                counts.merge(x.itemId(), -1, Integer::sum);
              }
            }
            e.setValue(kept);
            changed = true;
          }
        }
      }
    }
    List<LooSplit.UserSplit> users = new ArrayList<>();
    int split = 0;
    int only = 0;
    int train = 0;
    for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
      List<Interaction> l = e.getValue();
      int n = l.size();
      if (n == 0) {
        continue;
      }
      if (n >= min) {
        users.add(new LooSplit.UserSplit(e.getKey(), l.subList(0, n - 2), Optional.of(l.get(n - 2)), Optional.of(l.get(n - 1))));
        split++;
        train += n - 2;
      } else {
        users.add(new LooSplit.UserSplit(e.getKey(), l, Optional.empty(), Optional.empty()));
        only++;
        train += n;
      }
    }
    return new LooSplit(users, new LooSplit.Report(xs.size(), removed, coreRemoved, 0, 0, 0, users.size(), split, only, train));
  }

  @Test
  void apply_randomInputs_sameUsersListsAndCountsAsTheReference() {
    Random random = new Random(20261201);
    for (int round = 0; round < 300; round++) {
      int users = 1 + random.nextInt(12);
      int items = 1 + random.nextInt(15);
      List<Interaction> xs = new ArrayList<>();
      int lines = random.nextInt(120);
      String user = "u0";
      for (int i = 0; i < lines; i++) {
        if (random.nextInt(4) == 0) {
          user = "u" + random.nextInt(users); // a new run, often of a user seen before
        }
        // new String: ids equal but not the same object, as from a parser without interning
        xs.add(new Interaction(new String(user), "i" + random.nextInt(items), 1 + random.nextInt(5),
            Instant.ofEpochSecond(random.nextInt(random.nextBoolean() ? 5 : 1000), random.nextInt(2))));
      }
      DuplicatePolicy policy = DuplicatePolicy.values()[random.nextInt(DuplicatePolicy.values().length)];
      int min = 3 + random.nextInt(3);
      Integer k = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : null;
      LeaveOneOut.Builder b = LeaveOneOut.builder().duplicates(policy).minInteractions(min);
      if (k != null) {
        b.kCore(k);
      }

      LooSplit got = b.build().apply(xs);
      LooSplit want = reference(xs, policy, min, k);

      String where = "round " + round + " (" + policy + ", min " + min + ", k-core " + k + ")";
      assertThat(got.users()).as(where).isEqualTo(want.users());
      assertThat(got.report().duplicatesRemoved()).as(where).isEqualTo(want.report().duplicatesRemoved());
      assertThat(got.report().kCoreRemovedInteractions()).as(where).isEqualTo(want.report().kCoreRemovedInteractions());
      assertThat(got.report().splitUsers()).as(where).isEqualTo(want.report().splitUsers());
      assertThat(got.report().trainingOnlyUsers()).as(where).isEqualTo(want.report().trainingOnlyUsers());
      assertThat(got.report().trainInteractions()).as(where).isEqualTo(want.report().trainInteractions());
      for (int u = 0; u < got.users().size(); u++) {
        // the same interaction objects, not equal copies: ties keep input order
        List<Interaction> g = got.users().get(u).train();
        List<Interaction> w = want.users().get(u).train();
        for (int i = 0; i < g.size(); i++) {
          assertThat(g.get(i)).as(where).isSameAs(w.get(i));
        }
      }
    }
  }
}
