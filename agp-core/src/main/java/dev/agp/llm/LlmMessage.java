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
    /** Instructions to the model. */
    SYSTEM,
    /** The user's turn: the task and its data. */
    USER,
    /** The model's own earlier turn. */
    ASSISTANT
  }

  /**
   * @param role who speaks
   * @param text the content, possibly empty
   * @throws NullPointerException if an argument is null
   */
  public LlmMessage {
    requireNonNull(role, "role");
    requireNonNull(text, "text");
  }

  /**
   * A system message.
   *
   * @param text the message's text
   * @return the message
   */
  public static LlmMessage system(String text) {
    return new LlmMessage(Role.SYSTEM, text);
  }

  /**
   * A user message.
   *
   * @param text the message's text
   * @return the message
   */
  public static LlmMessage user(String text) {
    return new LlmMessage(Role.USER, text);
  }

  /**
   * An assistant message (for few-shot examples or conversation history).
   *
   * @param text the message's text
   * @return the message
   */
  public static LlmMessage assistant(String text) {
    return new LlmMessage(Role.ASSISTANT, text);
  }
}
