package dev.agp.prompt;

import static java.util.Objects.requireNonNull;

import dev.agp.CaseReranker;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.RepairStats;
import dev.agp.UserCase;
import dev.agp.internal.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Position-bias control for any {@link CaseReranker} (permutation self-consistency): the
 * candidates are shown in several independently shuffled orders, each order is ranked by the
 * delegate, and the rankings are combined by Borda count.
 *
 * <ul>
 *   <li><b>Orders.</b> Order {@code p} (0-based) of a user is a Fisher-Yates shuffle of the base
 *       order driven by {@code (seed, userId, p)}: reproducible, independent of other users and of
 *       concurrency. {@link #orders(UserCase)} returns them for auditing; {@link Vote#seeds()}
 *       records the seed of each.
 *   <li><b>Borda count.</b> In a ranking of K candidates the item at 1-based position r earns
 *       {@code K - r} points; items are sorted by total points, ties broken by the base order.
 *   <li><b>Failures.</b> A delegate ranking flagged as a {@linkplain Ranking#fallback() fallback}
 *       (the backend failed) does not vote. When none votes, the base order comes back flagged
 *       as a fallback.
 *   <li><b>Repair statistics</b> of the result are the sums over the voting rankings; the parse
 *       method is that of the first voting ranking.
 * </ul>
 *
 * Orders are ranked one after another on the calling thread; run users concurrently to go
 * faster. Each user costs {@code permutations} delegate calls. Thread-safe when the delegate is.
 *
 * <pre>{@code
 * CaseReranker robust = PermutationVoting.builder(LlmRerankers.direct(llm)).permutations(3).seed(42).build();
 * Ranking r = robust.rerank(userCase);
 * }</pre>
 */
public final class PermutationVoting implements CaseReranker {

  /** Shuffled orders ranked per user. */
  public static final int DEFAULT_PERMUTATIONS = 3;
  /** The seed of the shuffles. */
  public static final long DEFAULT_SEED = 42;

  private final CaseReranker delegate;
  private final int permutations;
  private final long seed;

  private PermutationVoting(Builder b) {
    this.delegate = b.delegate;
    this.permutations = b.permutations;
    this.seed = b.seed;
  }

  /**
   * A builder voting over {@code delegate}'s rankings.
   *
   * @param delegate the reranker whose rankings are aggregated
   * @return a builder with the default permutations and seed
   * @throws NullPointerException if delegate is null
   */
  public static Builder builder(CaseReranker delegate) {
    return new Builder(requireNonNull(delegate, "delegate"));
  }

  /**
   * Shuffled orders ranked per user.
   *
   * @return the number of shuffled orders per user
   */
  public int permutations() {
    return permutations;
  }

  /** {@return the seed of the shuffles} */
  public long seed() {
    return seed;
  }

  /**
   * The Borda aggregate of the delegate's rankings of the shuffled orders.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalStateException if the delegate returns something other than a permutation of
   *     the candidates
   */
  @Override
  public Ranking rerank(UserCase user) {
    return vote(user).ranking();
  }

  /**
   * The orders shown, the seeds, every delegate ranking and the aggregate: {@link
   * #rerank(UserCase)} with its working.
   *
   * @param user the user whose candidates are ranked
   * @return the vote
   * @throws NullPointerException if user is null
   * @throws IllegalStateException if the delegate returns something other than a permutation of
   *     the candidates
   */
  public Vote vote(UserCase user) {
    requireNonNull(user, "user");
    List<Long> seeds = seeds(user);
    List<List<Item>> orders = orders(user, seeds);
    List<Ranking> rankings = new ArrayList<>(permutations);
    for (List<Item> order : orders) {
      UserCase shown = new UserCase(user.userId(), user.history(), order, user.relevantItemIds());
      Ranking r = requireNonNull(delegate.rerank(shown), "the delegate returned null");
      if (!r.isPermutationOf(user)) {
        throw new IllegalStateException(
            "the delegate returned " + r.itemIds() + " for user " + user.userId()
                + ", not a permutation of its candidates");
      }
      rankings.add(r);
    }
    return new Vote(seeds, orders.stream().map(o -> o.stream().map(Item::id).toList()).toList(), rankings,
        aggregate(user, rankings));
  }

  /**
   * The shuffled candidate orders this decorator shows the delegate for {@code user}.
   *
   * @param user the user whose candidates are shuffled
   * @return the orders, one per permutation
   * @throws NullPointerException if user is null
   */
  public List<List<Item>> orders(UserCase user) {
    requireNonNull(user, "user");
    return orders(user, seeds(user));
  }

  private List<Long> seeds(UserCase user) {
    long userSeed = Seeds.mix(seed, userHash(user.userId()));
    List<Long> out = new ArrayList<>(permutations);
    for (int p = 0; p < permutations; p++) {
      out.add(Seeds.mix(userSeed, p));
    }
    return out;
  }

  private static List<List<Item>> orders(UserCase user, List<Long> seeds) {
    List<List<Item>> out = new ArrayList<>(seeds.size());
    for (long s : seeds) {
      out.add(List.copyOf(Seeds.shuffle(user.candidates(), s, 0)));
    }
    return out;
  }

  /** A stable 64-bit hash of the user id (FNV-1a over UTF-8), the same in every JVM. */
  private static long userHash(String userId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : userId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static Ranking aggregate(UserCase user, List<Ranking> rankings) {
    int k = user.candidates().size();
    Map<String, Integer> points = new HashMap<>();
    int voters = 0;
    int recognised = 0;
    int duplicates = 0;
    int unknown = 0;
    int appended = 0;
    RepairStats.ParseMethod method = null;
    for (Ranking r : rankings) {
      if (r.fallback()) {
        continue;
      }
      voters++;
      List<String> ids = r.itemIds();
      for (int i = 0; i < ids.size(); i++) {
        points.merge(ids.get(i), k - (i + 1), Integer::sum);
      }
      RepairStats s = r.repair();
      recognised += s.recognised();
      duplicates += s.duplicates();
      unknown += s.unknown();
      appended += s.appended();
      if (method == null) {
        method = s.method();
      }
    }
    if (voters == 0) {
      return Ranking.fallback(user);
    }
    List<String> base = user.candidateIds();
    List<String> order = new ArrayList<>(base);
    order.sort((a, b) -> {
      int c = Integer.compare(points.getOrDefault(b, 0), points.getOrDefault(a, 0));
      return c != 0 ? c : Integer.compare(base.indexOf(a), base.indexOf(b));
    });
    return new Ranking(user.userId(), order, new RepairStats(method, recognised, duplicates, unknown, appended), false);
  }

  /**
   * One user's vote.
   *
   * @param seeds the seed of each shuffled order
   * @param orders the candidate ids in the order shown, one list per permutation
   * @param rankings the delegate's ranking of each order (fallbacks included, they did not vote)
   * @param ranking the Borda aggregate
   */
  public record Vote(List<Long> seeds, List<List<String>> orders, List<Ranking> rankings, Ranking ranking) {

    /**
     * @param seeds the seed of each shuffled order
     * @param orders the candidate ids in the order shown, one list per permutation
     * @param rankings the delegate's ranking of each order (fallbacks included, they did not vote)
     * @param ranking the Borda aggregate
     * @throws NullPointerException if an argument is null
     */
    public Vote {
      seeds = List.copyOf(seeds);
      orders = orders.stream().map(List::copyOf).toList();
      rankings = List.copyOf(rankings);
      requireNonNull(ranking, "ranking");
    }
  }

  /**
   * Options of a {@link PermutationVoting}. Setters throw {@link IllegalArgumentException} naming
   * the option for a bad value.
   */
  public static final class Builder {
    private final CaseReranker delegate;
    private int permutations = DEFAULT_PERMUTATIONS;
    private long seed = DEFAULT_SEED;

    private Builder(CaseReranker delegate) {
      this.delegate = delegate;
    }

    /**
     * Shuffled orders ranked per user, {@code >= 1} (default {@value
     * PermutationVoting#DEFAULT_PERMUTATIONS}).
     *
     * @param n the number of orders
     * @return this builder
     */
    public Builder permutations(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("permutations must be >= 1 but was " + n);
      }
      this.permutations = n;
      return this;
    }

    /**
     * The seed of the shuffles; any value, 0 included.
     *
     * @param seed the seed of the shuffles (mixed with each user's id)
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** {@return the decorator} */
    public PermutationVoting build() {
      return new PermutationVoting(this);
    }
  }
}
