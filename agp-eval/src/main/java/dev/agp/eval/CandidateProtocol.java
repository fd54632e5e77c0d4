package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.eval.recommender.BaseRecommender;
import dev.agp.internal.Seeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Builds the paper's candidate lists and user sets from a leave-one-out split and a base
 * recommender:
 *
 * <ol>
 *   <li>for every user with a test item, the base's top {@code k} given everything the user
 *       consumed before it (training and validation items, which are never candidates);
 *   <li>users whose held-out item is in that list are eligible ({@link CandidateMode#BASE_TOP_K},
 *       the paper); with {@link CandidateMode#BASE_WINDOW} every user whose held-out item the base
 *       can rank is, and the list is the window of {@code k} consecutive items of the base's full
 *       ranking that holds the held-out item at a seeded place (see the mode for why);
 *   <li>eligible users, sorted by id, are shuffled with {@code seed} and dealt into disjoint
 *       training ({@value #DEFAULT_TRAIN_USERS}), validation ({@value #DEFAULT_VALIDATION_USERS})
 *       and test ({@value #DEFAULT_TEST_USERS}) sets, in that order.
 * </ol>
 *
 * Each case holds the user's last {@code maxHistory} items before the test item (oldest first),
 * titled from the catalogue with their attributes, the candidates in base order and the held-out
 * item as its only relevant id. Users the base gave fewer than {@code k} candidates, or whose
 * lists name items missing from the catalogue, are counted and left out.
 *
 * <pre>{@code
 * CandidateSets sets = CandidateProtocol.builder().seed(42).build()
 *     .apply(dataset.items(), split, lightGcn);
 * }</pre>
 */
public final class CandidateProtocol {

  /** Candidates per user. */
  public static final int DEFAULT_K = 10;
  /** Users to learn prompts on (the paper's T100). */
  public static final int DEFAULT_TRAIN_USERS = 100;
  /** Users to select prompts on (AGP's own default would split 20% of 100 off). */
  public static final int DEFAULT_VALIDATION_USERS = 20;
  /** Users every method is scored on (the paper: 300). */
  public static final int DEFAULT_TEST_USERS = 300;
  /** History items kept per case (AGP reads 5 to 20 of them). */
  public static final int DEFAULT_MAX_HISTORY = 50;
  /** The seed of the user selection. */
  public static final long DEFAULT_SEED = 42;

  private static final long SELECTION_STREAM = 7_001;
  private static final long WINDOW_STREAM = 7_002;

  private final int k;
  private final int trainUsers;
  private final int validationUsers;
  private final int testUsers;
  private final boolean allowFewerTestUsers;
  private final int maxHistory;
  private final long seed;
  private final CandidateMode mode;
  private final int concurrency;

  private CandidateProtocol(Builder b) {
    this.k = b.k;
    this.trainUsers = b.trainUsers;
    this.validationUsers = b.validationUsers;
    this.testUsers = b.testUsers;
    this.allowFewerTestUsers = b.allowFewerTestUsers;
    this.maxHistory = b.maxHistory;
    this.seed = b.seed;
    this.mode = b.mode;
    this.concurrency = b.concurrency;
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds the candidate sets.
   *
   * @param items the catalogue: every history and candidate item must be in it
   * @param split the leave-one-out split the base was trained on
   * @param base the base recommender; called concurrently, once per user with a test item
   * @return the training, validation and test users with the report of how they were chosen
   * @throws NullPointerException if an argument is null
   * @throws NotEnoughUsersException if fewer users are eligible than the sets need (unless {@code
   *     allowFewerTestUsers}, which needs the training and validation sets and one test user);
   *     it carries the counts
   */
  public CandidateSets apply(Map<String, Item> items, LooSplit split, BaseRecommender base) {
    requireNonNull(items, "items");
    requireNonNull(split, "split");
    requireNonNull(base, "base");
    List<LooSplit.UserSplit> users = split.evaluableUsers();
    Outcome[] outcomes = new Outcome[users.size()];
    Runnable work = () -> IntStream.range(0, users.size()).parallel().forEach(i -> outcomes[i] = candidates(items, users.get(i), base));
    if (concurrency == 1) {
      for (int i = 0; i < users.size(); i++) {
        outcomes[i] = candidates(items, users.get(i), base);
      }
    } else {
      ForkJoinPool pool = new ForkJoinPool(concurrency);
      try {
        pool.submit(work).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while building candidates", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    int shortLists = 0;
    int unknown = 0;
    int unranked = 0;
    int hits = 0;
    int windowed = 0;
    double ndcg = 0;
    List<Outcome> eligible = new ArrayList<>();
    for (Outcome o : outcomes) {
      switch (o.status) {
        case SHORT -> shortLists++;
        case UNKNOWN_ITEM -> unknown++;
        case UNRANKED -> unranked++;
        case HIT -> {
          hits++;
          ndcg += 1 / (Math.log(o.position + 1) / Math.log(2));
          eligible.add(o);
        }
        case WINDOW -> {
          windowed++;
          eligible.add(o);
        }
        case MISS -> { }
      }
    }
    int needed = trainUsers + validationUsers + testUsers;
    if (eligible.size() < needed && !(allowFewerTestUsers && eligible.size() > trainUsers + validationUsers)) {
      throw new NotEnoughUsersException(new NotEnoughUsersException.Counts(
          mode, k, users.size(), eligible.size(), hits, shortLists, unknown, unranked, trainUsers, validationUsers,
          testUsers, allowFewerTestUsers));
    }
    eligible.sort(Comparator.comparing(o -> o.user.userId()));
    List<Outcome> order = Seeds.shuffle(eligible, seed, SELECTION_STREAM);
    int t1 = trainUsers;
    int t2 = t1 + validationUsers;
    int t3 = Math.min(order.size(), t2 + testUsers);
    CandidateSets.Report report =
        new CandidateSets.Report(
            base.name(), mode, k, seed, users.size(), shortLists, unknown, unranked, hits, windowed, eligible.size(),
            hits == 0 ? 0 : ndcg / hits, medianRank(eligible));
    return new CandidateSets(
        cases(items, order.subList(0, t1)), cases(items, order.subList(t1, t2)), cases(items, order.subList(t2, t3)),
        report);
  }

  private enum Status { SHORT, UNKNOWN_ITEM, UNRANKED, HIT, WINDOW, MISS }

  /** {@code position}: 1-based place in the list; {@code rank}: 0-based place in the base's full ranking. */
  private record Outcome(
      LooSplit.UserSplit user, Status status, List<String> candidates, String heldOut, int position, int rank) {}

  private static double medianRank(List<Outcome> eligible) {
    if (eligible.isEmpty()) {
      return 0;
    }
    int[] ranks = eligible.stream().mapToInt(o -> o.rank + 1).sorted().toArray();
    int m = ranks.length / 2;
    return ranks.length % 2 == 1 ? ranks[m] : (ranks[m - 1] + ranks[m]) / 2.0;
  }

  private Outcome candidates(Map<String, Item> items, LooSplit.UserSplit u, BaseRecommender base) {
    String held = u.test().orElseThrow().itemId();
    List<String> history = u.historyBeforeTest().stream().map(Interaction::itemId).toList();
    List<String> rec = base.recommend(u.userId(), history, k);
    if (rec.size() < k) {
      return new Outcome(u, Status.SHORT, List.of(), held, 0, 0);
    }
    int at = rec.subList(0, k).indexOf(held);
    Status status;
    List<String> list;
    int rank;
    if (at >= 0) {
      status = Status.HIT;
      list = rec.subList(0, k);
      rank = at;
    } else if (mode == CandidateMode.BASE_WINDOW) {
      OptionalInt r = base.rankOf(u.userId(), history, held);
      if (r.isEmpty()) {
        return new Outcome(u, Status.UNRANKED, List.of(), held, 0, 0);
      }
      rank = r.getAsInt();
      // the window must fit in the ranking: near its end fewer places are possible for the held-out item
      List<String> ranked = base.recommend(u.userId(), history, rank + k);
      if (ranked.size() <= rank || !held.equals(ranked.get(rank))) {
        throw new IllegalStateException(
            base.name() + " ranks item " + held + " at " + rank + " for user " + u.userId()
                + " but recommend(" + (rank + k) + ") disagrees: rankOf and recommend must give one order");
      }
      int lowest = Math.max(0, rank + k - ranked.size());
      int highest = Math.min(k - 1, rank);
      if (lowest > highest) {
        return new Outcome(u, Status.SHORT, List.of(), held, 0, 0);
      }
      at = lowest + new SplittableRandom(Seeds.mix(Seeds.mix(seed, WINDOW_STREAM), u.userId().hashCode()))
          .nextInt(highest - lowest + 1);
      int start = rank - at;
      status = Status.WINDOW;
      list = ranked.subList(start, start + k);
    } else {
      return new Outcome(u, Status.MISS, List.of(), held, 0, 0);
    }
    for (String id : list) {
      if (!items.containsKey(id)) {
        return new Outcome(u, Status.UNKNOWN_ITEM, List.of(), held, 0, 0);
      }
    }
    for (int h = Math.max(0, history.size() - maxHistory); h < history.size(); h++) {
      if (!items.containsKey(history.get(h))) {
        return new Outcome(u, Status.UNKNOWN_ITEM, List.of(), held, 0, 0);
      }
    }
    return new Outcome(u, status, List.copyOf(list), held, at + 1, rank);
  }

  private List<UserCase> cases(Map<String, Item> items, List<Outcome> chosen) {
    List<UserCase> out = new ArrayList<>(chosen.size());
    for (Outcome o : chosen) {
      List<Interaction> before = o.user.historyBeforeTest();
      List<Item> history = new ArrayList<>(Math.min(before.size(), maxHistory));
      for (int h = Math.max(0, before.size() - maxHistory); h < before.size(); h++) {
        history.add(items.get(before.get(h).itemId()));
      }
      List<Item> candidates = o.candidates.stream().map(items::get).toList();
      out.add(new UserCase(o.user.userId(), history, candidates, Set.of(o.heldOut)));
    }
    return out;
  }

  /**
   * Options of a {@link CandidateProtocol}. Setters throw {@link NullPointerException} for null
   * and {@link IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private int k = DEFAULT_K;
    private int trainUsers = DEFAULT_TRAIN_USERS;
    private int validationUsers = DEFAULT_VALIDATION_USERS;
    private int testUsers = DEFAULT_TEST_USERS;
    private boolean allowFewerTestUsers = false;
    private int maxHistory = DEFAULT_MAX_HISTORY;
    private long seed = DEFAULT_SEED;
    private CandidateMode mode = CandidateMode.BASE_TOP_K;
    private int concurrency = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * Candidates per user, in [2, {@code dev.agp.prompt.CandidateLabels.MAX_CANDIDATES}] (default
     * {@value CandidateProtocol#DEFAULT_K}).
     *
     * @param k the candidates per user
     * @return this builder
     */
    public Builder k(int k) {
      if (k < 2 || k > dev.agp.prompt.CandidateLabels.MAX_CANDIDATES) {
        throw new IllegalArgumentException(
            "k must be in [2, " + dev.agp.prompt.CandidateLabels.MAX_CANDIDATES + "] but was " + k);
      }
      this.k = k;
      return this;
    }

    /**
     * Training users, {@code >= 0} (default {@value CandidateProtocol#DEFAULT_TRAIN_USERS}).
     *
     * @param n the number of training users
     * @return this builder
     */
    public Builder trainUsers(int n) {
      this.trainUsers = atLeast("trainUsers", n, 0);
      return this;
    }

    /**
     * Validation users, {@code >= 0} (default {@value CandidateProtocol#DEFAULT_VALIDATION_USERS}).
     *
     * @param n the number of validation users
     * @return this builder
     */
    public Builder validationUsers(int n) {
      this.validationUsers = atLeast("validationUsers", n, 0);
      return this;
    }

    /**
     * Test users, {@code >= 1} (default {@value CandidateProtocol#DEFAULT_TEST_USERS}).
     *
     * @param n the number of test users
     * @return this builder
     */
    public Builder testUsers(int n) {
      this.testUsers = atLeast("testUsers", n, 1);
      return this;
    }

    /**
     * Whether fewer test users than asked are acceptable (default false: an error).
     *
     * @param allow true to accept fewer
     * @return this builder
     */
    public Builder allowFewerTestUsers(boolean allow) {
      this.allowFewerTestUsers = allow;
      return this;
    }

    /**
     * History items kept per case, {@code >= 1} (default {@value
     * CandidateProtocol#DEFAULT_MAX_HISTORY}).
     *
     * @param n the most history items per case
     * @return this builder
     */
    public Builder maxHistory(int n) {
      this.maxHistory = atLeast("maxHistory", n, 1);
      return this;
    }

    /**
     * The seed of the selection and of window places; any value, 0 included.
     *
     * @param seed the seed of the selection
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The protocol (default {@link CandidateMode#BASE_TOP_K}, the paper's).
     *
     * @param mode how candidate lists are made
     * @return this builder
     */
    public Builder mode(CandidateMode mode) {
      this.mode = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Threads calling the base recommender, {@code >= 1} (default: available processors); never
     * changes results.
     *
     * @param n the number of threads
     * @return this builder
     */
    public Builder concurrency(int n) {
      this.concurrency = atLeast("concurrency", n, 1);
      return this;
    }

    /** {@return the protocol} */
    public CandidateProtocol build() {
      return new CandidateProtocol(this);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + " but was " + v);
      }
      return v;
    }
  }
}
