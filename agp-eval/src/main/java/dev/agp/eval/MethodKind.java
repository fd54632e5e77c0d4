package dev.agp.eval;

/** What a row of an experiment is for, so reports can keep methods and their controls apart. */
public enum MethodKind {
  /** The base recommender's order: what every other row is compared with. */
  BASE,
  /**
   * A user-blind order of the same candidate lists (by popularity, at random), with no LLM call.
   * If one beats Base by more than Base's own confidence interval, the lists carry a signal that
   * needs no knowledge of the user, and gains of LLM methods may come from it.
   */
  SANITY,
  /**
   * A control for a learning method: the same method without its learning (an untrained prompt)
   * or trained on permuted labels. A learning method's gain is what it adds over its controls.
   */
  CONTROL,
  /** A method under evaluation. */
  METHOD
}
