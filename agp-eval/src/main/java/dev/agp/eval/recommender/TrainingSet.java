package dev.agp.eval.recommender;

import dev.agp.eval.Interaction;
import dev.agp.eval.LooSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training interactions of a split as dense indices: users in split order, items in order
 * of first appearance, each user's training sequence oldest first, and the validation item.
 */
final class TrainingSet {

  final String[] users;
  final String[] items;
  final Map<String, Integer> userIndex;
  final Map<String, Integer> itemIndex;
  /** Per user: training item indices, oldest first (repeats kept as the split has them). */
  final int[][] sequences;
  /** Per user: distinct training item indices, ascending. */
  final int[][] positives;
  /** Per user: the validation item index, -1 when absent or not a training item. */
  final int[] validation;
  final long interactions;

  private TrainingSet(LooSplit split) {
    userIndex = new HashMap<>(split.users().size() * 2);
    itemIndex = new HashMap<>();
    List<String> itemList = new ArrayList<>();
    List<String> userList = new ArrayList<>();
    List<int[]> seqs = new ArrayList<>();
    long n = 0;
    for (LooSplit.UserSplit u : split.users()) {
      if (u.train().isEmpty()) {
        continue;
      }
      userIndex.put(u.userId(), userList.size());
      userList.add(u.userId());
      int[] seq = new int[u.train().size()];
      for (int t = 0; t < seq.length; t++) {
        Interaction x = u.train().get(t);
        Integer idx = itemIndex.get(x.itemId());
        if (idx == null) {
          idx = itemList.size();
          itemIndex.put(x.itemId(), idx);
          itemList.add(x.itemId());
        }
        seq[t] = idx;
      }
      n += seq.length;
      seqs.add(seq);
    }
    users = userList.toArray(String[]::new);
    items = itemList.toArray(String[]::new);
    sequences = seqs.toArray(int[][]::new);
    positives = new int[users.length][];
    validation = new int[users.length];
    for (int u = 0; u < users.length; u++) {
      positives[u] = sortedDistinct(sequences[u]);
    }
    Arrays.fill(validation, -1);
    for (LooSplit.UserSplit u : split.users()) {
      Integer ui = userIndex.get(u.userId());
      Optional<Interaction> v = u.validation();
      if (ui != null && v.isPresent()) {
        Integer vi = itemIndex.get(v.get().itemId());
        validation[ui] = vi == null ? -1 : vi;
      }
    }
    interactions = n;
  }

  private static int[] sortedDistinct(int[] seq) {
    int[] a = seq.clone();
    Arrays.sort(a);
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (i == 0 || a[i] != a[i - 1]) {
        a[n++] = a[i];
      }
    }
    return n == a.length ? a : Arrays.copyOf(a, n);
  }

  static TrainingSet of(LooSplit split) {
    java.util.Objects.requireNonNull(split, "split");
    TrainingSet t = new TrainingSet(split);
    if (t.users.length == 0 || t.items.length == 0) {
      throw new IllegalArgumentException("the split has no training interactions");
    }
    return t;
  }

  /** Item indices of {@code history} that are training items (others cannot be scored anyway). */
  boolean[] excluded(List<String> history) {
    boolean[] ex = new boolean[items.length];
    for (String h : history) {
      Integer i = itemIndex.get(java.util.Objects.requireNonNull(h, "history item"));
      if (i != null) {
        ex[i] = true;
      }
    }
    return ex;
  }

  /** Edges (user, item) with distinct items per user. */
  long edges() {
    long e = 0;
    for (int[] p : positives) {
      e += p.length;
    }
    return e;
  }
}
