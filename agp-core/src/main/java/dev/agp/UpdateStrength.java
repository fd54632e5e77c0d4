package dev.agp;

/**
 * How much the optimizer may change the prompt, told to the LLM in words. Chosen from how far the
 * batch's relevant items sat from their targets: the worse the batch, the larger the change.
 */
public enum UpdateStrength {
  /** Most relevant items were near their targets. */
  SMALL("Make small, targeted edits: keep the prompt's structure and most of its wording."),
  /** Relevant items were often some way down the list. */
  MODERATE("Make moderate edits: revise the parts the feedback criticises and add what it asks for."),
  /** Relevant items were mostly far down the list. */
  LARGE("Make large edits: restructure the prompt where the feedback shows it misleads the profile.");

  /** Below this share of the worst possible displacement, edits are small. */
  public static final double SMALL_BELOW = 0.2;

  /** Below this share (and not small), edits are moderate; at or above it, large. */
  public static final double MODERATE_BELOW = 0.5;

  private final String words;

  UpdateStrength(String words) {
    this.words = words;
  }

  /** {@return the instruction given to the LLM} */
  public String words() {
    return words;
  }

  /**
   * The strength for a batch whose relevant items sat {@code displacement} positions below their
   * targets on average, in lists of {@code listSize} candidates: {@code displacement / (listSize -
   * 1)} below {@link #SMALL_BELOW} is small, below {@link #MODERATE_BELOW} moderate, else large.
   *
   * @param displacement the average displacement, in positions
   * @param listSize the number of candidates
   * @return the strength
   * @throws IllegalArgumentException if displacement is negative or listSize below 1
   */
  public static UpdateStrength forDisplacement(double displacement, int listSize) {
    if (!(displacement >= 0) || listSize < 1) {
      throw new IllegalArgumentException(
          "displacement " + displacement + " and listSize " + listSize + " out of range");
    }
    double share = listSize == 1 ? 0 : displacement / (listSize - 1);
    if (share < SMALL_BELOW) {
      return SMALL;
    }
    return share < MODERATE_BELOW ? MODERATE : LARGE;
  }

  /**
   * The strength when only a score is known (score-only feedback): {@code 1 - ndcg} against the
   * same thresholds.
   *
   * @param ndcg the batch's NDCG
   * @return the strength
   * @throws IllegalArgumentException if ndcg is outside [0, 1]
   */
  public static UpdateStrength forScore(double ndcg) {
    if (!(ndcg >= 0 && ndcg <= 1 + 1e-9)) {
      throw new IllegalArgumentException("ndcg must be in [0, 1] but was " + ndcg);
    }
    double share = 1 - ndcg;
    if (share < SMALL_BELOW) {
      return SMALL;
    }
    return share < MODERATE_BELOW ? MODERATE : LARGE;
  }
}
