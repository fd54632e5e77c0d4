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
 * @param maxLineBytes the longest line read, in bytes; a longer line is skipped without being held
 *     in memory and counted as malformed ({@code >= 1024})
 */
public record LoadOptions(
    double maxMalformedRate, int maxProblemsListed, Optional<AmazonVersion> amazonVersion, int maxLineBytes) {

  /** Up to 1% of a file's records may be malformed. */
  public static final double DEFAULT_MAX_MALFORMED_RATE = 0.01;
  /** Malformed lines listed per file. */
  public static final int DEFAULT_MAX_PROBLEMS_LISTED = 20;
  /**
   * The longest line read: 16 MiB, far above any record of the supported datasets (the largest
   * Amazon metadata records are a few hundred KB).
   */
  public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;

  private static final LoadOptions DEFAULTS =
      new LoadOptions(DEFAULT_MAX_MALFORMED_RATE, DEFAULT_MAX_PROBLEMS_LISTED, Optional.empty(), DEFAULT_MAX_LINE_BYTES);

  /**
   * @param maxMalformedRate share of a file's records that may be malformed (skipped, counted and
   *     listed); above it the load fails with a {@link DatasetFormatException}. In [0, 1].
   * @param maxProblemsListed malformed lines kept, with line numbers, per file ({@code >= 0})
   * @param amazonVersion the Amazon release, when it cannot be detected (headerless ratings CSVs)
   * @param maxLineBytes the longest line read, in bytes; a longer line is skipped without being
   *     held in memory and counted as malformed ({@code >= 1024})
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
    if (maxLineBytes < 1024) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1024 but was " + maxLineBytes);
    }
  }

  /**
   * Options with the default line cap ({@value #DEFAULT_MAX_LINE_BYTES} bytes).
   *
   * @param maxMalformedRate share of a file's records that may be malformed (skipped, counted and
   *     listed); above it the load fails with a {@link DatasetFormatException}. In [0, 1].
   * @param maxProblemsListed malformed lines kept, with line numbers, per file ({@code >= 0})
   * @param amazonVersion the Amazon release, when it cannot be detected (headerless ratings CSVs)
   * @throws NullPointerException if amazonVersion is null
   * @throws IllegalArgumentException if a value is out of range, naming it
   */
  public LoadOptions(double maxMalformedRate, int maxProblemsListed, Optional<AmazonVersion> amazonVersion) {
    this(maxMalformedRate, maxProblemsListed, amazonVersion, DEFAULT_MAX_LINE_BYTES);
  }

  /**
   * {@return the defaults: 1% malformed tolerated, 20 lines listed, Amazon release detected, lines
   * up to 16 MiB}
   */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with another malformed-line tolerance.
   *
   * @param rate the share of malformed lines tolerated, in [0, 1]
   * @return the new options
   */
  public LoadOptions withMaxMalformedRate(double rate) {
    return new LoadOptions(rate, maxProblemsListed, amazonVersion, maxLineBytes);
  }

  /**
   * These options with another number of listed lines.
   *
   * @param n the most malformed lines listed in reports and errors
   * @return the new options
   */
  public LoadOptions withMaxProblemsListed(int n) {
    return new LoadOptions(maxMalformedRate, n, amazonVersion, maxLineBytes);
  }

  /**
   * These options with the Amazon release given.
   *
   * @param version the release the Amazon files are read as
   * @return the new options
   */
  public LoadOptions withAmazonVersion(AmazonVersion version) {
    return new LoadOptions(maxMalformedRate, maxProblemsListed, Optional.of(requireNonNull(version, "version")), maxLineBytes);
  }

  /**
   * These options with another line cap.
   *
   * @param bytes the longest line read, in bytes
   * @return the new options
   * @throws IllegalArgumentException if bytes is below 1024
   */
  public LoadOptions withMaxLineBytes(int bytes) {
    return new LoadOptions(maxMalformedRate, maxProblemsListed, amazonVersion, bytes);
  }
}
