package dev.agp;

/**
 * Thrown by a {@link PromptOptimizer} whose proposal cannot be used: no markers, an empty prompt,
 * one over the length cap. The optimizer keeps the previous prompt and counts a rejected update.
 */
public class RejectedUpdateException extends AgpException {

  private static final long serialVersionUID = 1L;

  /** @param reason why the proposal was refused */
  public RejectedUpdateException(String reason) {
    super(reason);
  }
}
