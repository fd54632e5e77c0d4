package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
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
   * @param interactions every interaction of every user, in any order
   * @return the split
   * @throws NullPointerException if the list or an element is null
   */
  public static LooSplit split(List<Interaction> interactions) {
    return DEFAULTS.apply(interactions);
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding these options} */
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
   * @param interactions every interaction of every user, in any order
   * @return the split
   * @throws NullPointerException if the list or an element is null
   */
  public LooSplit apply(List<Interaction> interactions) {
    requireNonNull(interactions, "interactions");
    // one small method per pass: a fresh JVM compiles each long loop on its own
    Object[] all = interactions.toArray();
    Map<String, Object> byUser = runs(all);
    long duplicatesRemoved = ordered(all, byUser, duplicates);
    @SuppressWarnings("unchecked") // every value is now an Interaction[]
    Map<String, Interaction[]> lists = (Map<String, Interaction[]>) (Map<String, ?>) byUser;
    KCoreResult core = kCore.isPresent() ? kCore(lists, kCore.getAsInt()) : KCoreResult.NONE;
    return split(lists, all.length, duplicatesRemoved, core, minInteractions);
  }

  /**
   * Each user's runs of consecutive lines (files list a user's interactions together: usually one
   * run, a {@link Run}; else a list of them), users in the order they first appear.
   */
  private static Map<String, Object> runs(Object[] all) {
    int size = all.length;
    Map<String, Object> runs = new LinkedHashMap<>(Math.max(16, size / 4));
    for (int i = 0; i < size; ) {
      Interaction x = (Interaction) all[i];
      if (x == null) {
        throw new NullPointerException("interactions[" + i + "] is null");
      }
      String user = x.userId();
      int end = i + 1;
      for (Interaction y; end < size && (y = (Interaction) all[end]) != null && y.userId().equals(user); ) {
        end++;
      }
      Object earlier = runs.putIfAbsent(user, new Run(i, end));
      if (earlier != null) {
        several(runs, user, earlier).add(new Run(i, end));
      }
      i = end;
    }
    return runs;
  }

  private static List<Run> several(Map<String, Object> runs, String user, Object earlier) {
    if (earlier instanceof Run first) {
      List<Run> several = new ArrayList<>();
      several.add(first);
      runs.put(user, several);
      return several;
    }
    @SuppressWarnings("unchecked")
    List<Run> known = (List<Run>) earlier;
    return known;
  }

  /**
   * Replaces each user's runs by their interactions in time order without repeats (per {@code
   * duplicates}); returns how many repeats went.
   */
  private static long ordered(Object[] all, Map<String, Object> byUser, DuplicatePolicy duplicates) {
    long duplicatesRemoved = 0;
    int[] hashes = new int[SMALL];
    for (Map.Entry<String, Object> e : byUser.entrySet()) {
      Interaction[] list = gather(all, e.getValue());
      if (!inTimeOrder(list)) {
        Arrays.sort(list, BY_TIME); // stable: equal timestamps keep input order
      }
      if (duplicates != DuplicatePolicy.KEEP_ALL && list.length > 1) {
        Interaction[] kept = dedupe(list, duplicates, hashes);
        duplicatesRemoved += list.length - kept.length;
        list = kept;
      }
      e.setValue(list);
    }
    return duplicatesRemoved;
  }

  private static LooSplit split(
      Map<String, Interaction[]> byUser, int inputs, long duplicatesRemoved, KCoreResult core, int minInteractions) {
    LooSplit.UserSplit[] users = new LooSplit.UserSplit[byUser.size()];
    int u = 0;
    int splitUsers = 0;
    int trainingOnly = 0;
    int train = 0;
    for (Map.Entry<String, Interaction[]> e : byUser.entrySet()) {
      Interaction[] list = e.getValue();
      int n = list.length;
      if (n == 0) {
        continue;
      }
      if (n >= minInteractions) {
        users[u++] = new LooSplit.UserSplit(
            e.getKey(), List.of(Arrays.copyOf(list, n - 2)), Optional.of(list[n - 2]), Optional.of(list[n - 1]));
        splitUsers++;
        train += n - 2;
      } else {
        users[u++] = new LooSplit.UserSplit(e.getKey(), List.of(list), Optional.empty(), Optional.empty());
        trainingOnly++;
        train += n;
      }
    }
    // List.of of a fresh array, which the split's List.copyOf keeps as it is; one user per map key
    return LooSplit.ofDistinctUsers(
        List.of(u == users.length ? users : Arrays.copyOf(users, u)),
        new LooSplit.Report(
            inputs, duplicatesRemoved, core.interactions, core.users, core.items, core.rounds,
            u, splitUsers, trainingOnly, train));
  }

  private static final Comparator<Interaction> BY_TIME = (a, b) -> a.timestamp().compareTo(b.timestamp());

  /** Lines {@code [from, to)} of the input, all of one user. */
  private record Run(int from, int to) {}

  /** A user's interactions, from one run or several, in input order. */
  private static Interaction[] gather(Object[] all, Object runs) {
    if (runs instanceof Run r) {
      Interaction[] out = new Interaction[r.to - r.from];
      System.arraycopy(all, r.from, out, 0, out.length);
      return out;
    }
    @SuppressWarnings("unchecked")
    List<Run> several = (List<Run>) runs;
    int n = 0;
    for (Run r : several) {
      n += r.to - r.from;
    }
    Interaction[] out = new Interaction[n];
    int at = 0;
    for (Run r : several) {
      System.arraycopy(all, r.from, out, at, r.to - r.from);
      at += r.to - r.from;
    }
    return out;
  }

  /** Whether no interaction comes before an earlier one (then a stable sort would change nothing). */
  private static boolean inTimeOrder(Interaction[] xs) {
    for (int i = 1; i < xs.length; i++) {
      if (xs[i - 1].timestamp().compareTo(xs[i].timestamp()) > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code sorted} without repeated items, keeping the first or last occurrence in time: the same
   * array when nothing repeats.
   */
  private static Interaction[] dedupe(Interaction[] sorted, DuplicatePolicy policy, int[] hashes) {
    return sorted.length <= SMALL && distinct(sorted, hashes) ? sorted : withoutDuplicates(sorted, policy);
  }

  /** {@link #dedupe} of a list that may hold duplicates: the rare path, kept out of the per-user one. */
  private static Interaction[] withoutDuplicates(Interaction[] sorted, DuplicatePolicy policy) {
    int n = sorted.length;
    Set<String> seen = new HashSet<>(n * 2);
    Interaction[] kept = new Interaction[n];
    if (policy == DuplicatePolicy.KEEP_FIRST) {
      int k = 0;
      for (Interaction x : sorted) {
        if (seen.add(x.itemId())) {
          kept[k++] = x;
        }
      }
      return k == n ? sorted : Arrays.copyOf(kept, k);
    }
    int from = n;
    for (int i = n - 1; i >= 0; i--) {
      if (seen.add(sorted[i].itemId())) {
        kept[--from] = sorted[i];
      }
    }
    return from == 0 ? sorted : Arrays.copyOfRange(kept, from, n);
  }

  private static final int SMALL = 32;

  /** Whether the items of {@code xs} (at most {@link #SMALL}) are all different. */
  private static boolean distinct(Interaction[] xs, int[] hashes) {
    int n = xs.length;
    for (int i = 0; i < n; i++) {
      hashes[i] = xs[i].itemId().hashCode();
    }
    for (int i = 1; i < n; i++) {
      int h = hashes[i];
      for (int j = 0; j < i; j++) {
        if (hashes[j] == h && xs[i].itemId().equals(xs[j].itemId())) {
          return false;
        }
      }
    }
    return true;
  }

  private record KCoreResult(long interactions, long users, long items, int rounds) {
    static final KCoreResult NONE = new KCoreResult(0, 0, 0, 0);
  }

  private static KCoreResult kCore(Map<String, Interaction[]> byUser, int k) {
    Map<String, Integer> itemCounts = new HashMap<>();
    for (Interaction[] list : byUser.values()) {
      for (Interaction x : list) {
        itemCounts.merge(x.itemId(), 1, Integer::sum);
      }
    }
    int itemsBefore = itemCounts.size();
    long usersBefore = byUser.values().stream().filter(l -> l.length > 0).count();
    long removed = 0;
    int rounds = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      rounds++;
      for (Map.Entry<String, Interaction[]> e : byUser.entrySet()) {
        Interaction[] list = e.getValue();
        if (list.length == 0) {
          continue;
        }
        boolean userTooSmall = list.length < k;
        List<Interaction> kept = new ArrayList<>(list.length);
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
          e.setValue(kept.toArray(new Interaction[0]));
        }
      }
    }
    long itemsAfter = itemCounts.values().stream().filter(c -> c > 0).count();
    long usersAfter = byUser.values().stream().filter(l -> l.length > 0).count();
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
     *
     * @param n the least interactions of an evaluated user
     * @return this builder
     */
    public Builder minInteractions(int n) {
      if (n < 3) {
        throw new IllegalArgumentException("minInteractions must be >= 3 but was " + n);
      }
      this.minInteractions = n;
      return this;
    }

    /**
     * What happens to repeated user-item pairs (default {@link DuplicatePolicy#KEEP_LAST}).
     *
     * @param policy keep every repeat, or only the first or last
     * @return this builder
     */
    public Builder duplicates(DuplicatePolicy policy) {
      this.duplicates = requireNonNull(policy, "duplicates");
      return this;
    }

    /**
     * Keeps only the k-core: users and items with at least {@code k >= 1} interactions each.
     *
     * @param k the least interactions per user and item
     * @return this builder
     */
    public Builder kCore(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("kCore must be >= 1 but was " + k);
      }
      this.kCore = OptionalInt.of(k);
      return this;
    }

    /**
     * No k-core filtering (the default).
     *
     * @return this builder
     */
    public Builder noKCore() {
      this.kCore = OptionalInt.empty();
      return this;
    }

    /** {@return the splitter} */
    public LeaveOneOut build() {
      return new LeaveOneOut(this);
    }
  }
}
