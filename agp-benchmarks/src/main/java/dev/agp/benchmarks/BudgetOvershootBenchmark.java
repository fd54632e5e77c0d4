package dev.agp.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far token and money budgets overshoot what a provider bills, over real HTTP with the real
 * LangChain4j client: 64 concurrent callers spend a budget on CJK (or English) prompts against a
 * loopback server that bills like a provider — prompt tokens by its own tokenizer, the full output
 * cap, at the price of the model that answered (it answers {@code gpt-4o} to requests for {@code
 * gpt-4o-mini} in the pricier scenarios), and every eighth request although it answers after the
 * client's timeout. The server's ledger is the truth; the figure is billed / limit.
 *
 * <p>It uses only API that existed before the budget hardening, and installs the exact OpenAI
 * tokenizer by reflection when this build has one, so the same source runs against an older
 * build for a before/after comparison.
 *
 * <p>Run: {@code java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.BudgetOvershootBenchmark}
 */
public final class BudgetOvershootBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CALLERS = 64;
  private static final String CJK =
      "用户喜欢科幻电影和悬疑小说，尤其是宫崎骏的作品。ユーザーはアニメと時代劇が好きです。사용자는 한국 영화를 좋아합니다。";
  private static final String ENGLISH =
      "The user likes science fiction films and mystery novels, especially the works of Miyazaki. ";

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private BudgetOvershootBenchmark() {}

  /** One scenario: what is limited, the prompts, the server's tokenizer and answering model, the client's counter. */
  record Scenario(String name, long maxTokens, BigDecimal maxUsd, String text, EncodingType serverTokenizer,
      String answeringModel, boolean exactCounter) {}

  /** What the server billed. */
  static final class Ledger {
    final AtomicLong tokens = new AtomicLong();
    final AtomicReference<BigDecimal> cost = new AtomicReference<>(BigDecimal.ZERO);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger late = new AtomicInteger();
  }

  public static void main(String[] args) throws Exception {
    List<Scenario> scenarios = List.of(
        new Scenario("tokens, CJK, server o200k", 50_000, null, CJK, EncodingType.O200K_BASE, "gpt-4o-mini", true),
        new Scenario("tokens, CJK, server o200k, default counter", 50_000, null, CJK, EncodingType.O200K_BASE,
            "gpt-4o-mini", false),
        new Scenario("tokens, CJK, server cl100k, default counter", 50_000, null, CJK, EncodingType.CL100K_BASE,
            "gpt-4o-mini", false),
        new Scenario("USD, CJK, answered by gpt-4o", 0, new BigDecimal("0.20"), CJK, EncodingType.O200K_BASE,
            "gpt-4o", true),
        new Scenario("USD, English, answered by gpt-4o", 0, new BigDecimal("0.20"), ENGLISH, EncodingType.O200K_BASE,
            "gpt-4o", true),
        new Scenario("tokens, English, server o200k", 50_000, null, ENGLISH, EncodingType.O200K_BASE, "gpt-4o-mini",
            true));
    System.out.println("| scenario | counter | limit | billed by the server | billed / limit | charged by the budget "
        + "| requests | answered late (billed) | callers refused |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Scenario s : scenarios) {
      run(s);
    }
  }

  private static void run(Scenario s) throws Exception {
    Ledger ledger = new Ledger();
    Encoding tokenizer = Encodings.newLazyEncodingRegistry().getEncoding(s.serverTokenizer());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    ExecutorService serverPool = Executors.newCachedThreadPool();
    server.setExecutor(serverPool);
    server.createContext("/v1/chat/completions", ex -> answer(ex, s, tokenizer, ledger));
    server.start();
    LlmBudget budget = s.maxUsd() == null ? LlmBudget.ofTokens(s.maxTokens()) : LlmBudget.ofCost(s.maxUsd());
    String counter = "chars / 3 (this build has no token counter)";
    try {
      LlmBackends.Builder b = LlmBackends.openAiCompatibleBuilder(
              "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "bench-key", "gpt-4o-mini")
          .budget(budget).prices(PriceTable.defaults()).maxConcurrentCalls(CALLERS)
          .timeout(Duration.ofMillis(400)).maxAttempts(2)
          .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(10));
      counter = installCounter(b, s.exactCounter()).orElse(counter);
      int refused = spend(b.build(), s.text());
      String limit = s.maxUsd() == null ? s.maxTokens() + " tokens" : s.maxUsd().toPlainString() + " USD";
      String billed = s.maxUsd() == null ? ledger.tokens.get() + " tokens"
          : ledger.cost.get().setScale(4, RoundingMode.HALF_UP).toPlainString() + " USD";
      double ratio = s.maxUsd() == null ? (double) ledger.tokens.get() / s.maxTokens()
          : ledger.cost.get().doubleValue() / s.maxUsd().doubleValue();
      String charged = s.maxUsd() == null ? budget.spentTokens() + " tokens"
          : budget.spentCost().setScale(4, RoundingMode.HALF_UP).toPlainString() + " USD";
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %s | %d | %d | %d |%n", s.name(), counter, limit,
          billed, ratio, charged, ledger.requests.get(), ledger.late.get(), refused);
    } finally {
      server.stop(0);
      serverPool.shutdownNow();
    }
  }

  /** The exact OpenAI tokenizer, or the UTF-8 bound, when this build has token counters; by reflection. */
  private static Optional<String> installCounter(LlmBackends.Builder b, boolean exact) {
    try {
      Class<?> port = Class.forName("dev.agp.llm.TokenCounter");
      Object counter;
      String name;
      if (exact) {
        Class<?> openAi = Class.forName("dev.agp.langchain4j.OpenAiTokenCounter");
        counter = ((Optional<?>) openAi.getMethod("forModel", String.class).invoke(null, "gpt-4o-mini")).orElseThrow();
        name = "jtokkit o200k";
      } else {
        counter = port.getMethod("utf8Bound").invoke(null);
        name = "UTF-8 bound (default)";
      }
      Method set = LlmBackends.Builder.class.getMethod("tokenCounter", port);
      set.invoke(b, counter);
      return Optional.of(name);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LlmRequest request(String text, int i) {
    return new LlmRequest(
        List.of(LlmMessage.system("You rank candidate films for one user."), LlmMessage.user(text.repeat(1 + i % 6))),
        Stage.RERANK, 0, OptionalInt.of(300), false);
  }

  /** 64 callers call until the budget refuses each; returns how many were refused. */
  private static int spend(LlmClient client, String text) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < CALLERS; t++) {
        int first = t;
        all.add(pool.submit(() -> {
          for (int i = first; ; i += CALLERS) {
            try {
              client.complete(request(text, i));
            } catch (LlmBudgetExceededException e) {
              refused.incrementAndGet();
              return;
            } catch (LlmException e) {
              // timed out after the retries: the caller goes on
            }
          }
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return refused.get();
  }

  /** Bills the request like a provider and answers, every eighth one after the client's timeout. */
  private static void answer(HttpExchange ex, Scenario s, Encoding tokenizer, Ledger ledger) throws IOException {
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      long prompt = 3;
      for (JsonNode m : body.path("messages")) {
        prompt += 3 + tokenizer.countTokensOrdinary(m.path("role").asText())
            + tokenizer.countTokensOrdinary(m.path("content").asText());
      }
      int completion = body.path("max_tokens").asInt(4096);
      TokenUsage usage = new TokenUsage(prompt, completion);
      ledger.tokens.addAndGet(usage.totalTokens());
      BigDecimal cost = PriceTable.defaults().priceOf(s.answeringModel()).orElseThrow().cost(usage);
      ledger.cost.accumulateAndGet(cost, BigDecimal::add);
      if (ledger.requests.incrementAndGet() % 8 == 0) {
        ledger.late.incrementAndGet();
        Thread.sleep(700);
      }
      ObjectNode root = JSON.createObjectNode();
      root.put("id", "chatcmpl-bench").put("object", "chat.completion").put("created", 1_700_000_000L)
          .put("model", s.answeringModel());
      ObjectNode choice = root.putArray("choices").addObject();
      choice.put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", "<ranking>A, B</ranking>");
      root.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
          .put("total_tokens", prompt + completion);
      byte[] out = JSON.writeValueAsBytes(root);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, out.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client gave up (timeout): the request stays billed
    }
  }
}
