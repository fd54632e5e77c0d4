package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalInt;

/**
 * One LLM call.
 *
 * @param messages the conversation, non-empty
 * @param stage the pipeline step this call serves (for usage, budgets and logs; not sent)
 * @param temperature sampling temperature in {@code [0, 2]}; the SDK sets it explicitly, 0 by
 *     default, instead of relying on a provider default
 * @param maxOutputTokens cap on generated tokens, or empty for the backend's default
 * @param json ask the backend for a JSON object (JSON mode; the prompt must say "JSON")
 */
public record LlmRequest(
    List<LlmMessage> messages,
    Stage stage,
    double temperature,
    OptionalInt maxOutputTokens,
    boolean json) {

  /**
   * @param messages the conversation, non-empty
   * @param stage the pipeline step this call serves (for usage, budgets and logs; not sent)
   * @param temperature sampling temperature in {@code [0, 2]}; the SDK sets it explicitly, 0 by
   *     default, instead of relying on a provider default
   * @param maxOutputTokens cap on generated tokens, or empty for the backend's default
   * @param json ask the backend for a JSON object (JSON mode; the prompt must say "JSON")
   * @throws NullPointerException if an argument or message is null
   * @throws IllegalArgumentException if messages is empty, the temperature is outside [0, 2] or
   *     the token cap is not positive
   */
  public LlmRequest {
    messages = List.copyOf(requireNonNull(messages, "messages"));
    requireNonNull(stage, "stage");
    requireNonNull(maxOutputTokens, "maxOutputTokens");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("messages must not be empty");
    }
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be in [0, 2] but was " + temperature);
    }
    if (maxOutputTokens.isPresent() && maxOutputTokens.getAsInt() <= 0) {
      throw new IllegalArgumentException(
          "maxOutputTokens must be > 0 but was " + maxOutputTokens.getAsInt());
    }
  }

  /**
   * A request at temperature 0 with the backend's default output cap and no JSON mode.
   *
   * @param stage the pipeline step making the call
   * @param messages the messages, in order
   * @return the request
   */
  public static LlmRequest of(Stage stage, List<LlmMessage> messages) {
    return new LlmRequest(messages, stage, 0.0, OptionalInt.empty(), false);
  }

  /**
   * A system message followed by a user message, at temperature 0.
   *
   * @param stage the pipeline step making the call
   * @param system the system message's text
   * @param user the user message's text
   * @return the request
   */
  public static LlmRequest of(Stage stage, String system, String user) {
    return of(stage, List.of(LlmMessage.system(system), LlmMessage.user(user)));
  }

  /**
   * This request with another temperature.
   *
   * @param newTemperature the temperature, in [0, 2]
   * @return the new request
   */
  public LlmRequest withTemperature(double newTemperature) {
    return new LlmRequest(messages, stage, newTemperature, maxOutputTokens, json);
  }

  /**
   * This request with an output cap.
   *
   * @param tokens the cap, {@code >= 1}
   * @return the new request
   */
  public LlmRequest withMaxOutputTokens(int tokens) {
    return new LlmRequest(messages, stage, temperature, OptionalInt.of(tokens), json);
  }

  /**
   * This request with JSON mode on or off.
   *
   * @param newJson true to ask for a JSON object
   * @return the new request
   */
  public LlmRequest withJson(boolean newJson) {
    return new LlmRequest(messages, stage, temperature, maxOutputTokens, newJson);
  }

  /** {@return the text of the last user message, or "" when there is none} */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == LlmMessage.Role.USER) {
        return messages.get(i).text();
      }
    }
    return "";
  }

  /** {@return the number of characters over all messages: the basis of token estimates} */
  public int characterCount() {
    int n = 0;
    for (LlmMessage m : messages) {
      n += m.text().length();
    }
    return n;
  }
}
