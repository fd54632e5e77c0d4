package dev.agp.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.BuiltInPrompts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback speaking OpenAI's {@code POST /v1/chat/completions}: it parses
 * each body back into an {@link LlmRequest} (the stage guessed from the prompt's blocks) and
 * answers what its {@link Handler} says, including faults. It counts requests, requests in flight
 * and the bodies it answered with 200. Other endpoints can be {@linkplain #route added} (the Batch
 * API of {@link FakeBatchServer}).
 */
public final class LoopbackServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  static {
    // without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK and every exchange takes about 40 ms; set before the first server starts
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What the server received. */
  record Received(String body, Map<String, List<String>> headers, LlmRequest request, String model, String hash) {
    String authorization() {
      List<String> v = headers.get("Authorization");
      return v == null || v.isEmpty() ? "" : v.get(0);
    }
  }

  /** How to answer. */
  sealed interface Reply {}

  /** A chat completion with usage. */
  record Answer(String content, int promptTokens, int completionTokens, String model, String finishReason)
      implements Reply {}

  /** Any status and body, with extra headers. */
  record Raw(int status, String body, Map<String, String> headers) implements Reply {}

  /** Waits, then answers {@code then} (the client has usually given up by then). */
  record Hang(Duration delay, Reply then) implements Reply {}

  /** Closes the connection without answering. */
  record Reset() implements Reply {}

  /** Chooses the reply. */
  @FunctionalInterface
  interface Handler {
    Reply handle(Received request) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private volatile Handler handler;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final List<Received> log = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> answered = ConcurrentHashMap.newKeySet();

  private LoopbackServer(Handler handler) throws IOException {
    this.handler = handler;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.createContext("/v1/chat/completions", this::exchange);
    server.setExecutor(pool);
    server.start();
  }

  static LoopbackServer start(Handler handler) throws IOException {
    return new LoopbackServer(handler);
  }

  /** Serves {@code path} (and below) with {@code handler} as well. */
  void route(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  /** The base URL, {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  void handler(Handler h) {
    this.handler = h;
  }

  int received() {
    return received.get();
  }

  int mostInFlight() {
    return mostInFlight.get();
  }

  List<Received> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Hashes of the bodies answered with a chat completion. */
  Set<String> answered() {
    return Set.copyOf(answered);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void exchange(HttpExchange ex) throws IOException {
    received.incrementAndGet();
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Received r = parse(body, ex.getRequestHeaders());
      log.add(r);
      Reply reply = handle(r);
      send(ex, reply, r);
    } catch (Exception e) {
      byte[] b = ("{\"error\":{\"message\":\"test server failed: " + e + "\"}}").getBytes(StandardCharsets.UTF_8);
      try {
        ex.sendResponseHeaders(500, b.length);
        ex.getResponseBody().write(b);
      } catch (IOException ignored) {
        // the client is gone
      }
    } finally {
      ex.close();
    }
  }

  /*
   * Calls in flight are counted only while the handler runs: the whole request has arrived and no
   * byte of the answer has left. A client that holds a permit from before it sends until after it
   * has read the answer is therefore inside this window whenever it is counted. Counting the whole
   * exchange instead would overlap the next permit holder's request with this one's last bytes and
   * report one call too many (seen on CI: 4 for a bound of 3).
   */
  private Reply handle(Received r) throws Exception {
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      return handler.handle(r);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void send(HttpExchange ex, Reply reply, Received r) throws Exception {
    if (reply instanceof Hang h) {
      Thread.sleep(h.delay().toMillis());
      send(ex, h.then(), r);
    } else if (reply instanceof Reset) {
      // close without a status line: the client sees the connection end
      ex.close();
    } else if (reply instanceof Raw raw) {
      raw.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      write(ex, raw.status(), raw.body());
    } else if (reply instanceof Answer a) {
      ex.getResponseHeaders().add("Content-Type", "application/json");
      write(ex, 200, completion(a));
      answered.add(r.hash());
    }
  }

  private static void write(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  static String completion(Answer a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-test");
    root.put("object", "chat.completion");
    root.put("created", 1_700_000_000L);
    root.put("model", a.model());
    ArrayNode choices = root.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", a.content());
    choice.put("finish_reason", a.finishReason());
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", a.promptTokens());
    usage.put("completion_tokens", a.completionTokens());
    usage.put("total_tokens", a.promptTokens() + a.completionTokens());
    return root.toString();
  }

  /** An answer with usage of about 4 characters a token, as providers roughly charge. */
  static Answer answer(Received r, String content) {
    return new Answer(content, (r.request().characterCount() + 3) / 4, (content.length() + 3) / 4, r.model(), "stop");
  }

  static Received parse(String body, Map<String, List<String>> headers) throws IOException {
    JsonNode json = JSON.readTree(body);
    List<LlmMessage> messages = new ArrayList<>();
    for (JsonNode m : json.path("messages")) {
      String role = m.path("role").asText();
      String text = m.path("content").asText("");
      messages.add(switch (role) {
        case "system" -> LlmMessage.system(text);
        case "assistant" -> LlmMessage.assistant(text);
        default -> LlmMessage.user(text);
      });
    }
    OptionalInt max = json.has("max_tokens") ? OptionalInt.of(json.get("max_tokens").asInt()) : OptionalInt.empty();
    boolean jsonMode = "json_object".equals(json.path("response_format").path("type").asText());
    LlmRequest provisional = new LlmRequest(
        messages.isEmpty() ? List.of(LlmMessage.user("")) : messages, Stage.PROFILE,
        json.path("temperature").asDouble(0), max, jsonMode);
    LlmRequest request = new LlmRequest(
        provisional.messages(), BuiltInPrompts.stageOf(provisional), provisional.temperature(),
        provisional.maxOutputTokens(), provisional.json());
    String hash = Hashing.sha256().hashString(body, StandardCharsets.UTF_8).toString();
    return new Received(body, Map.copyOf(headers), request, json.path("model").asText(""), hash);
  }

}
