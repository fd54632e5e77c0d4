package dev.agp.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.testing.BuiltInPrompts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible server on loopback ({@code POST /v1/chat/completions}) that answers with
 * any {@link LlmClient} (the simulated LLM in the benchmarks) after an injected latency, and
 * fails a share of requests with HTTP 503. The stage of each request is recognised from the
 * blocks of the SDK's built-in prompts ({@link BuiltInPrompts}). Latencies and faults are drawn from one seeded stream.
 */
public final class LatencyServer implements AutoCloseable {

  static {
    // the JDK server writes headers and body separately: without TCP_NODELAY each exchange meets the
    // client's delayed ACK (~40 ms on Linux loopback)
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long the server takes to answer. */
  public interface Latency {
    /** The next latency, drawn from {@code random}. */
    Duration next(SplittableRandom random);

    /** The same latency every time. */
    public static Latency fixed(Duration d) {
      return r -> d;
    }

    /** Log-normal around {@code median} with shape {@code sigma}: a long right tail like real APIs. */
    public static Latency logNormal(Duration median, double sigma) {
      return r -> {
        double u1 = Math.max(1e-12, r.nextDouble());
        double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
        return Duration.ofNanos(Math.round(median.toNanos() * Math.exp(sigma * z)));
      };
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final LlmClient answers;
  private final Latency latency;
  private final double faultRate;
  private final SplittableRandom random;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger faults = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final @Nullable String apiKey;

  private LatencyServer(LlmClient answers, Latency latency, double faultRate, long seed, @Nullable String apiKey)
      throws IOException {
    this.apiKey = apiKey;
    this.answers = answers;
    this.latency = latency;
    this.faultRate = faultRate;
    this.random = new SplittableRandom(seed);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.createContext("/v1/chat/completions", this::exchange);
    server.setExecutor(pool);
    server.start();
  }

  /**
   * A server on a free loopback port answering with {@code answers} after {@code latency}, failing
   * a {@code faultRate} share of requests with HTTP 503 (seeded).
   *
   * @throws IOException if the server cannot bind
   */
  public static LatencyServer start(LlmClient answers, Latency latency, double faultRate, long seed) throws IOException {
    return new LatencyServer(answers, latency, faultRate, seed, null);
  }

  /**
   * The same server, answering HTTP 401 (counted in {@link #unauthorized()}) to any request whose
   * {@code Authorization} header is not {@code Bearer apiKey}.
   *
   * @throws IOException if the server cannot bind
   */
  public static LatencyServer start(LlmClient answers, Latency latency, double faultRate, long seed, String apiKey)
      throws IOException {
    return new LatencyServer(answers, latency, faultRate, seed, apiKey);
  }

  /** The URL {@code /chat/completions} is appended to. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Requests received. */
  public int requests() {
    return requests.get();
  }

  /** Requests failed on purpose. */
  public int faults() {
    return faults.get();
  }

  /** Requests refused for a missing or wrong key. */
  public int unauthorized() {
    return unauthorized.get();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void exchange(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try {
      if (apiKey != null && !("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        unauthorized.incrementAndGet();
        write(ex, 401, "{\"error\":{\"message\":\"invalid api key\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      Duration wait;
      boolean fault;
      synchronized (random) {
        wait = latency.next(random);
        fault = random.nextDouble() < faultRate;
      }
      Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
      if (fault) {
        faults.incrementAndGet();
        write(ex, 503, "{\"error\":{\"message\":\"injected fault\",\"type\":\"server_error\"}}");
        return;
      }
      LlmRequest request = request(body);
      LlmResponse answer = answers.complete(request);
      ObjectNode out = JSON.createObjectNode();
      out.put("id", "chatcmpl-bench").put("object", "chat.completion").put("created", 0).put("model", answer.model());
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
      write(ex, 500, "{\"error\":{\"message\":\"benchmark server failed\"}}");
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

  static LlmRequest request(JsonNode body) {
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
