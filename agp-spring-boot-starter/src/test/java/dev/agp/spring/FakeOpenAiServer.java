package dev.agp.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.llm.Stage;
import dev.agp.testing.BuiltInPrompts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible server on loopback for the starter's tests: PROFILE requests get a fixed
 * profile, RERANK requests the candidates' labels in reverse order. It counts requests per stage
 * (recognised from the SDK's built-in prompts) and remembers the Authorization headers.
 */
final class FakeOpenAiServer implements AutoCloseable {

  static {
    // without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  static final String MODEL = "fake-gpt";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL = Pattern.compile("(?m)^\\[([A-Z]{1,2})] ");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Map<Stage, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

  private FakeOpenAiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/v1/chat/completions", this::exchange);
    server.setExecutor(pool);
    server.start();
  }

  static FakeOpenAiServer start() throws IOException {
    return new FakeOpenAiServer();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int count(Stage stage) {
    AtomicInteger c = counts.get(stage);
    return c == null ? 0 : c.get();
  }

  int total() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void exchange(HttpExchange ex) throws IOException {
    try {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      String system = "";
      String user = "";
      for (JsonNode m : body.path("messages")) {
        if (m.path("role").asText().equals("system")) {
          system = m.path("content").asText("");
        } else {
          user = m.path("content").asText("");
        }
      }
      Stage stage = BuiltInPrompts.stageOf(system, user);
      counts.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
      String content = switch (stage) {
        case PROFILE -> "Likes slow, quiet dramas.";
        case RERANK, RPP_RANK -> ranking(user);
        default -> "ok";
      };
      ObjectNode out = JSON.createObjectNode();
      out.put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 0).put("model", MODEL);
      ObjectNode choice = out.putArray("choices").addObject();
      choice.put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", content);
      out.putObject("usage").put("prompt_tokens", user.length() / 4).put("completion_tokens", content.length() / 4)
          .put("total_tokens", user.length() / 4 + content.length() / 4);
      byte[] b = JSON.writeValueAsBytes(out);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    } catch (RuntimeException e) {
      byte[] b = ("{\"error\":{\"message\":\"" + e.getClass().getSimpleName() + "\"}}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, b.length);
      ex.getResponseBody().write(b);
    } finally {
      ex.close();
    }
  }

  private static String ranking(String user) {
    List<String> labels = new ArrayList<>();
    Matcher m = LABEL.matcher(user);
    while (m.find()) {
      labels.add(0, m.group(1));
    }
    return "<ranking>" + String.join(", ", labels) + "</ranking>";
  }
}
