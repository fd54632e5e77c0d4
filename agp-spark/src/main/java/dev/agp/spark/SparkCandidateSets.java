package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import dev.agp.eval.CandidateSets;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The candidate tables made by {@link CandidateJob}. Every table has the cases' columns the
 * {@link RerankJob} reads — {@code user}, {@code history} and {@code candidates} as {@code
 * array<struct<id, title, attributes>>} — plus {@code relevant: array<string>}, the held-out item.
 *
 * @param eligible every eligible user's case (the held-out item in the base top k), in no order
 * @param train the training users, in selection order ({@code selection_order})
 * @param validation the validation users, in selection order
 * @param test the test users, in selection order
 * @param malformedLists users whose list repeated an item or who were listed more than once;
 *     treated as having no list
 * @param report how the candidates were made and who was eligible, as agp-eval reports it
 */
public record SparkCandidateSets(
    Dataset<Row> eligible,
    Dataset<Row> train,
    Dataset<Row> validation,
    Dataset<Row> test,
    long malformedLists,
    CandidateSets.Report report) {

  /**
   * @param eligible every eligible user's case (the held-out item in the base top k), in no order
   * @param train the training users, in selection order ({@code selection_order})
   * @param validation the validation users, in selection order
   * @param test the test users, in selection order
   * @param malformedLists users whose list repeated an item or who were listed more than once;
   *     treated as having no list
   * @param report how the candidates were made and who was eligible, as agp-eval reports it
   * @throws NullPointerException if an argument is null
   */
  public SparkCandidateSets {
    requireNonNull(eligible, "eligible");
    requireNonNull(train, "train");
    requireNonNull(validation, "validation");
    requireNonNull(test, "test");
    requireNonNull(report, "report");
  }
}
