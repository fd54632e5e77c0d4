package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.jspecify.annotations.Nullable;

/**
 * Writes the profiles of a table of users ahead of traffic with a saved AGP model ({@code
 * AgpModel.profile} as a Spark job): one PROFILE call per user, run, limited, cached and retried
 * as {@link RerankJob} runs its calls.
 *
 * <pre>{@code
 * Dataset<Row> profiles = ProfileJob.builder().model("hdfs:///models/agp-model.json").llm(llm).build()
 *     .profiles(spark.read().parquet("users"));                      // user, history
 * Dataset<Row> rankings = rerankJob.rerank(cases.join(
 *     profiles.select("user", "profile", "history_fingerprint", "prompt_fingerprint"), "user", "left"));
 * }</pre>
 *
 * <p><b>Users</b>: {@code user: string}, {@code history: array<struct<id, title, attributes>>}
 * (oldest first; a {@code candidates} column is allowed and ignored). <b>Profiles</b>, one row per
 * input row: {@code user}; {@code history_fingerprint} and {@code prompt_fingerprint}, the parts of
 * the model's {@code ProfileKey} (the recent history the profile was written from and the model's
 * prompt); {@code profile}, the text, null when it could not be written; {@code calls}, {@code
 * cached_calls}, {@code input_tokens}, {@code output_tokens}; and {@code error}, why a row has no
 * profile (an invalid row, or the LLM failing after its retries).
 *
 * <p>{@link RerankJob} uses a case's {@code profile} column (one RERANK call instead of two) only
 * when both fingerprints match the case's current history and the model serving it; otherwise it
 * writes a fresh profile, so a changed history or another model never reuses a stale one. Its
 * {@code profile_reused} column says which. Write profiles again only for users whose history
 * changed: filter on {@code history_fingerprint}.
 */
public final class ProfileJob {

  private final String model;
  private final SparkLlmConfig llm;
  private final int partitions;
  private final OptionalInt concurrentTasks;

  private ProfileJob(Builder b) {
    this.model = requireNonNull(b.model);
    this.llm = requireNonNull(b.llm);
    this.partitions = b.partitions;
    this.concurrentTasks = b.concurrentTasks;
  }

  /** A builder; {@link Builder#model} and {@link Builder#llm} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The profiles of {@code users}, lazily: nothing runs until an action.
   *
   * @throws NullPointerException if users is null
   * @throws IllegalArgumentException if the schema does not fit, or the model is not a saved AGP
   *     model (an RPP model writes no profiles)
   * @throws IllegalStateException if a rate limit is below one call or token a minute per task
   * @throws java.io.UncheckedIOException if the model cannot be read
   */
  public Dataset<Row> profiles(Dataset<Row> users) {
    requireNonNull(users, "users");
    CaseRows rows = CaseRows.forProfiles(users.schema());
    ServingModel serving = ServingModel.of(RerankJob.read(users.sparkSession(), model), model);
    if (!serving.isAgp()) {
      throw new IllegalArgumentException(model + " is an RPP model, which writes no profiles: only AGP models do");
    }
    return RerankJob.run(users, rows, serving, llm, partitions, concurrentTasks, RerankTask.Work.PROFILES,
        CaseRows.PROFILES);
  }

  /**
   * Adds up a profiles table: rows, profiles not written (the LLM failed or the row was invalid),
   * invalid rows, calls, cached calls and tokens ({@link RerankJob.Summary#fallbacks()} counts the
   * profiles not written). One Spark action.
   *
   * @throws NullPointerException if profiles is null
   */
  public static RerankJob.Summary summary(Dataset<Row> profiles) {
    requireNonNull(profiles, "profiles");
    return RerankJob.totals(profiles, functions.col(CaseRows.PROFILE).isNull());
  }

  /**
   * Options of a {@link ProfileJob}, as {@link RerankJob.Builder}'s. Setters throw {@link
   * NullPointerException} for null and {@link IllegalArgumentException} naming the option for a
   * bad value; {@link #build()} throws {@link IllegalStateException} when a required option is
   * missing.
   */
  public static final class Builder {
    private @Nullable String model;
    private @Nullable SparkLlmConfig llm;
    private int partitions = RerankJob.DEFAULT_PARTITIONS;
    private OptionalInt concurrentTasks = OptionalInt.empty();

    private Builder() {}

    /** The saved AGP model, a path or URI the driver reads through Hadoop's file systems. */
    public Builder model(String location) {
      requireNonNull(location, "model");
      if (location.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = location;
      return this;
    }

    /** How executors reach the LLM. */
    public Builder llm(SparkLlmConfig llm) {
      this.llm = requireNonNull(llm, "llm");
      return this;
    }

    /** Partitions the users are hashed into, {@code >= 1} (default {@value RerankJob#DEFAULT_PARTITIONS}). */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** Tasks that run at once, {@code >= 1}, among which the rate limits are divided. */
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
     * @throws IllegalStateException if the model or the LLM configuration is missing
     */
    public ProfileJob build() {
      if (model == null || llm == null) {
        throw new IllegalStateException("a ProfileJob needs model(...) and llm(...)");
      }
      return new ProfileJob(this);
    }
  }
}
