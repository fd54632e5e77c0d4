package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How strict loaders are.
 *
 * @param maxMalformedRate share of a file's records that may be malformed (skipped, counted and
 *     listed); above it the load fails with a {@link DatasetFormatException}. In [0, 1].
 * @param maxProblemsListed malformed lines kept, with line numbers, per file ({@code >= 0})
 * @param amazonVersion the Amazon release, when it cannot be detected (headerless ratings CSVs)
 */
public record LoadOptions(double maxMalformedRate, int maxProblemsListed, Optional<AmazonVersion> amazonVersion) {

  /** Up to 1% of a file's records may be malformed. */
  public static final double DEFAULT_MAX_MALFORMED_RATE = 0.01;
  /** Malformed lines listed per file. */
  public static final int DEFAULT_MAX_PROBLEMS_LISTED = 20;

  private static final LoadOptions DEFAULTS =
      new LoadOptions(DEFAULT_MAX_MALFORMED_RATE, DEFAULT_MAX_PROBLEMS_LISTED, Optional.empty());

  /**
   * @throws NullPointerException if amazonVersion is null
   * @throws IllegalArgumentException if a value is out of range, naming it
   */
  public LoadOptions {
    if (!(maxMalformedRate >= 0 && maxMalformedRate <= 1)) {
      throw new IllegalArgumentException("maxMalformedRate must be in [0, 1] but was " + maxMalformedRate);
    }
    if (maxProblemsListed < 0) {
      throw new IllegalArgumentException("maxProblemsListed must be >= 0 but was " + maxProblemsListed);
    }
    requireNonNull(amazonVersion, "amazonVersion");
  }

  /** The defaults: 1% malformed tolerated, 20 lines listed, Amazon release detected. */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /** These options with another malformed-line tolerance. */
  public LoadOptions withMaxMalformedRate(double rate) {
    return new LoadOptions(rate, maxProblemsListed, amazonVersion);
  }

  /** These options with another number of listed lines. */
  public LoadOptions withMaxProblemsListed(int n) {
    return new LoadOptions(maxMalformedRate, n, amazonVersion);
  }

  /** These options with the Amazon release given. */
  public LoadOptions withAmazonVersion(AmazonVersion version) {
    return new LoadOptions(maxMalformedRate, maxProblemsListed, Optional.of(requireNonNull(version, "version")));
  }
}
