package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.jspecify.annotations.Nullable;

/**
 * Reranks a table of users with a saved AGP or RPP model, as a Spark job: a {@code Dataset<Row>}
 * of cases in, a {@code Dataset<Row>} of rankings out.
 *
 * <pre>{@code
 * Dataset<Row> rankings = RerankJob.builder()
 *     .model("hdfs:///models/agp-model.json")              // AgpModel.save or RppModel.save
 *     .llm(SparkLlmConfig.openAi("gpt-4o-mini").requestsPerMinute(5_000)
 *         .cacheDirectory("/mnt/shared/agp-cache").build())
 *     .build()
 *     .rerank(cases);
 * }</pre>
 *
 * <p><b>Cases</b>: {@code user: string}, {@code history} and {@code candidates}: {@code
 * array<struct<id: string, title: string, attributes: map<string,string>>>} (attributes may be
 * left out; history oldest first, candidates best first). With an AGP model, the columns {@code
 * profile}, {@code history_fingerprint} and {@code prompt_fingerprint} of {@link #profiles}'s
 * output, when present, let a user whose written profile still fits its history and the model be
 * ranked with one call instead of two. Other columns are ignored.
 *
 * <p><b>Rankings</b>, one row per case row: {@code user}; {@code ranking: array<string>}, a
 * permutation of the candidate ids, best first; {@code fallback}, true when the LLM failed after
 * its retries and the base order was kept; {@code repair: struct<method, recognised, duplicates,
 * unknown, appended>}, how the answer was read; {@code calls}, {@code cached_calls}, {@code
 * input_tokens}, {@code output_tokens} of that user; {@code profile_reused}, whether a written
 * profile was used; and {@code error}, set (with the other
 * columns null) when the row is not a valid case — it names the user and the field. No row is
 * dropped. {@link #summary(Dataset)} adds them up.
 *
 * <p><b>How it runs.</b> The cases are hash-partitioned by user into {@link
 * Builder#partitions(int)} partitions, so a user lands in the same partition whatever the input's
 * partitioning. The saved model is read on the driver, checked, and broadcast (it holds no key);
 * every executor builds one LLM backend per configuration and reads the key from its own
 * environment or key file ({@link SparkLlmConfig}). Each task runs {@link
 * SparkLlmConfig#concurrency()} calls at once and keeps its rows in input order.
 *
 * <p><b>Rate limits.</b> The job-wide requests and tokens per minute are divided evenly among the
 * tasks that can run at once — {@link Builder#concurrentTasks(int)}, by default the smaller of the
 * partition count and the cluster's task slots when the job is built ({@code
 * SparkContext.defaultParallelism}) — and every task limits itself to its share, through a limiter
 * the executor hands from a finished task to its next one (a new task gets no fresh burst). The job stays
 * under the limit as long as no more tasks than that run at once; near the end of the job, when
 * fewer run, it runs below. With dynamic allocation, set {@code concurrentTasks} to the most task
 * slots the job can get.
 *
 * <p><b>Cache and failures.</b> With {@link SparkLlmConfig#cacheDirectory()} every answer is
 * appended, before it is used, to the shard of the partition ({@code
 * <dir>/rerank-<partitions>/part-<index>/responses.jsonl}). A task attempt loads its shard when it
 * starts and re-reads what was appended since before each call. So a task retried after a lost
 * executor pays only for the calls its failed attempt had in flight (at most {@code concurrency}
 * per task), and a speculative copy only for the calls both copies make at the same moment; a
 * rerun of the whole job with the same partitions pays for nothing already answered. The directory
 * must be reachable at the same path from every executor (an NFS/EFS mount, a FUSE-mounted
 * bucket, or a local disk when everything runs on one machine): on a disk local to each executor,
 * a lost executor takes its answers with it and its tasks pay again elsewhere. Without a cache
 * directory a retried task pays for all of its partition again.
 *
 * <p><b>Determinism.</b> A user's ranking depends on its case and the LLM's answers only, never
 * on the partitioning, the order of rows or the concurrency.
 */
public final class RerankJob {

  /** Partitions the cases are hashed into; keep it fixed across reruns to reuse the cache. */
  public static final int DEFAULT_PARTITIONS = 64;

  private final String model;
  private final SparkLlmConfig llm;
  private final int partitions;
  private final OptionalInt concurrentTasks;

  private RerankJob(Builder b) {
    this.model = b.model;
    this.llm = b.llm;
    this.partitions = b.partitions;
    this.concurrentTasks = b.concurrentTasks;
  }

