package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A leave-one-out split made by {@link LeaveOneOutJob}: one row per user that kept an
 * interaction.
 *
 * @param users {@code user: string}; {@code first_ord}, the input position of the user's first
 *     interaction (orders users by first appearance, as agp-eval lists them); {@code train:
 *     array<struct<item, rating, timestamp>>}, oldest first; {@code validation} and {@code test}:
 *     {@code struct<item, rating, timestamp>}, null for training-only users
 * @param report what the split did, as agp-eval's {@code LooSplit.Report} counts it, plus the
 *     invalid rows left out
 */
public record SparkLooSplit(Dataset<Row> users, Report report) {

  /**
   * @param users {@code user: string}; {@code first_ord}, the input position of the user's first
   *     interaction (orders users by first appearance, as agp-eval lists them); {@code train:
   *     array<struct<item, rating, timestamp>>}, oldest first; {@code validation} and {@code test}:
   *     {@code struct<item, rating, timestamp>}, null for training-only users
   * @param report what the split did, as agp-eval's {@code LooSplit.Report} counts it, plus the
   *     invalid rows left out
   * @throws NullPointerException if an argument is null
   */
  public SparkLooSplit {
    requireNonNull(users, "users");
    requireNonNull(report, "report");
  }

  /**
   * What the split did.
   *
   * @param inputInteractions rows given
   * @param invalidRows rows left out: a null or blank user or item, a null timestamp, a
   *     non-finite rating
   * @param duplicatesRemoved repeated user-item interactions dropped by the duplicate policy
   * @param kCoreRemovedInteractions interactions dropped by k-core filtering (0 when off)
   * @param kCoreRemovedUsers users left with no interaction by k-core filtering
   * @param kCoreRemovedItems items left with no interaction by k-core filtering
   * @param kCoreRounds Spark passes until stable, the last one changing nothing (0 when off)
   * @param users users kept
   * @param splitUsers users with validation and test interactions
   * @param trainingOnlyUsers users below the minimum, kept for training only
   * @param trainInteractions training interactions over all users
   */
  public record Report(
      long inputInteractions,
      long invalidRows,
      long duplicatesRemoved,
      long kCoreRemovedInteractions,
      long kCoreRemovedUsers,
      long kCoreRemovedItems,
      int kCoreRounds,
      long users,
      long splitUsers,
      long trainingOnlyUsers,
      long trainInteractions) {}
}
