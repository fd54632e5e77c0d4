package dev.agp;

/**
 * How users are weighted in a batch's feedback. Weights are normalised to sum to 1 over the
 * batch's successful users; {@code avgPos(u)} is the mean 1-based position of u's relevant items.
 */
public enum WeightScheme {
  /**
   * {@code w(u) ∝ avgPos(u)}: users whose relevant items ranked lower weigh more. This is what
   * the AGP paper says it intends; the default.
   */
  POSITION,
  /**
   * {@code w(u) ∝ 1 / avgPos(u)}: the formula as the paper prints it, which gives users whose
   * items ranked higher more weight. Kept for reproducing the literal text.
   */
  INVERSE_POSITION,
  /** Every user weighs the same (what the reference code effectively does). */
  UNIFORM;

  /** The unnormalised weight of a user at mean position {@code averagePosition}. */
  double raw(double averagePosition) {
    return switch (this) {
      case POSITION -> averagePosition;
      case INVERSE_POSITION -> 1.0 / averagePosition;
      case UNIFORM -> 1.0;
    };
  }
}
