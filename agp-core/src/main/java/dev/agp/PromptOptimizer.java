package dev.agp;

/** Rewrites the profile prompt from a batch's feedback. */
@FunctionalInterface
public interface PromptOptimizer {

  /**
   * @param current the prompt the batch was served with
   * @param feedback the batch's aggregated feedback
   * @return the new prompt (possibly equal to {@code current})
   * @throws RejectedUpdateException when the proposal is unusable; the optimizer keeps {@code
   *     current} and counts the rejection
   * @throws dev.agp.llm.LlmException when the backend fails
   */
  ProfilePrompt update(ProfilePrompt current, BatchFeedback feedback);
}
