package dev.agp.spark;

import dev.agp.eval.DuplicatePolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The Spark jobs from {@code spark-submit}:
 *
 * <pre>
 * spark-submit --class dev.agp.spark.AgpSparkJob \
 *     --conf spark.agp.llm.backend=openai --conf spark.agp.llm.model=gpt-4o-mini \
 *     --conf spark.agp.llm.requestsPerMinute=5000 --conf spark.agp.cache.dir=/mnt/shared/agp-cache \
 *     agp-spark-VERSION-all.jar rerank --model agp-model.json --cases cases.parquet --output rankings.parquet
 *
 * spark-submit --class dev.agp.spark.AgpSparkJob agp-spark-VERSION-all.jar candidates \
 *     --interactions interactions.parquet --items items.parquet --lists lists.parquet --output candidates/
 * </pre>
 *
 * <p>{@code rerank} reads the cases (Parquet, or JSON lines with {@code --format json}) — joined
 * with profiles written earlier when {@code --profiles} names them — writes the rankings (see
 * {@link RerankJob}) and prints their totals; {@code profiles} writes the profiles of a table of
 * users with an AGP model ({@link RerankJob#profiles}); the LLM of both comes from the {@code
 * spark.agp.*} keys ({@link SparkLlmConfig#fromConf}). {@code candidates} runs {@link
 * LeaveOneOutJob} and {@link CandidateJob} and writes {@code train}, {@code validation}, {@code
 * test} and {@code eligible} under the output directory. Exit status: 0 done, 1 the job failed,
 * 2 the command line or configuration is wrong.
 */
public final class AgpSparkJob {

  private static final String USAGE = """
      usage: AgpSparkJob rerank --model PATH --cases PATH --output PATH [--profiles PATH] [--format parquet|json]
                                [--output-format parquet|json] [--partitions N] [--concurrent-tasks N]
             AgpSparkJob profiles --model PATH --users PATH --output PATH [--format parquet|json]
                                [--output-format parquet|json] [--partitions N] [--concurrent-tasks N]
             AgpSparkJob candidates --interactions PATH --items PATH --lists PATH --output DIR
                                [--format parquet|json] [--k N] [--max-history N] [--seed N] [--train N]
                                [--validation N] [--test N] [--allow-fewer-test-users] [--min-interactions N]
                                [--duplicates keep_last|keep_first|keep_all] [--k-core N]
      The LLM of rerank comes from spark.agp.llm.* keys (backend, model, baseUrl, apiKeyEnv, apiKeyFile,
      timeoutSeconds, maxAttempts, requestsPerMinute, tokensPerMinute, concurrency) and spark.agp.cache.dir.""";

  private AgpSparkJob() {}

  /**
   * Runs a job and exits with its status.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs a job in the active (or a new) Spark session; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    SparkSession spark = SparkSession.builder().appName("agp " + options.get("")).getOrCreate();
    try {
      if (options.get("").equals("rerank")) {
        rerank(spark, options, out);
      } else if (options.get("").equals("profiles")) {
        profiles(spark, options, out);
      } else {
        candidates(spark, options, out);
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  private static void rerank(SparkSession spark, Map<String, String> o, PrintStream out) {
    RerankJob.Builder b = RerankJob.builder().model(required(o, "model")).llm(llm(spark));
    if (o.containsKey("partitions")) {
      b.partitions(number(o, "partitions"));
    }
    if (o.containsKey("concurrent-tasks")) {
      b.concurrentTasks(number(o, "concurrent-tasks"));
    }
    String format = format(o, "format");
    Dataset<Row> cases = read(spark, format, CaseRows.INPUT, required(o, "cases"));
    if (o.containsKey("profiles")) {
      Dataset<Row> profiles = read(spark, format, CaseRows.PROFILES, o.get("profiles"))
          .select(CaseRows.USER, CaseRows.PROFILE, CaseRows.HISTORY_FINGERPRINT, CaseRows.PROMPT_FINGERPRINT);
      cases = cases.join(profiles, cases.col(CaseRows.USER).equalTo(profiles.col(CaseRows.USER)), "left")
          .drop(profiles.col(CaseRows.USER));
    }
    String output = required(o, "output");
    String outputFormat = format(o, "output-format");
    b.build().rerank(cases).write().format(outputFormat).save(output);
    RerankJob.Summary s = RerankJob.summary(spark.read().schema(CaseRows.OUTPUT).format(outputFormat).load(output));
    out.printf(Locale.ROOT,
        "reranked %d rows into %s: %d fell back to the base order, %d invalid; %d LLM calls (%d from the cache),"
            + " %d input and %d output tokens%n",
        s.rows(), output, s.fallbacks(), s.invalid(), s.calls(), s.cachedCalls(), s.inputTokens(), s.outputTokens());
  }

  private static void profiles(SparkSession spark, Map<String, String> o, PrintStream out) {
    RerankJob.Builder b = RerankJob.builder().model(required(o, "model")).llm(llm(spark));
    if (o.containsKey("partitions")) {
      b.partitions(number(o, "partitions"));
    }
    if (o.containsKey("concurrent-tasks")) {
      b.concurrentTasks(number(o, "concurrent-tasks"));
    }
    String format = format(o, "format");
    String output = required(o, "output");
    String outputFormat = format(o, "output-format");
    b.build().profiles(read(spark, format, CaseRows.INPUT, required(o, "users"))).write().format(outputFormat).save(output);
    RerankJob.Summary s = RerankJob.profileSummary(spark.read().schema(CaseRows.PROFILES).format(outputFormat).load(output));
    out.printf(Locale.ROOT,
        "wrote %d profiles into %s: %d not written (%d invalid rows); %d LLM calls (%d from the cache),"
            + " %d input and %d output tokens%n",
        s.rows() - s.fallbacks(), output, s.fallbacks(), s.invalid(), s.calls(), s.cachedCalls(), s.inputTokens(),
        s.outputTokens());
  }

  private static SparkLlmConfig llm(SparkSession spark) {
    Map<String, String> conf = new HashMap<>();
    for (Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
      conf.put(kv._1(), kv._2());
    }
    return SparkLlmConfig.fromConf(conf);
  }

  /** Parquet as written; JSON lines with the schema given (inference would turn maps into structs). */
  private static Dataset<Row> read(SparkSession spark, String format, org.apache.spark.sql.types.StructType schema, String path) {
    return format.equals("json") ? spark.read().schema(schema).json(path) : spark.read().parquet(path);
  }

  private static void candidates(SparkSession spark, Map<String, String> o, PrintStream out) {
    String format = format(o, "format");
    LeaveOneOutJob.Builder split = LeaveOneOutJob.builder();
    if (o.containsKey("min-interactions")) {
      split.minInteractions(number(o, "min-interactions"));
    }
    if (o.containsKey("duplicates")) {
      try {
        split.duplicates(DuplicatePolicy.valueOf(o.get("duplicates").toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--duplicates must be keep_last, keep_first or keep_all", e);
      }
    }
    if (o.containsKey("k-core")) {
      split.kCore(number(o, "k-core"));
    }
    CandidateJob.Builder c = CandidateJob.builder();
    if (o.containsKey("k")) {
      c.k(number(o, "k"));
    }
    if (o.containsKey("max-history")) {
      c.maxHistory(number(o, "max-history"));
    }
    if (o.containsKey("seed")) {
      try {
        c.seed(Long.parseLong(o.get("seed")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--seed must be a whole number but was " + o.get("seed"), e);
      }
    }
    if (o.containsKey("train")) {
      c.trainUsers(number(o, "train"));
    }
    if (o.containsKey("validation")) {
      c.validationUsers(number(o, "validation"));
    }
    if (o.containsKey("test")) {
      c.testUsers(number(o, "test"));
    }
    c.allowFewerTestUsers(o.containsKey("allow-fewer-test-users"));
    SparkLooSplit s = split.build().split(spark.read().format(format).load(required(o, "interactions")));
    String lists = required(o, "lists");
    SparkCandidateSets sets = c.build().apply(
        spark.read().format(format).load(required(o, "items")), s, spark.read().format(format).load(lists), "Imported(" + lists + ")");
    String dir = required(o, "output");
    sets.train().write().format(format).save(dir + "/train");
    sets.validation().write().format(format).save(dir + "/validation");
    sets.test().write().format(format).save(dir + "/test");
    sets.eligible().write().format(format).save(dir + "/eligible");
    out.println("split: " + s.report());
    out.println("candidates: " + sets.report() + ", malformed lists " + sets.malformedLists());
  }

  private static final Set<String> FLAGS = Set.of("allow-fewer-test-users");
  private static final Map<String, Set<String>> OPTIONS = Map.of(
      "rerank", Set.of("model", "cases", "profiles", "output", "format", "output-format", "partitions", "concurrent-tasks"),
      "profiles", Set.of("model", "users", "output", "format", "output-format", "partitions", "concurrent-tasks"),
      "candidates", Set.of("interactions", "items", "lists", "output", "format", "k", "max-history", "seed", "train",
          "validation", "test", "allow-fewer-test-users", "min-interactions", "duplicates", "k-core"));

  /** The options by name; the command under "". */
  static Map<String, String> parse(String[] args) {
    if (args.length == 0 || !OPTIONS.containsKey(args[0])) {
      throw new IllegalArgumentException(args.length == 0 ? "no command given" : "unknown command " + args[0]);
    }
    Map<String, String> o = new HashMap<>();
    o.put("", args[0]);
    List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (!a.startsWith("--") || !OPTIONS.get(args[0]).contains(a.substring(2))) {
        throw new IllegalArgumentException("unknown option " + a + " for " + args[0]);
      }
      String name = a.substring(2);
      if (FLAGS.contains(name)) {
        o.put(name, "true");
        continue;
      }
      if (i + 1 >= rest.size()) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      o.put(name, rest.get(++i));
    }
    return o;
  }

  private static String required(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  private static int number(Map<String, String> o, String name) {
    try {
      return Integer.parseInt(o.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number but was " + o.get(name), e);
    }
  }

  private static String format(Map<String, String> o, String name) {
    String f = o.getOrDefault(name, "parquet");
    if (!f.equals("parquet") && !f.equals("json")) {
      throw new IllegalArgumentException("--" + name + " must be parquet or json but was " + f);
    }
    return f;
  }
}