  /** {@return a builder; {@link Builder#model} and {@link Builder#llm} are required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The rankings of {@code cases}, lazily: nothing runs until an action (a write, a count).
   *
   * @param cases the cases table (see the class documentation for its columns)
   * @return the rankings table, one row per case row, not yet computed
   * @throws NullPointerException if cases is null
   * @throws IllegalArgumentException if the cases' schema does not fit (the message names the
   *     column and the expected type), or the model is not a saved model this job serves
   * @throws IllegalStateException if a rate limit is below one call or token a minute per task
   * @throws UncheckedIOException if the model cannot be read
   */
  public Dataset<Row> rerank(Dataset<Row> cases) {
    requireNonNull(cases, "cases");
    CaseRows rows = CaseRows.of(cases.schema());
    ServingModel serving = ServingModel.of(read(cases.sparkSession(), model), model);
    return run(cases, rows, serving, llm, partitions, concurrentTasks, RerankTask.Work.RERANK, CaseRows.OUTPUT);
  }

  /**
   * Writes the profiles of {@code users} ahead of traffic with the saved AGP model ({@code
   * AgpModel.profile} as a Spark job), lazily: one PROFILE call per user, run, limited, cached and
   * retried as {@link #rerank} runs its calls.
   *
   * <pre>{@code
   * Dataset<Row> profiles = job.profiles(spark.read().parquet("users"));   // user, history
   * Dataset<Row> rankings = job.rerank(cases.join(
   *     profiles.select("user", "profile", "history_fingerprint", "prompt_fingerprint"), "user", "left"));
   * }</pre>
   *
   * <p><b>Users</b>: {@code user: string}, {@code history: array<struct<id, title, attributes>>}
   * (oldest first; a {@code candidates} column is allowed and ignored). <b>Profiles</b>, one row
   * per input row: {@code user}; {@code history_fingerprint} and {@code prompt_fingerprint}, the
   * parts of the model's {@code ProfileKey} (the recent history the profile was written from and
   * the model's prompt); {@code profile}, the text, null when it could not be written; {@code
   * calls}, {@code cached_calls}, {@code input_tokens}, {@code output_tokens}; and {@code error}, why
   * a row has no profile (an invalid row, or the LLM failing after its retries).
   *
   * <p>{@link #rerank} uses a case's {@code profile} column (one RERANK call instead of two) only
   * when both fingerprints match the case's current history and the model serving it; otherwise it
   * writes a fresh profile, so a changed history or another model never reuses a stale one. Its
   * {@code profile_reused} column says which. Write profiles again only for users whose history
   * changed: compare {@code history_fingerprint}s.
   *
   * @param users the users
   * @return the profiles
   * @throws NullPointerException if users is null
   * @throws IllegalArgumentException if the schema does not fit, or the model is not a saved AGP
   *     model (an RPP model writes no profiles)
   * @throws IllegalStateException if a rate limit is below one call or token a minute per task
   * @throws UncheckedIOException if the model cannot be read
   */
  public Dataset<Row> profiles(Dataset<Row> users) {
    requireNonNull(users, "users");
    CaseRows rows = CaseRows.forProfiles(users.schema());
    ServingModel serving = ServingModel.of(read(users.sparkSession(), model), model);
    if (!serving.isAgp()) {
      throw new IllegalArgumentException(model + " is an RPP model, which writes no profiles: only AGP models do");
    }
    return run(users, rows, serving, llm, partitions, concurrentTasks, RerankTask.Work.PROFILES, CaseRows.PROFILES);
  }

  /** Hash-partitions the users and runs {@code work} on every partition (the reranking and profile jobs). */
  static Dataset<Row> run(
      Dataset<Row> users, CaseRows rows, ServingModel serving, SparkLlmConfig llm, int partitions,
      OptionalInt concurrentTasks, RerankTask.Work work, org.apache.spark.sql.types.StructType output) {
    SparkSession spark = users.sparkSession();
    int tasks = concurrentTasks.orElse(Math.min(partitions, spark.sparkContext().defaultParallelism()));
    long rpm = share("requestsPerMinute", llm.requestsPerMinute(), tasks);
    long tpm = share("tokensPerMinute", llm.tokensPerMinute(), tasks);
    Broadcast<ServingModel> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(serving);
    return users
        .repartition(partitions, functions.col(CaseRows.USER))
        .mapPartitions(new RerankTask(work, llm, shipped, rows, partitions, rpm, tpm), Encoders.row(output));
  }

  /** Each running task's share of a job-wide limit (0: no limit). */
  static long share(String name, long limit, int tasks) {
    if (limit == 0) {
      return 0;
    }
    long each = limit / tasks;
    if (each < 1) {
      throw new IllegalStateException(
          name + " " + limit + " shared by " + tasks + " concurrent tasks is less than one a minute each: raise the"
              + " limit or lower concurrentTasks");
    }
    return each;
  }

