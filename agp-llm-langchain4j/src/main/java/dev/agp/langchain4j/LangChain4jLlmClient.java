package dev.agp.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LlmClient} over any LangChain4j {@link ChatModel} (OpenAI, Ollama, Azure, ...).
 *
 * <p>A request becomes a {@link ChatRequest}: its messages (a blank system message is left out,
 * since LangChain4j refuses it), temperature, output cap as max output tokens and the JSON flag
 * as JSON mode ({@code response_format: json_object} for OpenAI-compatible servers, never a JSON
 * schema, which DeepSeek rejects). The answer's text, token usage and model name come back in the
 * {@link LlmResponse}; a missing text reads as empty, missing usage as zero.
 *
 * <p>Failures are mapped to {@link dev.agp.llm.LlmRetriableException} (HTTP 429 with its {@code
 * Retry-After}, 5xx, 408, timeouts, refused or broken connections, unreadable answers such as
 * truncated JSON or no choices) or {@link LlmNonRetriableException} (400, 401, 403, 404, an
 * unknown host, content filtering, including a {@code content_filter} finish). They carry the
 * stage and attempt 1; their messages and causes are redacted so that no API key shows.
 *
 * <p>This client makes exactly one attempt: configure the chat model without retries ({@code
 * maxRetries(0)} for OpenAI) and put {@link dev.agp.llm.LlmClients} in front, as {@link
 * LlmBackends} does. Thread-safe when the chat model is.
 */
public final class LangChain4jLlmClient implements LlmClient {

  private final ChatModel model;
  private final Redactor redactor;
  private final String configuredModel;
  /** The gate requests pass, for models whose HTTP client opens it (the ones LlmBackends builds); else null. */
  private final @Nullable FirstRequestGate gate;

  private LangChain4jLlmClient(ChatModel model, Redactor redactor, @Nullable FirstRequestGate gate) {
    this.model = model;
    this.redactor = redactor;
    this.gate = gate;
    String name = model.defaultRequestParameters() == null ? null : model.defaultRequestParameters().modelName();
    this.configuredModel = name == null ? "" : name;
  }

  /**
   * A client calling {@code model} once per request.
   *
   * @param model the LangChain4j chat model that answers every request
   * @return a client without retries, limits or cache (put {@link dev.agp.llm.LlmClients} in front
   *     for those)
   * @throws NullPointerException if model is null
   */
  public static LlmClient of(ChatModel model) {
    return new LangChain4jLlmClient(requireNonNull(model, "model"), Redactor.GENERIC, null);
  }

  /** A client that also masks {@code apiKey} in every failure it reports. */
  static LlmClient of(ChatModel model, Redactor redactor) {
    return new LangChain4jLlmClient(model, redactor, null);
  }

  /**
   * {@link #of(ChatModel, Redactor)} for a model whose HTTP client is a {@link
   * RetryAfterHttpClient} that opens {@code gate} when it sends a body.
   */
  static LlmClient gated(ChatModel model, Redactor redactor, FirstRequestGate gate) {
    return new LangChain4jLlmClient(model, redactor, requireNonNull(gate, "gate"));
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    ChatResponse response;
    boolean first = gate != null && gate.enter();
    try {
      response = model.chat(chatRequest(request));
    } catch (RuntimeException e) {
      throw Failures.map(e, request.stage(), redactor);
    } finally {
      if (first) {
        gate.open();
      }
    }
    if (response.finishReason() == FinishReason.CONTENT_FILTER) {
      throw new LlmNonRetriableException(
          "the provider filtered the content (finish reason content_filter)", null, request.stage(), 1, 0);
    }
    AiMessage ai = response.aiMessage();
    String text = ai == null || ai.text() == null ? "" : ai.text();
    dev.langchain4j.model.output.TokenUsage u = response.tokenUsage();
    TokenUsage usage =
        u == null
            ? TokenUsage.ZERO
            : new TokenUsage(nonNegative(u.inputTokenCount()), nonNegative(u.outputTokenCount()));
    String answered = response.modelName() == null || response.modelName().isBlank() ? configuredModel : response.modelName();
    return new LlmResponse(text, usage, answered, 1, false);
  }

  private static long nonNegative(Integer n) {
    return n == null || n < 0 ? 0 : n;
  }

  static ChatRequest chatRequest(LlmRequest request) {
    List<ChatMessage> messages = new ArrayList<>(request.messages().size());
    for (LlmMessage m : request.messages()) {
      switch (m.role()) {
        case SYSTEM -> {
          if (!m.text().isBlank()) {
            messages.add(SystemMessage.from(m.text()));
          }
        }
        case USER -> messages.add(UserMessage.from(m.text()));
        case ASSISTANT -> messages.add(AiMessage.from(m.text()));
      }
    }
    var parameters = ChatRequestParameters.builder().temperature(request.temperature());
    if (request.maxOutputTokens().isPresent()) {
      parameters.maxOutputTokens(request.maxOutputTokens().getAsInt());
    }
    if (request.json()) {
      parameters.responseFormat(ResponseFormat.JSON);
    }
    return ChatRequest.builder().messages(messages).parameters(parameters.build()).build();
  }
}
