package dev.agp.rpp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RPP+ rewrites of base sentences waiting for evidence from several users before one may join
 * its pattern's action space. A rewrite is identified by its pattern, the base action it was
 * written from and its text (ignoring case and spacing); each training user whose ranking used it
 * contributes its latest reward. Rewrites of rewrites never enter: a user whose chosen sentence
 * was itself an admitted rewrite gets a rewrite for its own call only.
 *
 * <p>Bounded: at most {@link #MAX_PENDING} rewrites per pattern wait; beyond that the one with the
 * fewest users, seen longest ago, is forgotten and counted. Not thread-safe: the fit feeds it in
 * schedule order, so its contents do not depend on concurrency.
 */
final class RewriteEvidence {

  /** Rewrites that may wait per pattern. */
  static final int MAX_PENDING = 1000;

  /**
   * One waiting rewrite, as a checkpoint stores it.
   *
   * @param pattern its pattern
   * @param parent the base action it was written from
   * @param text the rewrite as first seen
   * @param rewards per user (in the order they first used it), the latest reward of a ranking
   *     that used it
   * @param lastIteration the iteration it was last used in
   */
  record Entry(PromptPattern pattern, int parent, String text, Map<String, Double> rewards, int lastIteration) {
    Entry {
      rewards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
    }

    double meanReward() {
      return rewards.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    List<String> users() {
      return List.copyOf(rewards.keySet());
    }
  }

  private static final class Waiting {
    final PromptPattern pattern;
    final int parent;
    final String text;
    final LinkedHashMap<String, Double> rewards = new LinkedHashMap<>();
    int lastIteration;

    Waiting(PromptPattern pattern, int parent, String text) {
      this.pattern = pattern;
      this.parent = parent;
      this.text = text;
    }

    Entry entry() {
      return new Entry(pattern, parent, text, rewards, lastIteration);
    }
  }

  private final Map<PromptPattern, LinkedHashMap<String, Waiting>> pending = new EnumMap<>(PromptPattern.class);

  RewriteEvidence() {
    for (PromptPattern p : PromptPattern.values()) {
      pending.put(p, new LinkedHashMap<>());
    }
  }

  /**
   * Records that {@code userId}'s ranking used {@code text}, a rewrite of base action {@code
   * parent}, and earned {@code reward}.
   *
   * @return how many waiting rewrites were forgotten to stay within the bound
   */
  int add(PromptPattern pattern, int parent, String text, String userId, double reward, int iteration) {
    LinkedHashMap<String, Waiting> m = pending.get(pattern);
    Waiting w = m.computeIfAbsent(key(parent, text), k -> new Waiting(pattern, parent, text));
    w.rewards.put(userId, reward);
    w.lastIteration = iteration;
    int forgotten = 0;
    while (m.size() > MAX_PENDING) {
      Waiting weakest = null;
      for (Waiting x : m.values()) {
        if (x != w && (weakest == null || x.rewards.size() < weakest.rewards.size()
            || (x.rewards.size() == weakest.rewards.size() && x.lastIteration < weakest.lastIteration))) {
          weakest = x;
        }
      }
      m.remove(key(weakest.parent, weakest.text));
      forgotten++;
    }
    return forgotten;
  }

  /**
   * The waiting rewrites used by at least {@code minUsers} users with a mean reward of at least
   * {@code minReward}: best mean first, then most users, then the order they first appeared.
   */
  List<Entry> ready(int minUsers, double minReward) {
    List<Entry> out = new ArrayList<>();
    for (PromptPattern p : PromptPattern.values()) {
      for (Waiting w : pending.get(p).values()) {
        Entry e = w.entry();
        if (e.rewards().size() >= minUsers && e.meanReward() >= minReward) {
          out.add(e);
        }
      }
    }
    out.sort(Comparator.comparingDouble(Entry::meanReward).reversed()
        .thenComparing(Comparator.comparingInt((Entry e) -> e.rewards().size()).reversed()));
    return out;
  }

  /** Forgets a rewrite (it joined the action space, or the space already holds its text). */
  void remove(Entry e) {
    pending.get(e.pattern()).remove(key(e.parent(), e.text()));
  }

  /** Rewrites waiting, over all patterns. */
  int size() {
    return pending.values().stream().mapToInt(Map::size).sum();
  }

  /** Everything waiting, pattern by pattern in arrival order, for a checkpoint. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    pending.values().forEach(m -> m.values().forEach(w -> out.add(w.entry())));
    return out;
  }

  /** Restores a checkpoint's entries, in order. */
  void restore(List<Entry> entries) {
    pending.values().forEach(Map::clear);
    for (Entry e : entries) {
      Waiting w = new Waiting(e.pattern(), e.parent(), e.text());
      w.rewards.putAll(e.rewards());
      w.lastIteration = e.lastIteration();
      pending.get(e.pattern()).put(key(e.parent(), e.text()), w);
    }
  }

  private static String key(int parent, String text) {
    return parent + "\u0000" + ActionSpace.key(text);
  }
}
