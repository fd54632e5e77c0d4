package dev.agp;

/** Writes a user profile from the user's history with the current profile prompt. */
@FunctionalInterface
public interface ProfileGenerator {

  /**
   * @param user the user, with history
   * @param prompt the profile prompt
   * @return the profile
   * @throws dev.agp.llm.LlmException when the backend fails
   */
  UserProfile generate(UserCase user, ProfilePrompt prompt);
}
