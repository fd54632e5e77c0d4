package dev.agp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * OpenAI's {@code /chat/completions} JSON as a fake server reads and writes it: the request body
 * turned into an {@link LlmRequest} (its stage recognised by {@link BuiltInPrompts}, since the
 * stage is not sent over the wire) and an answer turned into a completion with token usage, so
 * that any {@code LlmClient} can stand behind a loopback HTTP endpoint.
 */
public final class OpenAiWire {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiWire() {}

  /** The request a {@code /chat/completions} body describes. */
  public static LlmRequest request(JsonNode body) {
    List<LlmMessage> messages = new ArrayList<>();
    String system = "";
    for (JsonNode m : body.path("messages")) {
      String text = m.path("content").asText("");
      switch (m.path("role").asText()) {
        case "system" -> {
          messages.add(LlmMessage.system(text));
          system = text;
        }
        case "assistant" -> messages.add(LlmMessage.assistant(text));
        default -> messages.add(LlmMessage.user(text));
      }
    }
    String user = messages.isEmpty() ? "" : messages.get(messages.size() - 1).text();
    OptionalInt max = body.has("max_tokens") ? OptionalInt.of(body.get("max_tokens").asInt()) : OptionalInt.empty();
    return new LlmRequest(messages.isEmpty() ? List.of(LlmMessage.user("")) : messages, BuiltInPrompts.stageOf(system, user),
        body.path("temperature").asDouble(0), max, false);
  }

  /** A {@code chat.completion} document answering with {@code answer}'s text, model and token usage. */
  public static String completion(LlmResponse answer) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 0).put("model", answer.model());
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0).put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", answer.text());
    out.putObject("usage").put("prompt_tokens", answer.usage().inputTokens())
        .put("completion_tokens", answer.usage().outputTokens()).put("total_tokens", answer.usage().totalTokens());
    return out.toString();
  }

  /** Sends {@code json} as the response to {@code exchange}, with its length and content type. */
  public static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, b.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(b);
    }
  }
}
