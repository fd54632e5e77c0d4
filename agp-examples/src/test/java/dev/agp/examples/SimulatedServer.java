package dev.agp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.eval.data.Datasets;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.testing.OpenAiWire;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
      LlmRequest request = OpenAiWire.request(body);
      if (refuse.test(request)) {
        refused.incrementAndGet();
        OpenAiWire.send(ex, 400, "{\"error\":{\"message\":\"refused by the test server\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      LlmResponse answer = llm.complete(request);
      requests.incrementAndGet();
      OpenAiWire.send(ex, 200, OpenAiWire.completion(answer));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      OpenAiWire.send(ex, 503, "{\"error\":{\"message\":\"server stopping\"}}");
    } catch (RuntimeException e) {
      OpenAiWire.send(ex, 500, "{\"error\":{\"message\":\"test server failed\"}}");
    } finally {
      ex.close();
    }
  }
}
