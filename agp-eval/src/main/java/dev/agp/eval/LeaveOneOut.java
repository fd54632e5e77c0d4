package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The chronological leave-one-out split of the papers: per user, interactions are sorted by
 * timestamp with a <em>stable</em> sort (equal timestamps keep their input order); the last one is
 * the test interaction, the second-last the validation interaction, the rest training.
 *
 * <p>Before splitting, repeated user-item pairs are handled by a {@link DuplicatePolicy} (default
 * {@link DuplicatePolicy#KEEP_LAST}) and, optionally, the data is reduced to its k-core (every
 * user and every item with at least k interactions, repeated until stable). Users with fewer than
 * {@code minInteractions} interactions (default {@value #DEFAULT_MIN_INTERACTIONS}) are kept for
 * training only. Everything dropped is counted in {@link LooSplit#report()}.
 *
 * <pre>{@code
 * LooSplit split = LeaveOneOut.split(dataset.interactions());
 * LooSplit fiveCore = LeaveOneOut.builder().kCore(5).duplicates(DuplicatePolicy.KEEP_FIRST).build()
 *     .apply(dataset.interactions());
 * }</pre>
 *
 * Instances are immutable and thread-safe.
 */
public final class LeaveOneOut {

  /** Users with fewer interactions than this are training-only. */
  public static final int DEFAULT_MIN_INTERACTIONS = 3;
  /** What happens to repeated user-item pairs. */
  public static final DuplicatePolicy DEFAULT_DUPLICATES = DuplicatePolicy.KEEP_LAST;

  private static final LeaveOneOut DEFAULTS = builder().build();

  private final int minInteractions;
  private final DuplicatePolicy duplicates;
  private final OptionalInt kCore;

  private LeaveOneOut(Builder b) {
    this.minInteractions = b.minInteractions;
    this.duplicates = b.duplicates;
    this.kCore = b.kCore;
  }

  /**
   * Splits with the default options.
   *
   * @throws NullPointerException if the list or an element is null
   */
  public static LooSplit split(List<Interaction> interactions) {
    return DEFAULTS.apply(interactions);
  }

  /** A builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.minInteractions = minInteractions;
    b.duplicates = duplicates;
    b.kCore = kCore;
    return b;
  }

  /**
   * Splits {@code interactions} with these options.
   *
   * @throws NullPointerException if the list or an element is null
   */
  public LooSplit apply(List<Interaction> interactions) {
    requireNonNull(interactions, "interactions");
    Map<String, List<Interaction>> byUser = new LinkedHashMap<>(Math.max(16, interactions.size() / 4));
    int size = interactions.size();
    for (int i = 0; i < size; ) {
      Interaction x = interactions.get(i);
      if (x == null) {
        throw new NullPointerException("interactions[" + i + "] is null");
      }
      // files list a user's interactions together: one lookup and one list per run of the same user
      String user = x.userId();
      int end = i + 1;
      for (Interaction y; end < size && (y = interactions.get(end)) != null && y.userId().equals(user); ) {
        end++;
      }
      List<Interaction> run = interactions.subList(i, end);
      List<Interaction> list = byUser.get(user);
      if (list == null) {
        byUser.put(user, new ArrayList<>(run));
      } else {
        list.addAll(run);
      }
      i = end;
    }
    Comparator<Interaction> byTime = Comparator.comparing(Interaction::timestamp);
    long duplicatesRemoved = 0;
    int[] hashes = new int[SMALL];
    for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
      List<Interaction> list = e.getValue();
      list.sort(byTime); // List.sort is stable: equal timestamps keep input order
      if (duplicates != DuplicatePolicy.KEEP_ALL && list.size() > 1) {
        List<Interaction> kept = dedupe(list, duplicates, hashes);
        duplicatesRemoved += list.size() - kept.size();
        e.setValue(kept);
      }
    }
    KCoreResult core = kCore.isPresent() ? kCore(byUser, kCore.getAsInt()) : KCoreResult.NONE;

    List<LooSplit.UserSplit> users = new ArrayList<>(byUser.size());
    int splitUsers = 0;
    int trainingOnly = 0;
    int train = 0;
    for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
      List<Interaction> list = e.getValue();
      if (list.isEmpty()) {
        continue;
      }
      int n = list.size();
      if (n >= minInteractions) {
        users.add(
            new LooSplit.UserSplit(
                e.getKey(), list.subList(0, n - 2), Optional.of(list.get(n - 2)), Optional.of(list.get(n - 1))));
        splitUsers++;
        train += n - 2;
      } else {
        users.add(new LooSplit.UserSplit(e.getKey(), list, Optional.empty(), Optional.empty()));
        trainingOnly++;
        train += n;
      }
    }
    return new LooSplit(
        users,
        new LooSplit.Report(
            interactions.size(), duplicatesRemoved, core.interactions, core.users, core.items, core.rounds,
            users.size(), splitUsers, trainingOnly, train));
  }

  private static List<Interaction> dedupe(List<Interaction> sorted, DuplicatePolicy policy, int[] hashes) {
    if (sorted.size() <= SMALL && distinct(sorted, hashes)) {
      return sorted;
    }
    Set<String> seen = new HashSet<>(sorted.size() * 2);
    if (policy == DuplicatePolicy.KEEP_FIRST) {
      List<Interaction> kept = new ArrayList<>(sorted.size());
      for (Interaction x : sorted) {
        if (seen.add(x.itemId())) {
          kept.add(x);
        }
      }
      return kept;
    }
    List<Interaction> reversed = new ArrayList<>(sorted.size());
    for (int i = sorted.size() - 1; i >= 0; i--) {
      Interaction x = sorted.get(i);
      if (seen.add(x.itemId())) {
        reversed.add(x);
      }
    }
    Collections.reverse(reversed);
    return reversed;
  }

  private static final int SMALL = 32;

  /**
   * Whether no item repeats, by pairwise comparison: cheaper than hashing for short lists. The
   * ids' (cached) hash codes are read once into {@code hashes} and compared there; the characters
   * only when two agree.
   */
  private static boolean distinct(List<Interaction> xs, int[] hashes) {
    int n = xs.size();
    for (int i = 0; i < n; i++) {
      hashes[i] = xs.get(i).itemId().hashCode();
    }
    for (int i = 1; i < n; i++) {
      int h = hashes[i];
      for (int j = 0; j < i; j++) {
        if (hashes[j] == h && xs.get(i).itemId().equals(xs.get(j).itemId())) {
          return false;
        }
      }
    }
    return true;
  }

  private record KCoreResult(long interactions, long users, long items, int rounds) {
    static final KCoreResult NONE = new KCoreResult(0, 0, 0, 0);
  }

  private static KCoreResult kCore(Map<String, List<Interaction>> byUser, int k) {
    Map<String, Integer> itemCounts = new HashMap<>();
    for (List<Interaction> list : byUser.values()) {
      for (Interaction x : list) {
        itemCounts.merge(x.itemId(), 1, Integer::sum);
      }
    }
    int itemsBefore = itemCounts.size();
    long usersBefore = byUser.values().stream().filter(l -> !l.isEmpty()).count();
    long removed = 0;
    int rounds = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      rounds++;
      for (Map.Entry<String, List<Interaction>> e : byUser.entrySet()) {
        List<Interaction> list = e.getValue();
        if (list.isEmpty()) {
          continue;
        }
        boolean userTooSmall = list.size() < k;
        List<Interaction> kept = new ArrayList<>(list.size());
        List<Interaction> dropped = new ArrayList<>();
        for (Interaction x : list) {
          (!userTooSmall && itemCounts.get(x.itemId()) >= k ? kept : dropped).add(x);
        }
        if (!dropped.isEmpty()) {
          changed = true;
          removed += dropped.size();
          for (Interaction x : dropped) {
            itemCounts.merge(x.itemId(), -1, Integer::sum);
          }
          e.setValue(kept);
        }
      }
    }
    long itemsAfter = itemCounts.values().stream().filter(c -> c > 0).count();
    long usersAfter = byUser.values().stream().filter(l -> !l.isEmpty()).count();
    return new KCoreResult(removed, usersBefore - usersAfter, itemsBefore - itemsAfter, rounds);
  }

  /**
   * Options of a {@link LeaveOneOut}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private int minInteractions = DEFAULT_MIN_INTERACTIONS;
    private DuplicatePolicy duplicates = DEFAULT_DUPLICATES;
    private OptionalInt kCore = OptionalInt.empty();

    private Builder() {}

    /**
     * Users with fewer interactions are kept for training only; {@code >= 3} (one training,
     * one validation and one test interaction), default {@value LeaveOneOut#DEFAULT_MIN_INTERACTIONS}.
     */
    public Builder minInteractions(int n) {
      if (n < 3) {
        throw new IllegalArgumentException("minInteractions must be >= 3 but was " + n);
      }
      this.minInteractions = n;
      return this;
    }

    /** What happens to repeated user-item pairs (default {@link DuplicatePolicy#KEEP_LAST}). */
    public Builder duplicates(DuplicatePolicy policy) {
      this.duplicates = requireNonNull(policy, "duplicates");
      return this;
    }

    /** Keeps only the k-core: users and items with at least {@code k >= 1} interactions each. */
    public Builder kCore(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("kCore must be >= 1 but was " + k);
      }
      this.kCore = OptionalInt.of(k);
      return this;
    }

    /** No k-core filtering (the default). */
    public Builder noKCore() {
      this.kCore = OptionalInt.empty();
      return this;
    }

    /** The splitter. */
    public LeaveOneOut build() {
      return new LeaveOneOut(this);
    }
  }
}
