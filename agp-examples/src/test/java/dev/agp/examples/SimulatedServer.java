package dev.agp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.eval.data.Datasets;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.testing.BuiltInPrompts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The simulated LLM behind a real OpenAI-compatible endpoint on loopback ({@code POST
 * /v1/chat/completions}, port chosen by the system), reporting token usage like a real server,
 * optionally after a fixed delay. The CLI reaches it with {@code --backend compatible}, through
 * the real LangChain4j client.
 */
final class SimulatedServer implements AutoCloseable {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  /** The simulated LLM on the bundled catalogue, loaded once for every server. */
  private static final SimulatedLlm LLM =
      SimulatedLlm.of(Catalogue.of(Datasets.movieLens(SampleData.movieLens()).items().values()), "movie");

  private final SimulatedLlm llm = LLM;
  private volatile long delayMillis;
  private volatile Predicate<LlmRequest> refuse = r -> false;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private SimulatedServer(long delayMillis) throws IOException {
    this.delayMillis = delayMillis;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.createContext("/v1/chat/completions", this::exchange);
    server.setExecutor(pool);
    server.start();
  }

  /** A server answering at once. */
  static SimulatedServer start() throws IOException {
    return new SimulatedServer(0);
  }

  /** A server that waits {@code delayMillis} before each answer. */
  static SimulatedServer start(long delayMillis) throws IOException {
    return new SimulatedServer(delayMillis);
  }

  /** The base URL to give {@code --base-url}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Requests answered so far (refused ones not included). */
  int requests() {
    return requests.get();
  }

  /** Requests refused so far. */
  int refused() {
    return refused.get();
  }

  /** From now on, waits {@code millis} before each answer. */
  void delay(long millis) {
    this.delayMillis = millis;
  }

  /** From now on, answers requests matching {@code which} with HTTP 400 (not retried by the client). */
  void refuse(Predicate<LlmRequest> which) {
    this.refuse = which;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void exchange(HttpExchange ex) throws IOException {
    try {
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      LlmRequest request = request(body);
      if (refuse.test(request)) {
        refused.incrementAndGet();
        write(ex, 400, "{\"error\":{\"message\":\"refused by the test server\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      LlmResponse answer = llm.complete(request);
      requests.incrementAndGet();
      ObjectNode out = JSON.createObjectNode();
      out.put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 0).put("model", answer.model());
      ObjectNode choice = out.putArray("choices").addObject();
      choice.put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", answer.text());
      out.putObject("usage").put("prompt_tokens", answer.usage().inputTokens())
          .put("completion_tokens", answer.usage().outputTokens()).put("total_tokens", answer.usage().totalTokens());
      write(ex, 200, JSON.writeValueAsString(out));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      write(ex, 503, "{\"error\":{\"message\":\"server stopping\"}}");
    } catch (RuntimeException e) {
      write(ex, 500, "{\"error\":{\"message\":\"test server failed\"}}");
    } finally {
      ex.close();
    }
  }

  private static void write(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static LlmRequest request(JsonNode body) {
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
}
