package dev.agp;

/** How a served request ended. */
public enum ServingOutcome {
  /** The LLM's ranking was returned. */
  RANKED,
  /** The backend failed (after the client's retries): the base order was returned, flagged. */
  FALLBACK_FAILURE,
  /**
   * The request's deadline passed (or the request could not be started, or the waiting thread was
   * interrupted): the base order was returned, flagged.
   */
  FALLBACK_DEADLINE;

  /** {@return whether the base order was returned instead of an LLM ranking} */
  public boolean fallback() {
    return this != RANKED;
  }
}
