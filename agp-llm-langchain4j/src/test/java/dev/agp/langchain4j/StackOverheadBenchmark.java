package dev.agp.langchain4j;

import dev.agp.testing.FakeKeys;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the client stack costs per call against a zero-latency loopback server: the bare
 * LangChain4j adapter against the adapter with every layer on (meter, cache miss, budget, retry,
 * rate limits, concurrency bound), with the cache in memory and on disk; a cache hit; and the
 * layers alone over an in-process backend. Single caller, calls interleaved in rounds.
 *
 * <p>Not a unit test (its name does not end in Test). Run it with
 *
 * <pre>
 * mvn -B -ntp -pl agp-llm-langchain4j -am test -Djacoco.skip=true \
 *     -Dtest=StackOverheadBenchmark -Dsurefire.failIfNoSpecifiedTests=false [-Dcalls=5000]
 * </pre>
 */
class StackOverheadBenchmark {

  private static final String KEY = FakeKeys.of("bench");

  @Test
  void measure() throws Exception {
    int calls = Integer.getInteger("calls", 5000);
    int warmup = Math.max(500, calls / 5);
    Path dir = Files.createTempDirectory("agp-bench");
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "<ranking>A, B, C</ranking>"))) {
      LlmBackends.Builder http = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "gpt-4o-mini");
      LlmClient bare = LangChain4jLlmClient.of(http.chatModel(), Redactor.of(KEY));
      Map<String, LlmClient> clients = new LinkedHashMap<>();
      clients.put("adapter alone (HTTP)", bare);
      clients.put("full stack, memory cache miss (HTTP)", full(LlmClients.builder(bare), LlmResponseCache.inMemory()));
      clients.put("full stack, disk cache miss (HTTP)", full(LlmClients.builder(bare), LlmResponseCache.onDisk(dir)));
      LlmClient hit = full(LlmClients.builder(bare), LlmResponseCache.inMemory());
      hit.complete(request(-1));
      clients.put("full stack, cache hit", r -> hit.complete(request(-1)));
      LlmClient inProcess = r -> new LlmResponse("<ranking>A, B, C</ranking>", new TokenUsage(50, 8), "gpt-4o-mini", 1, false);
      clients.put("in-process backend alone", inProcess);
      clients.put("full stack, memory cache miss (in-process)", full(LlmClients.builder(inProcess), LlmResponseCache.inMemory()));

      Map<String, long[]> nanos = new LinkedHashMap<>();
      clients.keySet().forEach(k -> nanos.put(k, new long[calls]));
      int id = 0;
      List<Map.Entry<String, LlmClient>> order = new ArrayList<>(clients.entrySet());
      for (int i = 0; i < warmup + calls; i++) {
        for (int j = 0; j < order.size(); j++) {
          // rotate the order every round so that no client always runs first
          Map.Entry<String, LlmClient> c = order.get((i + j) % order.size());
          LlmRequest r = request(id++);
          long start = System.nanoTime();
          c.getValue().complete(r);
          long took = System.nanoTime() - start;
          if (i >= warmup) {
            nanos.get(c.getKey())[i - warmup] = took;
          }
        }
      }
      List<String> lines = new ArrayList<>();
      lines.add(String.format(Locale.ROOT, "%-44s %10s %10s", "client (" + calls + " calls each)", "median us", "p99 us"));
      nanos.forEach((k, v) -> lines.add(String.format(Locale.ROOT, "%-44s %10.1f %10.1f", k, q(v, 0.5), q(v, 0.99))));
      long[] layers = nanos.get("full stack, memory cache miss (in-process)");
      long[] alone = nanos.get("in-process backend alone");
      lines.add(String.format(Locale.ROOT,
          "the layers' own cost per call (in-process stack minus in-process backend): median %.1f us, p99 %.1f us",
          q(layers, 0.5) - q(alone, 0.5), q(layers, 0.99) - q(alone, 0.99)));
      String adapter = "adapter alone (HTTP)";
      lines.add(String.format(Locale.ROOT,
          "over HTTP, full stack minus adapter: memory cache median %+.1f us, disk cache median %+.1f us",
          q(nanos.get("full stack, memory cache miss (HTTP)"), 0.5) - q(nanos.get(adapter), 0.5),
          q(nanos.get("full stack, disk cache miss (HTTP)"), 0.5) - q(nanos.get(adapter), 0.5)));
      System.out.println(String.join("\n", lines));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary folder
      }
    }
  }

  private static LlmClient full(LlmClients.Builder b, LlmResponseCache cache) {
    return b.model("gpt-4o-mini")
        .meter(new LlmUsageMeter())
        .cache(cache)
        .budget(LlmBudget.ofTokens(Long.MAX_VALUE / 2))
        .maxAttempts(5)
        .requestsPerMinute(1_000_000_000L)
        .tokensPerMinute(1_000_000_000_000L)
        .maxConcurrentCalls(16)
        .build();
  }

  private static LlmRequest request(int id) {
    return LlmRequest.of(Stage.RERANK, "You rank candidates.", "Rank these for user " + id + ": [A] x [B] y [C] z")
        .withMaxOutputTokens(50);
  }

  private static double q(long[] v, double quantile) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(quantile * s.length) - 1)] / 1000.0;
  }

  public static void main(String[] args) throws Exception {
    new StackOverheadBenchmark().measure();
  }
}