  static byte[] read(SparkSession spark, String location) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds up a rankings table: users, fallbacks, invalid rows, calls, cached calls and tokens. One
   * Spark action (it computes {@code rankings} unless it is cached or read back from storage).
   *
   * @param rankings a table {@link #rerank} returned, or one read back from storage
   * @return the totals
   * @throws NullPointerException if rankings is null
   */
  public static Summary summary(Dataset<Row> rankings) {
    requireNonNull(rankings, "rankings");
    return totals(rankings, functions.col("fallback"));
  }

  /**
   * Adds up a profiles table ({@link #profiles}): rows, profiles not written (counted in {@link
   * Summary#fallbacks()}: the LLM failed or the row was invalid), invalid rows, calls, cached calls
   * and tokens. One Spark action.
   *
   * @param profiles the table
   * @return the totals
   * @throws NullPointerException if profiles is null
   */
  public static Summary profileSummary(Dataset<Row> profiles) {
    requireNonNull(profiles, "profiles");
    return totals(profiles, functions.col(CaseRows.PROFILE).isNull());
  }

  /** The totals of an output table of the reranking or the profile job; {@code failed} marks failures. */
  static Summary totals(Dataset<Row> out, org.apache.spark.sql.Column failed) {
    Row r = out.agg(
            functions.count(functions.lit(1)),
            functions.sum(functions.when(failed, 1).otherwise(0)),
            functions.sum(functions.when(functions.col("error").isNotNull(), 1).otherwise(0)),
            functions.sum("calls"), functions.sum("cached_calls"), functions.sum("input_tokens"),
            functions.sum("output_tokens"))
        .first();
    return new Summary(r.getLong(0), longOrZero(r, 1), longOrZero(r, 2), longOrZero(r, 3), longOrZero(r, 4),
        longOrZero(r, 5), longOrZero(r, 6));
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
  }

  /**
   * The totals of a rankings table.
   *
   * @param rows rows written (one per case row)
   * @param fallbacks users whose LLM calls failed, kept in base order
   * @param invalid rows that were not valid cases (see their {@code error})
   * @param calls LLM requests made, cached ones included
   * @param cachedCalls requests answered by the response cache, free
   * @param inputTokens input tokens paid for
   * @param outputTokens output tokens paid for
   */
  public record Summary(
      long rows, long fallbacks, long invalid, long calls, long cachedCalls, long inputTokens, long outputTokens) {}

  /**
   * Options of a {@link RerankJob}. Setters throw {@link NullPointerException} for null and {@link
   * IllegalArgumentException} naming the option for a bad value; {@link #build()} throws {@link
   * IllegalStateException} when a required option is missing.
   */
  public static final class Builder {
    private @Nullable String model;
    private @Nullable SparkLlmConfig llm;
    private int partitions = DEFAULT_PARTITIONS;
    private OptionalInt concurrentTasks = OptionalInt.empty();

    private Builder() {}

    /**
     * The saved model ({@code AgpModel.save} or {@code RppModel.save} with the hashed embedding):
     * a path or URI the driver reads through Hadoop's file systems ({@code /local/path}, {@code
     * hdfs://...}, {@code s3a://...}).
     *
     * @param location the model's path or URI
     * @return this builder
     */
    public Builder model(String location) {
      requireNonNull(location, "model");
      if (location.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = location;
      return this;
    }

    /**
     * How executors reach the LLM.
     *
     * @param llm the backend configuration
     * @return this builder
     */
    public Builder llm(SparkLlmConfig llm) {
      this.llm = requireNonNull(llm, "llm");
      return this;
    }

    /**
     * Partitions the users are hashed into, {@code >= 1} (default {@value
     * RerankJob#DEFAULT_PARTITIONS}): the unit of retry and of the cache shards.
     *
     * @param partitions the number of partitions
     * @return this builder
     */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * Tasks that run at once, {@code >= 1}, among which the rate limits are divided (default: the
     * smaller of the partitions and the cluster's task slots).
     *
     * @param tasks the number of tasks
     * @return this builder
     */
    public Builder concurrentTasks(int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("concurrentTasks must be >= 1 but was " + tasks);
      }
      this.concurrentTasks = OptionalInt.of(tasks);
      return this;
    }

    /**
     * The job.
     *
     * @return the job, ready to {@link RerankJob#rerank}
     * @throws IllegalStateException if the model or the LLM configuration is missing
     */
    public RerankJob build() {
      if (model == null || llm == null) {
        throw new IllegalStateException("a RerankJob needs model(...) and llm(...)");
      }
      return new RerankJob(this);
    }
  }
}
