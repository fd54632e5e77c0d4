package dev.agp.internal;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * Sends a stage's messages with that stage's temperature and output cap. A client that throws a
 * plain {@link RuntimeException} instead of an {@link LlmException} (a custom client's bug, an
 * unmapped transport failure) is treated as a failed call: the exception comes back as an {@link
 * LlmNonRetriableException} naming its type, so fits count the user as failed and serving falls
 * back to the base order, instead of the exception escaping.
 */
public final class LlmCalls {

  private final LlmClient llm;
  private final Map<Stage, Double> temperatures;
  private final Map<Stage, Integer> maxOutputTokens;

  public LlmCalls(LlmClient llm, Map<Stage, Double> temperatures, Map<Stage, Integer> maxOutputTokens) {
    this.llm = requireNonNull(llm, "llm");
    this.temperatures = Map.copyOf(temperatures);
    this.maxOutputTokens = Map.copyOf(maxOutputTokens);
  }

  public LlmRequest request(Stage stage, List<LlmMessage> messages) {
    Integer cap = maxOutputTokens.get(stage);
    return new LlmRequest(
        messages,
        stage,
        temperatures.getOrDefault(stage, 0.0),
        cap == null ? OptionalInt.empty() : OptionalInt.of(cap),
        false);
  }

  public String complete(Stage stage, List<LlmMessage> messages) {
    return send(request(stage, messages));
  }

  /** Sends {@code messages} with the stage's temperature and an output cap chosen by the caller. */
  public String complete(Stage stage, List<LlmMessage> messages, int maxOutputTokens) {
    return send(request(stage, messages).withMaxOutputTokens(maxOutputTokens));
  }

  private String send(LlmRequest request) {
    try {
      return llm.complete(request).text();
    } catch (LlmException | CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LlmNonRetriableException(
          "the LLM client threw " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e, request.stage(), 0, 0);
    }
  }
}
