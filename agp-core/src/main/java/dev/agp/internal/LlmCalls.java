package dev.agp.internal;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Sends a stage's messages with that stage's temperature and output cap. Exceptions pass through
 * unchanged: see {@link LlmClient} for what other than an {@link dev.agp.llm.LlmException} means.
 */
public final class LlmCalls {

  private final LlmClient llm;
  private final Map<Stage, Double> temperatures;
  private final Map<Stage, Integer> maxOutputTokens;

  /**
   * Calls through {@code llm} with a temperature and an output cap per stage (none when absent).
   *
   * @param llm the client the requests go to
   * @param temperatures the temperature per stage; 0 for a stage without one
   * @param maxOutputTokens the output cap per stage; the backend's default for a stage without one
   */
  public LlmCalls(LlmClient llm, Map<Stage, Double> temperatures, Map<Stage, Integer> maxOutputTokens) {
    this.llm = requireNonNull(llm, "llm");
    this.temperatures = Map.copyOf(temperatures);
    this.maxOutputTokens = Map.copyOf(maxOutputTokens);
  }

  /**
   * The request for {@code messages} with the stage's temperature and output cap.
   *
   * @param stage the pipeline step making the call
   * @param messages the prompt's messages, in order
   * @return the request
   */
  public LlmRequest request(Stage stage, List<LlmMessage> messages) {
    Integer cap = maxOutputTokens.get(stage);
    return new LlmRequest(
        messages,
        stage,
        temperatures.getOrDefault(stage, 0.0),
        cap == null ? OptionalInt.empty() : OptionalInt.of(cap),
        false);
  }

  /**
   * Sends {@code messages} with the stage's temperature and output cap.
   *
   * @param stage the pipeline step making the call
   * @param messages the prompt's messages, in order
   * @return the answer's text
   */
  public String complete(Stage stage, List<LlmMessage> messages) {
    return send(request(stage, messages));
  }

  /**
   * Sends {@code messages} with the stage's temperature and an output cap chosen by the caller.
   *
   * @param stage the pipeline step making the call
   * @param messages the prompt's messages, in order
   * @param maxOutputTokens the output cap
   * @return the answer's text
   */
  public String complete(Stage stage, List<LlmMessage> messages, int maxOutputTokens) {
    return send(request(stage, messages).withMaxOutputTokens(maxOutputTokens));
  }

  private String send(LlmRequest request) {
    return llm.complete(request).text();
  }
}
