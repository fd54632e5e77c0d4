package dev.agp.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The Spark example of the README, compiled: {@link ReadmeExampleTest} checks the README against it. */
final class ReadmeExample {

  private ReadmeExample() {}

  static RerankJob.Summary rerank(SparkSession spark) {
    Dataset<Row> rankings = RerankJob.builder()
        .model("hdfs:///models/agp-model.json")
        .llm(SparkLlmConfig.openAi("gpt-4o-mini")            // key from OPENAI_API_KEY on each executor
            .requestsPerMinute(5_000).concurrency(8)
            .cacheDirectory("/mnt/shared/agp-cache").build())
        .build()
        .rerank(spark.read().parquet("cases"));              // user, history, candidates
    RerankJob.Summary totals = RerankJob.summary(rankings);   // rows, fallbacks, invalid rows, calls, tokens
    return totals;
  }

  static SparkCandidateSets candidates(SparkSession spark) {
    SparkLooSplit split = LeaveOneOutJob.builder().build().split(spark.read().parquet("interactions"));
    SparkCandidateSets sets = CandidateJob.builder().seed(42).build()
        .apply(spark.read().parquet("items"), split, spark.read().parquet("lists"), "my-recommender");
    return sets;
  }
}
