package dev.agp.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Finds candidate titles in free text in time linear in the text: an Aho-Corasick automaton over
 * the normalised title variants, each padded with spaces so that only whole words match. Matches
 * are taken leftmost first, the longest at a start, without overlapping; the result lists each
 * candidate once, in order of first appearance.
 */
final class TitleMatcher {

  private static final int ROOT = 0;

  /** Edges as (node << 16 | char) to child. */
  private final Map<Long, Integer> edges = new HashMap<>();
  private int[] firstChild = new int[64];
  private int[] sibling = new int[64];
  private char[] label = new char[64];
  private int[] termLength = new int[64];
  private int[] termCandidate = new int[64];
  private int[] fail;
  private int[] outLength;
  private int[] outCandidate;
  private int size = 1;

  /** @param needles normalised variant (no padding) to candidate index, each variant once */
  TitleMatcher(List<Map.Entry<String, Integer>> needles) {
    Arrays.fill(firstChild, -1);
    Arrays.fill(sibling, -1);
    for (Map.Entry<String, Integer> e : needles) {
      insert(" " + e.getKey() + " ", e.getValue());
    }
    link();
  }

  private void insert(String needle, int candidate) {
    int node = ROOT;
    for (int i = 0; i < needle.length(); i++) {
      char c = needle.charAt(i);
      Integer next = edges.get(key(node, c));
      if (next == null) {
        next = add(node, c);
      }
      node = next;
    }
    termLength[node] = needle.length();
    termCandidate[node] = candidate;
  }

  private int add(int parent, char c) {
    if (size == firstChild.length) {
      int n = size * 2;
      firstChild = Arrays.copyOf(firstChild, n);
      sibling = Arrays.copyOf(sibling, n);
      label = Arrays.copyOf(label, n);
      termLength = Arrays.copyOf(termLength, n);
      termCandidate = Arrays.copyOf(termCandidate, n);
      Arrays.fill(firstChild, size, n, -1);
      Arrays.fill(sibling, size, n, -1);
    }
    int node = size++;
    label[node] = c;
    sibling[node] = firstChild[parent];
    firstChild[parent] = node;
    edges.put(key(parent, c), node);
    return node;
  }

  /** Failure links and longest outputs, breadth first. */
  private void link() {
    fail = new int[size];
    outLength = new int[size];
    outCandidate = new int[size];
    int[] queue = new int[size];
    int head = 0;
    int tail = 0;
    for (int c = firstChild[ROOT]; c >= 0; c = sibling[c]) {
      fail[c] = ROOT;
      queue[tail++] = c;
    }
    while (head < tail) {
      int u = queue[head++];
      outLength[u] = termLength[u] > 0 ? termLength[u] : outLength[fail[u]];
      outCandidate[u] = termLength[u] > 0 ? termCandidate[u] : outCandidate[fail[u]];
      for (int v = firstChild[u]; v >= 0; v = sibling[v]) {
        int f = fail[u];
        Integer to = edges.get(key(f, label[v]));
        while (to == null && f != ROOT) {
          f = fail[f];
          to = edges.get(key(f, label[v]));
        }
        fail[v] = to == null || to == v ? ROOT : to;
        queue[tail++] = v;
      }
    }
  }

  /**
   * The candidates whose titles occur in {@code padded} (normalised text with a space at each
   * end), in order of first appearance.
   */
  List<Integer> scan(String padded) {
    int n = padded.length();
    int[] longestEndAt = new int[n + 1];
    int[] candidateAt = new int[n + 1];
    int state = ROOT;
    for (int i = 0; i < n; i++) {
      char c = padded.charAt(i);
      Integer to = edges.get(key(state, c));
      while (to == null && state != ROOT) {
        state = fail[state];
        to = edges.get(key(state, c));
      }
      state = to == null ? ROOT : to;
      int length = outLength[state];
      if (length > 0) {
        int start = i + 1 - length;
        if (i + 1 > longestEndAt[start]) {
          longestEndAt[start] = i + 1;
          candidateAt[start] = outCandidate[state];
        }
      }
    }
    LinkedHashSet<Integer> found = new LinkedHashSet<>();
    int free = 0; // interiors may start here
    for (int start = 0; start < n; start++) {
      int end = longestEndAt[start];
      if (end > 0 && start + 1 >= free) {
        found.add(candidateAt[start]);
        free = end - 1;
      }
    }
    return new ArrayList<>(found);
  }

  private static long key(int node, char c) {
    return ((long) node << 16) | c;
  }
}
