package dev.agp.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.PriceTable;
import dev.agp.llm.TokenUsage;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The lines of the Batch API's files: a request line of the input file (a chat completion body
 * as {@link LangChain4jLlmClient} would send it), and the reading of output and error lines.
 * Output lines are model output and server data: sizes are capped and every field is checked.
 */
final class BatchLines {

  static final ObjectMapper JSON = JsonMapper.builder().build();

  /** The endpoint every request line targets. */
  static final String ENDPOINT = "/v1/chat/completions";

  /** Characters of an answer kept; longer answers are failures of that request. */
  static final int MAX_ANSWER_CHARS = 1_000_000;

  private static final int MAX_MESSAGE_CHARS = 500;

  private BatchLines() {}

  /**
   * The request's id in a batch: its {@linkplain LlmResponseCache#key response-cache key} (a hash
   * of the model and the canonical request). Identical requests share an id, so a batch asks for
   * each once.
   */
  static String customId(String model, LlmRequest request) {
    return LlmResponseCache.key(model, request);
  }

  /** One line of the input file, without the newline. */
  static String requestLine(String customId, String model, LlmRequest request) {
    ObjectNode line = JSON.createObjectNode();
    line.put("custom_id", customId);
    line.put("method", "POST");
    line.put("url", ENDPOINT);
    ObjectNode body = line.putObject("body");
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    for (LlmMessage m : request.messages()) {
      if (m.role() == LlmMessage.Role.SYSTEM && m.text().isBlank()) {
        continue; // as the direct client: a blank system message is left out
      }
      messages.addObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.text());
    }
    body.put("temperature", request.temperature());
    request.maxOutputTokens().ifPresent(t -> body.put("max_tokens", t));
    if (request.json()) {
      body.putObject("response_format").put("type", "json_object");
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a batch request line", e);
    }
  }

  /** What one line of an output or error file says about one request. */
  record Line(String customId, @Nullable LlmResponse answer, String errorCode, String errorMessage) {}

  /**
   * Reads a line of an output or error file.
   *
   * @param configuredModel the model asked for, used when an answer does not name its model
   * @return empty custom id when the line is not a result line at all
   */
  static Line read(String text, String configuredModel, Redactor redactor) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      return new Line("", null, "unreadable_line", "not JSON");
    }
    if (root == null || !root.isObject() || !root.path("custom_id").isTextual()) {
      return new Line("", null, "unreadable_line", "no custom_id");
    }
    String id = root.get("custom_id").asText();
    JsonNode error = root.path("error");
    JsonNode response = root.path("response");
    if (error.isObject() && !response.isObject()) {
      return new Line(id, null, text(error.path("code"), "error"), message(error.path("message"), redactor));
    }
    int status = response.path("status_code").asInt(0);
    JsonNode body = response.path("body");
    if (status != 200) {
      String message = body.path("error").path("message").isTextual()
          ? message(body.path("error").path("message"), redactor)
          : error.isObject() ? message(error.path("message"), redactor) : "no answer";
      return new Line(id, null, status == 0 ? text(error.path("code"), "no_response") : "http_" + status, message);
    }
    JsonNode choice = body.path("choices").path(0);
    if (!choice.isObject()) {
      return new Line(id, null, "no_choices", "the answer has no choices");
    }
    if ("content_filter".equals(choice.path("finish_reason").asText(""))) {
      return new Line(id, null, "content_filter", "the provider filtered the answer");
    }
    JsonNode content = choice.path("message").path("content");
    String answer = content.isTextual() ? content.asText() : "";
    if (answer.length() > MAX_ANSWER_CHARS) {
      return new Line(id, null, "answer_too_long", "the answer has " + answer.length() + " characters");
    }
    JsonNode usage = body.path("usage");
    long in = Math.max(0, usage.path("prompt_tokens").asLong(0));
    long out = Math.max(0, usage.path("completion_tokens").asLong(0));
    String model = body.path("model").isTextual() && !body.get("model").asText().isBlank()
        ? cap(body.get("model").asText(), 200) : configuredModel;
    return new Line(id, new LlmResponse(answer, new TokenUsage(in, out), PriceTable.batchTier(model), 1, false), "", "");
  }

  private static String text(JsonNode node, String fallback) {
    return node.isTextual() && !node.asText().isBlank() ? cap(node.asText(), 100) : fallback;
  }

  private static String message(JsonNode node, Redactor redactor) {
    return node.isTextual() ? cap(redactor.redact(node.asText()), MAX_MESSAGE_CHARS) : "";
  }

  static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
