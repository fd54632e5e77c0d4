package dev.agp;

import static java.util.Objects.requireNonNull;

/**
 * How an LLM's ranking answer was read and what had to be repaired to make it a permutation.
 *
 * @param method which step of the parsing cascade produced the order
 * @param recognised candidates the answer named, in order, before repairs
 * @param duplicates repeated mentions that were dropped (the first one is kept)
 * @param unknown labels that name no candidate (dropped)
 * @param appended candidates the answer left out, appended in base order
 */
public record RepairStats(
    ParseMethod method, int recognised, int duplicates, int unknown, int appended) {

  /** The step of the parsing cascade that read an answer. */
  public enum ParseMethod {
    /** The labels inside the requested {@code <ranking>} block. */
    TAGGED,
    /** A JSON array, or an array inside a JSON object. */
    JSON,
    /** A list: lines, commas or arrows of labels or titles. */
    LIST,
    /** Candidate titles found in free text. */
    TITLES,
    /** Nothing usable: the base order was kept. */
    NONE,
    /** Not parsed from an answer: made by code (base order, a fallback, a custom reranker). */
    PROVIDED
  }

  /**
   * @param method which step of the parsing cascade produced the order
   * @param recognised candidates the answer named, in order, before repairs
   * @param duplicates repeated mentions that were dropped (the first one is kept)
   * @param unknown labels that name no candidate (dropped)
   * @param appended candidates the answer left out, appended in base order
   * @throws IllegalArgumentException if a count is negative
   */
  public RepairStats {
    requireNonNull(method, "method");
    if (recognised < 0 || duplicates < 0 || unknown < 0 || appended < 0) {
      throw new IllegalArgumentException("repair counts must be >= 0");
    }
  }

  /**
   * Statistics for an order made by code: nothing recognised, nothing repaired.
   *
   * @return the statistics
   */
  public static RepairStats provided() {
    return new RepairStats(ParseMethod.PROVIDED, 0, 0, 0, 0);
  }

  /** {@return whether anything had to be dropped or appended} */
  public boolean repaired() {
    return duplicates > 0 || unknown > 0 || appended > 0;
  }
}
