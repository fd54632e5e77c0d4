package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One user's pass through the pipeline in a training batch.
 *
 * @param user the case
 * @param prompt the profile prompt the profile was written with
 * @param profile the generated profile
 * @param ranking the LLM's ranking
 * @param feedback the position feedback computed from it
 * @param critique the LLM's critique (paper mode, users not at target), else empty
 */
public record UserOutcome(
    UserCase user,
    ProfilePrompt prompt,
    UserProfile profile,
    Ranking ranking,
    PositionFeedback feedback,
    Optional<String> critique) {

  /**
   * @param user the case
   * @param prompt the profile prompt the profile was written with
   * @param profile the generated profile
   * @param ranking the LLM's ranking
   * @param feedback the position feedback computed from it
   * @param critique the LLM's critique (paper mode, users not at target), else empty
   * @throws NullPointerException if an argument is null
   */
  public UserOutcome {
    requireNonNull(user, "user");
    requireNonNull(prompt, "prompt");
    requireNonNull(profile, "profile");
    requireNonNull(ranking, "ranking");
    requireNonNull(feedback, "feedback");
    requireNonNull(critique, "critique");
  }
}
