package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Counts of what a method did while ranking the test users, one bar per choice, for example how
 * often RPP served each reasoning sentence.
 *
 * @param title what is counted ("RPP: reasoning guidance")
 * @param bars one bar per choice, in the method's order (choices never made included)
 */
public record Histogram(String title, List<Bar> bars) {

  /**
   * @param title what is counted ("RPP: reasoning guidance")
   * @param bars one bar per choice, in the method's order (choices never made included)
   * @throws NullPointerException if an argument or bar is null
   */
  public Histogram {
    requireNonNull(title, "title");
    bars = List.copyOf(bars);
  }

  /** {@return the sum of all counts} */
  public long total() {
    return bars.stream().mapToLong(Bar::count).sum();
  }

  /**
   * One choice and how often it was made.
   *
   * @param label the choice
   * @param count how often, {@code >= 0}
   */
  public record Bar(String label, long count) {

    /**
     * @param label the choice
     * @param count how often, {@code >= 0}
     * @throws NullPointerException if label is null
     * @throws IllegalArgumentException if count is negative
     */
    public Bar {
      requireNonNull(label, "label");
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0 but was " + count);
      }
    }
  }
}
