package dev.agp.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.agp.eval.DuplicatePolicy;
import dev.agp.eval.LeaveOneOut;
import java.util.Arrays;
import java.util.OptionalInt;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;
import org.jspecify.annotations.Nullable;

/**
 * agp-eval's chronological leave-one-out split ({@link LeaveOneOut}) as Spark SQL, for
 * interaction tables larger than one JVM holds: per user, interactions sorted by timestamp with
 * ties kept in input order; the last is the test interaction, the second-last the validation one,
 * the rest training; repeated user-item pairs handled by a {@link DuplicatePolicy}; optional
 * k-core; users below {@code minInteractions} kept for training only. On the same data it gives
 * the same split as {@link LeaveOneOut} (tested).
 *
 * <p><b>Interactions</b>: {@code user: string}, {@code item: string}, {@code timestamp} (any
 * orderable type: a number or a timestamp), optionally {@code rating} (a number; 0 when absent).
 * <b>Input order</b>, which breaks timestamp ties, is the {@linkplain Builder#orderColumn order
 * column} when one is named, else the order the rows are read in ({@code
 * monotonically_increasing_id()}: partition by partition, row by row). That is the file's order
 * for a single file; Spark packs several files into partitions by size, not by name, so for an
 * input of several files with tied timestamps name an order column. Rows with a null or blank user or item, a null
 * timestamp or a non-finite rating are left out and counted ({@link SparkLooSplit.Report#invalidRows()}).
 *
 * <pre>{@code
 * SparkLooSplit split = LeaveOneOutJob.builder().build().split(spark.read().parquet("interactions"));
 * }</pre>
 */
public final class LeaveOneOutJob {

  private final int minInteractions;
  private final DuplicatePolicy duplicates;
  private final OptionalInt kCore;
  private final @Nullable String orderColumn;

  private LeaveOneOutJob(Builder b) {
    this.minInteractions = b.minInteractions;
    this.duplicates = b.duplicates;
    this.kCore = b.kCore;
    this.orderColumn = b.orderColumn;
  }

