package dev.agp.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.NotEnoughUsersException;
import dev.agp.internal.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * agp-eval's candidate construction ({@link CandidateProtocol}) from an imported candidates table,
 * as Spark SQL: for every user of the split with a test item, the first {@code k} items of the
 * user's list ({@link CandidateMode#BASE_TOP_K}, the paper's: users whose held-out item is among
 * them are eligible) or, with {@link CandidateMode#BASE_WINDOW}, the {@code k} consecutive items of
 * the whole list that hold the held-out item at a seeded place; the others are counted (lists
 * shorter than {@code k}, misses, held-out items the list lacks, items missing from the catalogue). Eligible users, sorted by id, are shuffled with the seed and dealt
 * into training, validation and test sets, in that order — the same users, cases and report as
 * {@code CandidateProtocol.apply(items, split, Recommenders.imported(lists))} on the same data
 * (tested).
 *
 * <p><b>Items</b>: {@code id: string}, {@code title: string}, optionally {@code attributes:
 * map<string,string>}; an id listed twice is an error. <b>Lists</b>: {@code user: string}, {@code
 * items: array<string>}, best first; a user listed twice, or a list naming an item twice, is
 * counted ({@link SparkCandidateSets#malformedLists()}) and the user treated as having no list.
 *
 * <p>Every eligible case ({@link SparkCandidateSets#eligible()}) is a table the {@link RerankJob}
 * reads as it is, with the held-out item in {@code relevant}. Only the eligible users' ids travel
 * to the driver, for the seeded selection.
 */
public final class CandidateJob {

  /** agp-eval's selection stream: the same seed deals the same users (checked by the tests). */
  private static final long SELECTION_STREAM = 7_001;
  /** agp-eval's window stream: the same seed places the held-out item in the same window (tested). */
  private static final long WINDOW_STREAM = 7_002;

  private final int k;
  private final int maxHistory;
  private final long seed;
  private final int trainUsers;
  private final int validationUsers;
  private final int testUsers;
  private final boolean allowFewerTestUsers;
  private final CandidateMode mode;

  private CandidateJob(Builder b) {
    this.k = b.k;
    this.maxHistory = b.maxHistory;
    this.seed = b.seed;
    this.trainUsers = b.trainUsers;
    this.validationUsers = b.validationUsers;
    this.testUsers = b.testUsers;
    this.allowFewerTestUsers = b.allowFewerTestUsers;
    this.mode = b.mode;
  }

  /** {@return a builder with {@link CandidateProtocol}'s defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds the candidate sets.
   *
   * @param items the catalogue
   * @param split the leave-one-out split
   * @param lists the imported candidate lists
   * @param base the name of the recommender that made the lists, for the report
   * @return the selected users' cases, the eligible ones and the report
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException naming the table and column if a table does not fit, or
   *     if an item id is listed twice
   * @throws NotEnoughUsersException if fewer users are eligible than the sets need (unless {@code
   *     allowFewerTestUsers}); it carries the counts
   */
  public SparkCandidateSets apply(Dataset<Row> items, SparkLooSplit split, Dataset<Row> lists, String base) {
    requireNonNull(items, "items");
    requireNonNull(split, "split");
    requireNonNull(lists, "lists");
    requireNonNull(base, "base");
    SparkSession spark = items.sparkSession();
    Dataset<Row> catalogue = catalogue(items);
    checkLists(lists);

    Dataset<Row> listed = lists.select(col("user"), col("items"))
        .groupBy("user")
        .agg(functions.count(lit(1)).as("times"), functions.first("items").as("items"))
        .withColumn("malformed", expr("times > 1 OR items IS NULL OR size(array_distinct(items)) <> size(items)"));
    Dataset<Row> evaluable = split.users().where("test IS NOT NULL")
        .select(
            col("user"),
            expr("slice(concat(transform(train, x -> x.item), array(validation.item)),"
                + " greatest(1, size(train) + 2 - " + maxHistory + "), " + maxHistory + ")").as("history_ids"),
            col("test.item").as("held"))
        .join(listed, "user", "left")
        .withColumn("list", expr("CASE WHEN malformed THEN array() ELSE coalesce(items, array()) END"))
        // rank: the held-out item's 0-based place in the whole list, -1 when absent
        .withColumn("rank", expr("CAST(array_position(list, held) AS INT) - 1"))
        .withColumn("status", expr("CASE WHEN size(list) < " + k + " THEN 'short'"
            + " WHEN rank >= 0 AND rank < " + k + " THEN 'hit'"
            + (mode == CandidateMode.BASE_WINDOW ? " WHEN rank < 0 THEN 'unranked' ELSE 'window' END" : " ELSE 'miss' END")))
        // window: the held-out item's place `at` in k consecutive items of the list, drawn as agp-eval draws it
        .withColumn("lowest", expr("greatest(0, rank + " + k + " - least(size(list), rank + " + k + "))"))
        .withColumn("at", functions.when(col("status").equalTo("hit"), col("rank"))
            .when(col("status").equalTo("window"),
                windowPlace(seed).apply(col("user"), col("lowest"), lit(k - 1).minus(col("lowest")).plus(1))))
        .withColumn("top", expr("CASE WHEN status = 'hit' THEN slice(list, 1, " + k + ")"
            + " WHEN status = 'window' THEN slice(list, rank - at + 1, " + k + ") END"))
        .withColumn("position", expr("at + 1"))
        .persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> wanted = evaluable.where("status IN ('hit', 'window')");
    Dataset<Row> exploded = wanted.select(col("user"), lit("c").as("kind"), functions.posexplode(col("top")))
        .union(wanted.select(col("user"), lit("h").as("kind"), functions.posexplode(col("history_ids"))))
        .withColumnRenamed("col", "id");
    Dataset<Row> cases = exploded.join(catalogue, exploded.col("id").equalTo(catalogue.col("cid")), "left")
        .groupBy("user")
        .agg(
            functions.sum(expr("CASE WHEN item IS NULL THEN 1 ELSE 0 END")).as("missing"),
            byPosition("c").as("c"),
            byPosition("h").as("h"))
        .join(wanted.select("user", "held", "position", "rank", "status"), "user")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> eligible = cases.where("missing = 0")
        .select(
            col("user"),
            expr("transform(h, x -> x.item)").as("history"),
            expr("transform(c, x -> x.item)").as("candidates"),
            expr("array(held)").as("relevant"),
            col("position"),
            col("rank"));

    Row counts = evaluable.agg(
            functions.count(lit(1)),
            functions.sum(expr("CASE WHEN status = 'short' THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN status = 'unranked' THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN malformed THEN 1 ELSE 0 END")))
        .first();
    Row known = cases.agg(
            functions.sum(expr("CASE WHEN missing > 0 THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN missing = 0 AND status = 'hit' THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN missing = 0 AND status = 'window' THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN missing = 0 AND status = 'hit' THEN 1 / log2(position + 1) ELSE 0 END")))
        .first();
    int evaluableUsers = (int) counts.getLong(0);
    int shortLists = (int) longOrZero(counts, 1);
    int unranked = (int) longOrZero(counts, 2);
    long malformed = longOrZero(counts, 3);
    int unknown = (int) longOrZero(known, 0);
    int hitCount = (int) longOrZero(known, 1);
    int windowed = (int) longOrZero(known, 2);
    double ndcg = known.isNullAt(3) ? 0 : known.getDouble(3);

    List<String> ids = new ArrayList<>();
    List<Integer> ranks = new ArrayList<>();
    for (Row r : eligible.select("user", "rank").collectAsList()) {
      ids.add(r.getString(0));
      ranks.add(r.getInt(1) + 1);
    }
    ids.sort(null);
    if (ids.size() < trainUsers + validationUsers + testUsers
        && !(allowFewerTestUsers && ids.size() > trainUsers + validationUsers)) {
      throw new NotEnoughUsersException(new NotEnoughUsersException.Counts(
          mode, k, evaluableUsers, ids.size(), hitCount, shortLists, unknown, unranked, trainUsers, validationUsers,
          testUsers, allowFewerTestUsers));
    }
    List<String> order = Seeds.shuffle(ids, seed, SELECTION_STREAM);
    int t1 = trainUsers;
    int t2 = t1 + validationUsers;
    int t3 = Math.min(order.size(), t2 + testUsers);
    List<Row> chosen = new ArrayList<>(t3);
    for (int i = 0; i < t3; i++) {
      chosen.add(RowFactory.create(order.get(i), i < t1 ? "train" : i < t2 ? "validation" : "test", i));
    }
    Dataset<Row> selection = spark.createDataFrame(chosen, new StructType()
        .add("user", DataTypes.StringType).add("set", DataTypes.StringType).add("selection_order", DataTypes.IntegerType));
    Dataset<Row> selected = eligible.drop("position", "rank").join(functions.broadcast(selection), "user");
    CandidateSets.Report report = new CandidateSets.Report(
        base, mode, k, seed, evaluableUsers, shortLists, unknown, unranked, hitCount, windowed, ids.size(),
        hitCount == 0 ? 0 : ndcg / hitCount, median(ranks));
    evaluable.unpersist();
    return new SparkCandidateSets(
        eligible.drop("position", "rank"),
        set(selected, "train"), set(selected, "validation"), set(selected, "test"),
        malformed, report);
  }

  /** The median of 1-based ranks, as agp-eval reports it (0 for none). */
  private static double median(List<Integer> ranks) {
    if (ranks.isEmpty()) {
      return 0;
    }
    int[] r = ranks.stream().mapToInt(Integer::intValue).sorted().toArray();
    int m = r.length / 2;
    return r.length % 2 == 1 ? r[m] : (r[m - 1] + r[m]) / 2.0;
  }

  /**
   * The held-out item's place in its window, from {@code lowest} over {@code count} places, drawn
   * per user with the seed as {@link CandidateProtocol} draws it (a deterministic function).
   */
  private static org.apache.spark.sql.expressions.UserDefinedFunction windowPlace(long seed) {
    return functions.udf((UDF3<String, Integer, Integer, Integer>) (user, lowest, count) ->
        lowest + new SplittableRandom(Seeds.mix(Seeds.mix(seed, WINDOW_STREAM), user.hashCode())).nextInt(count),
        DataTypes.IntegerType);
  }

  /** The items of one kind in list order (maps in the items forbid sort_array). */
  private static org.apache.spark.sql.Column byPosition(String kind) {
    return expr("array_sort(collect_list(CASE WHEN kind = '" + kind + "' THEN struct(pos, item) END),"
        + " (l, r) -> CASE WHEN l.pos < r.pos THEN -1 WHEN l.pos > r.pos THEN 1 ELSE 0 END)");
  }

  private static Dataset<Row> set(Dataset<Row> selected, String name) {
    return selected.where(col("set").equalTo(name)).orderBy("selection_order").drop("set");
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
  }

  /** The catalogue as (cid, item struct); fails on repeated ids; untitled items count as missing. */
  private static Dataset<Row> catalogue(Dataset<Row> items) {
    List<String> names = Arrays.asList(items.columns());
    for (String c : new String[] {"id", "title"}) {
      if (!names.contains(c) || !items.schema().apply(c).dataType().equals(DataTypes.StringType)) {
        throw new IllegalArgumentException(
            "the items need a string column " + c + " (columns: " + String.join(", ", names)
                + "); expected id: string, title: string, attributes: map<string,string> (optional)");
      }
    }
    boolean attributes = names.contains("attributes");
    if (attributes && !items.schema().apply("attributes").dataType().equals(CaseRows.ITEM.apply("attributes").dataType())) {
      throw new IllegalArgumentException("the column attributes of the items must be a map<string,string> but is "
          + items.schema().apply("attributes").dataType().simpleString());
    }
    Row repeated = items.groupBy("id").count().where("count > 1")
        .agg(functions.count(lit(1)), functions.min("id")).first();
    if (repeated.getLong(0) > 0) {
      throw new IllegalArgumentException(
          "the items table lists " + repeated.getLong(0) + " ids more than once, for example " + repeated.getString(1));
    }
    return items
        .where("id IS NOT NULL AND title IS NOT NULL AND trim(title) <> ''")
        .select(
            col("id").as("cid"),
            functions.struct(col("id"), col("title"),
                (attributes
                    ? functions.coalesce(col("attributes"), expr("map()").cast(CaseRows.ITEM.apply("attributes").dataType()))
                    : expr("map()").cast(CaseRows.ITEM.apply("attributes").dataType())).as("attributes"))
                .as("item"));
  }

  private static void checkLists(Dataset<Row> lists) {
    List<String> names = Arrays.asList(lists.columns());
    boolean ok = names.contains("user") && lists.schema().apply("user").dataType().equals(DataTypes.StringType)
        && names.contains("items") && lists.schema().apply("items").dataType() instanceof ArrayType a
        && a.elementType().equals(DataTypes.StringType);
    if (!ok) {
      throw new IllegalArgumentException(
          "the candidate lists need user: string and items: array<string> (columns: " + String.join(", ", names) + ")");
    }
  }

  /**
   * Options of a {@link CandidateJob}, with {@link CandidateProtocol}'s defaults. Setters throw
   * {@link IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private int k = CandidateProtocol.DEFAULT_K;
    private int maxHistory = CandidateProtocol.DEFAULT_MAX_HISTORY;
    private long seed = CandidateProtocol.DEFAULT_SEED;
    private int trainUsers = CandidateProtocol.DEFAULT_TRAIN_USERS;
    private int validationUsers = CandidateProtocol.DEFAULT_VALIDATION_USERS;
    private int testUsers = CandidateProtocol.DEFAULT_TEST_USERS;
    private boolean allowFewerTestUsers;
    private CandidateMode mode = CandidateMode.BASE_TOP_K;

    private Builder() {}

    /**
     * The protocol (default {@link CandidateMode#BASE_TOP_K}, the paper's); {@link
     * CandidateMode#BASE_WINDOW} takes the window of the user's whole imported list that holds the
     * held-out item.
     *
     * @param mode how candidate lists are made
     * @return this builder
     */
    public Builder mode(CandidateMode mode) {
      this.mode = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Candidates per user, in [2, {@code dev.agp.prompt.CandidateLabels.MAX_CANDIDATES}] (default
     * 10).
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
     * History items kept per case, {@code >= 1} (default 50).
     *
     * @param n the most history items per case
     * @return this builder
     */
    public Builder maxHistory(int n) {
      this.maxHistory = atLeast("maxHistory", n, 1);
      return this;
    }

    /**
     * The seed of the user selection; any value, 0 included (default 42).
     *
     * @param seed the seed of the selection
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Training users, {@code >= 0} (default 100).
     *
     * @param n the number of training users
     * @return this builder
     */
    public Builder trainUsers(int n) {
      this.trainUsers = atLeast("trainUsers", n, 0);
      return this;
    }

    /**
     * Validation users, {@code >= 0} (default 20).
     *
     * @param n the number of validation users
     * @return this builder
     */
    public Builder validationUsers(int n) {
      this.validationUsers = atLeast("validationUsers", n, 0);
      return this;
    }

    /**
     * Test users, {@code >= 1} (default 300).
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

    /** {@return the job} */
    public CandidateJob build() {
      return new CandidateJob(this);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + " but was " + v);
      }
      return v;
    }
  }
}
