package dev.agp.testing;

import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;

/**
 * Recognises which {@link Stage} a request built from the SDK's built-in prompt templates serves,
 * from the blocks those templates use. For fake servers that only see the HTTP body (the stage is
 * not sent over the wire). Custom templates may not be recognised.
 */
public final class BuiltInPrompts {

  private BuiltInPrompts() {}

  /**
   * The stage of a request, from its system and last user messages.
   *
   * @param request the request
   * @return the stage whose built-in template produced it ({@link Stage#PROFILE} when no other
   *     template's blocks are present)
   */
  public static Stage stageOf(LlmRequest request) {
    StringBuilder system = new StringBuilder();
    for (LlmMessage m : request.messages()) {
      if (m.role() == LlmMessage.Role.SYSTEM) {
        system.append(m.text()).append('\n');
      }
    }
    return stageOf(system.toString(), request.lastUserText());
  }

  /**
   * The stage of a prompt with this system text and last user message.
   *
   * @param system the system messages' text
   * @param user the last user message's text
   * @return the stage whose built-in template produced them ({@link Stage#PROFILE} when no other
   *     template's blocks are present)
   */
  public static Stage stageOf(String system, String user) {
    if (system.contains("You improve the wording of a prompt")) {
      return Stage.RPP_REFINE;
    }
    if (user.contains("<guidelines>")) {
      return Stage.OPTIMIZE;
    }
    if (user.contains("<critiques>")) {
      return Stage.SUMMARIZE;
    }
    if (user.contains("<instruction>")) {
      return user.contains("<history>") ? Stage.CRITIQUE : Stage.SUMMARIZE;
    }
    if (user.contains("<candidates>")) {
      if (user.contains("<profile>")) {
        return Stage.RERANK;
      }
      if (user.contains("Now there are")) {
        return Stage.RPP_RANK;
      }
      return user.contains("Think step by step") ? Stage.COT_RERANK : Stage.DIRECT_RERANK;
    }
    return Stage.PROFILE;
  }
}