  /** {@return a builder with agp-eval's defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Splits {@code interactions}. Runs the Spark actions that count the report; the split's rows
   * are persisted (memory and disk) until the caller unpersists {@link SparkLooSplit#users()}.
   *
   * @param interactions the interactions table ({@code user}, {@code item}, {@code timestamp},
   *     optionally {@code rating})
   * @return the split, with its report
   * @throws NullPointerException if interactions is null
   * @throws IllegalArgumentException naming the column if a required column is missing or has
   *     the wrong type
   */
  public SparkLooSplit split(Dataset<Row> interactions) {
    requireNonNull(interactions, "interactions");
    Dataset<Row> in = normalised(interactions).persist(StorageLevel.MEMORY_AND_DISK());
    String validity =
        "user IS NOT NULL AND trim(user) <> '' AND item IS NOT NULL AND trim(item) <> '' AND ts IS NOT NULL"
            + " AND NOT isnan(rating) AND rating NOT IN (double('Infinity'), double('-Infinity'))";
    Row sizes = in.agg(count(lit(1)), functions.sum(expr("CASE WHEN " + validity + " THEN 1 ELSE 0 END"))).first();
    long input = sizes.getLong(0);
    long validCount = sizes.isNullAt(1) ? 0 : sizes.getLong(1);
    Dataset<Row> valid = in.where(validity);

    Dataset<Row> kept = valid;
    if (duplicates != DuplicatePolicy.KEEP_ALL) {
      boolean last = duplicates == DuplicatePolicy.KEEP_LAST;
      WindowSpec pair = Window.partitionBy("user", "item")
          .orderBy(last ? col("ts").desc() : col("ts").asc(), last ? col("ord").desc() : col("ord").asc());
      kept = valid.withColumn("_rn", row_number().over(pair)).where("_rn = 1").drop("_rn");
    }
    KCore core = kCore.isPresent() ? kCore(kept, kCore.getAsInt()) : new KCore(kept, 0, 0, 0, 0);

    WindowSpec byTime = Window.partitionBy("user").orderBy(col("ts"), col("ord"));
    Dataset<Row> users = core.interactions()
        .withColumn("pos", row_number().over(byTime))
        .groupBy("user")
        .agg(
            functions.min("ord").as("first_ord"),
            count(lit(1)).cast("int").as("n"),
            functions.sort_array(functions.collect_list(functions.struct(col("pos"), col("item"), col("rating"),
                col("ts").as("timestamp")))).as("seq"))
        .select(
            col("user"),
            col("first_ord"),
            col("n"),
            expr("transform(CASE WHEN n >= " + minInteractions + " THEN slice(seq, 1, n - 2) ELSE seq END,"
                + " x -> named_struct('item', x.item, 'rating', x.rating, 'timestamp', x.timestamp))").as("train"),
            expr("CASE WHEN n >= " + minInteractions + " THEN named_struct('item', seq[n - 2].item, 'rating',"
                + " seq[n - 2].rating, 'timestamp', seq[n - 2].timestamp) END").as("validation"),
            expr("CASE WHEN n >= " + minInteractions + " THEN named_struct('item', seq[n - 1].item, 'rating',"
                + " seq[n - 1].rating, 'timestamp', seq[n - 1].timestamp) END").as("test"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row r = users.agg(
            count(lit(1)),
            functions.sum(expr("CASE WHEN n >= " + minInteractions + " THEN 1 ELSE 0 END")),
            functions.sum(expr("CASE WHEN n >= " + minInteractions + " THEN n - 2 ELSE n END")),
            functions.sum("n"))
        .first();
    long userCount = r.getLong(0);
    long split = r.isNullAt(1) ? 0 : r.getLong(1);
    long train = r.isNullAt(2) ? 0 : r.getLong(2);
    long remaining = r.isNullAt(3) ? 0 : r.getLong(3);
    in.unpersist();
    return new SparkLooSplit(
        users.drop("n"),
        new SparkLooSplit.Report(
            input, input - validCount, validCount - remaining - core.removedInteractions(),
            core.removedInteractions(), core.removedUsers(), core.removedItems(), core.rounds(), userCount, split,
            userCount - split, train));
  }

  /** The interactions as (user, item, rating, ts, ord). */
  private Dataset<Row> normalised(Dataset<Row> interactions) {
    var names = Arrays.asList(interactions.columns());
    for (String required : new String[] {"user", "item", "timestamp"}) {
      if (!names.contains(required)) {
        throw new IllegalArgumentException(
            "the interactions have no column " + required + " (columns: " + String.join(", ", names)
                + "); expected user: string, item: string, timestamp: a number or a timestamp, rating: a number (optional)");
      }
    }
    for (String id : new String[] {"user", "item"}) {
      if (!interactions.schema().apply(id).dataType().equals(DataTypes.StringType)) {
        throw new IllegalArgumentException("the column " + id + " of the interactions must be a string but is "
            + interactions.schema().apply(id).dataType().simpleString());
      }
    }
    Column rating = lit(0.0);
    if (names.contains("rating")) {
      if (!(interactions.schema().apply("rating").dataType() instanceof NumericType)) {
        throw new IllegalArgumentException("the column rating of the interactions must be a number but is "
            + interactions.schema().apply("rating").dataType().simpleString());
      }
      rating = functions.coalesce(col("rating").cast(DataTypes.DoubleType), lit(0.0));
    }
    Column ord;
    if (orderColumn != null) {
      if (!names.contains(orderColumn)) {
        throw new IllegalArgumentException("the interactions have no order column " + orderColumn);
      }
      ord = col(orderColumn);
    } else {
      ord = functions.monotonically_increasing_id();
    }
    return interactions.select(col("user"), col("item"), rating.as("rating"), col("timestamp").as("ts"), ord.as("ord"));
  }

  private record KCore(Dataset<Row> interactions, long removedInteractions, long removedUsers, long removedItems, int rounds) {}

  /** Drops users and items with fewer than k interactions until none is left: the unique k-core. */
  private static KCore kCore(Dataset<Row> interactions, int k) {
    Dataset<Row> current = interactions.localCheckpoint();
    Row before = current.agg(count(lit(1)), functions.countDistinct(col("user")), functions.countDistinct(col("item")))
        .first();
    long size = before.getLong(0);
    int rounds = 0;
    while (true) {
      rounds++;
      Dataset<Row> next = current
          .withColumn("_u", count(lit(1)).over(Window.partitionBy("user")))
          .withColumn("_i", count(lit(1)).over(Window.partitionBy("item")))
          .where(col("_u").geq(k).and(col("_i").geq(k)))
          .drop("_u", "_i")
          .localCheckpoint();
      long nextSize = next.count();
      current = next;
      if (nextSize == size) {
        break;
      }
      size = nextSize;
    }
    Row after = current.agg(functions.countDistinct(col("user")), functions.countDistinct(col("item"))).first();
    return new KCore(current, before.getLong(0) - size, before.getLong(1) - after.getLong(0),
        before.getLong(2) - after.getLong(1), rounds);
  }

  /**
   * Options of a {@link LeaveOneOutJob}, with {@link LeaveOneOut}'s defaults. Setters throw {@link
   * NullPointerException} for null and {@link IllegalArgumentException} naming the option for a
   * bad value.
   */
  public static final class Builder {
    private int minInteractions = LeaveOneOut.DEFAULT_MIN_INTERACTIONS;
    private DuplicatePolicy duplicates = LeaveOneOut.DEFAULT_DUPLICATES;
    private OptionalInt kCore = OptionalInt.empty();
    private @Nullable String orderColumn;

    private Builder() {}

    /**
     * Users with fewer interactions are training-only; {@code >= 3} (default 3).
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
     * Keeps only the k-core, {@code k >= 1}.
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
     * The column that gives the input order breaking timestamp ties (any orderable type), instead
     * of the order rows are read in.
     *
     * @param column the column's name
     * @return this builder
     */
    public Builder orderColumn(String column) {
      requireNonNull(column, "orderColumn");
      if (column.isBlank()) {
        throw new IllegalArgumentException("orderColumn must not be blank");
      }
      this.orderColumn = column;
      return this;
    }

    /** {@return the job} */
    public LeaveOneOutJob build() {
      return new LeaveOneOutJob(this);
    }
  }
}
