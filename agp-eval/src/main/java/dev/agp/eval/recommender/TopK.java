package dev.agp.eval.recommender;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Selects the k best of n scores, ties to the lower index, skipping excluded indices. */
final class TopK {

  private TopK() {}

  /** Indices of the k largest scores, best first; ties go to the lower index. */
  static int[] select(float[] scores, boolean[] excluded, int k) {
    int size = 0;
    int[] heap = new int[k]; // a min-heap of the best so far: root = the worst kept
    for (int i = 0; i < scores.length; i++) {
      if (excluded != null && excluded[i]) {
        continue;
      }
      if (size < k) {
        heap[size] = i;
        up(heap, size, scores);
        size++;
      } else if (better(i, heap[0], scores)) {
        heap[0] = i;
        down(heap, size, scores);
      }
    }
    int[] out = new int[size];
    for (int n = size - 1; n >= 0; n--) {
      out[n] = heap[0];
      heap[0] = heap[n];
      down(heap, n, scores);
    }
    return out;
  }

  /** a ranks above b. */
  static boolean better(int a, int b, float[] s) {
    return s[a] > s[b] || (s[a] == s[b] && a < b);
  }

  private static void up(int[] h, int i, float[] s) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (better(h[p], h[i], s)) { // parent ranks above: heap keeps the worst at the root
        int t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
      } else {
        return;
      }
    }
  }

  private static void down(int[] h, int size, float[] s) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && better(h[worst], h[l], s)) {
        worst = l;
      }
      if (r < size && better(h[worst], h[r], s)) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      int t = h[i];
      h[i] = h[worst];
      h[worst] = t;
      i = worst;
    }
  }

  static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
  }

  static Set<String> asSet(Collection<String> history) {
    Set<String> s = new HashSet<>(history.size() * 2);
    for (String h : history) {
      s.add(java.util.Objects.requireNonNull(h, "history item"));
    }
    return s;
  }

  static List<String> ids(int[] indices, String[] names) {
    List<String> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(names[i]);
    }
    return out;
  }
}
