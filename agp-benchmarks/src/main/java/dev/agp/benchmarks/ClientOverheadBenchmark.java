package dev.agp.benchmarks;

import dev.agp.langchain4j.LangChain4jLlmClient;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call overhead of the client stack against a zero-latency loopback server: LangChain4j's
 * OpenAI client alone ({@link LangChain4jLlmClient}), the whole {@link LlmBackends} stack (retries,
 * limits, an in-memory response cache that misses), a cache hit through that stack, and the same
 * decorators alone over an in-process backend. Each request differs (a counter in the text) so
 * the cache misses, except in the cache-hit benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientOverheadBenchmark {

  private LatencyServer server;
  private LlmClient adapter;
  private LlmClient stack;
  private LlmClient decoratorsOnly;
  private final AtomicLong counter = new AtomicLong();
  private LlmRequest repeated;

  @Setup(Level.Trial)
  public void start() throws IOException {
    LlmClient echo = r -> LlmResponse.of("<ranking>A, B, C</ranking>", new TokenUsage(100, 10));
    server = LatencyServer.start(echo, LatencyServer.Latency.fixed(Duration.ZERO), 0, 1);
    adapter = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), "benchmark-key", "bench").maxAttempts(1).build();
    stack = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), "benchmark-key", "bench")
        .requestsPerMinute(1_000_000_000L).tokensPerMinute(1_000_000_000_000L).cache(LlmResponseCache.inMemory()).build();
    decoratorsOnly = LlmClients.builder(echo).model("bench").requestsPerMinute(1_000_000_000L)
        .tokensPerMinute(1_000_000_000_000L).cache(LlmResponseCache.inMemory()).build();
    repeated = request(-1);
    stack.complete(repeated);
  }

  @TearDown(Level.Trial)
  public void stop() {
    server.close();
  }

  private static LlmRequest request(long n) {
    return LlmRequest.of(Stage.RERANK, "You rank candidate movies for one user.",
        "The user's profile: likes thrillers. Request " + n + ". Candidates: [A] Heat [B] Up [C] Ronin");
  }

  @Benchmark
  public LlmResponse httpThroughAdapterWithoutRetries() {
    return adapter.complete(request(counter.incrementAndGet()));
  }

  @Benchmark
  public LlmResponse httpThroughWholeStack() {
    return stack.complete(request(counter.incrementAndGet()));
  }

  @Benchmark
  public LlmResponse cacheHitThroughWholeStack() {
    return stack.complete(repeated);
  }

  @Benchmark
  public LlmResponse decoratorsOverInProcessBackend() {
    return decoratorsOnly.complete(request(counter.incrementAndGet()));
  }
}
