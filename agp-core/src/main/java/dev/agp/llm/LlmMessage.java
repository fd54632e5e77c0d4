package dev.agp.llm;

import static java.util.Objects.requireNonNull;

/**
 * One chat message.
 *
 * @param role who speaks
 * @param text the content, possibly empty
 */
public record LlmMessage(Role role, String text) {

  /** The speaker of a message. */
  public enum Role {
    SYSTEM,
    USER,
    ASSISTANT
  }

  /**
   * @throws NullPointerException if an argument is null
   */
  public LlmMessage {
    requireNonNull(role, "role");
    requireNonNull(text, "text");
  }

  /** A system message. */
  public static LlmMessage system(String text) {
    return new LlmMessage(Role.SYSTEM, text);
  }

  /** A user message. */
  public static LlmMessage user(String text) {
    return new LlmMessage(Role.USER, text);
  }

  /** An assistant message (for few-shot examples or conversation history). */
  public static LlmMessage assistant(String text) {
    return new LlmMessage(Role.ASSISTANT, text);
  }
}
