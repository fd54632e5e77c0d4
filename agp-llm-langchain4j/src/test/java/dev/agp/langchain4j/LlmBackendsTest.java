package dev.agp.langchain4j;

import static dev.agp.langchain4j.LangChain4jLlmClientTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.testing.NullPointerTester;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.langchain4j.LoopbackServer.Reply;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Sleeper;
import dev.agp.llm.Stage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backends with the whole stack, over the real OpenAiChatModel and real HTTP. */
class LlmBackendsTest {

  private LoopbackServer server;
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  private final Sleeper recording = sleeps::add;

  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmBackends.Builder backend() {
    return LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "gpt-4o-mini")
        .sleeper(recording).random(new Random(5)).timeout(Duration.ofSeconds(5));
  }

  /** Replies in order, then answers "ok". */
  private void script(Reply... replies) {
    Deque<Reply> queue = new ArrayDeque<>(List.of(replies));
    server.handler(r -> {
      synchronized (queue) {
        Reply next = queue.poll();
        return next != null ? next : LoopbackServer.answer(r, "ok");
      }
    });
  }

  private static LlmRequest request(String text) {
    return LlmRequest.of(Stage.RERANK, "system", text);
  }

  @Test
  void complete_429WithRetryAfterThen200_waitsTheRetryAfterAndCountsTheRetry() {
    script(new Raw(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "2")));
    LlmUsageMeter meter = new LlmUsageMeter();

    LlmResponse r = backend().meter(meter).build().complete(request("q"));

    assertThat(r.text()).isEqualTo("ok");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(server.received()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    assertThat(meter.snapshot().stage(Stage.RERANK).retries()).isEqualTo(1);
  }

  @Test
  void complete_429WithAnHttpDate_waitsUntilThatDate() {
    Instant now = Instant.parse("2026-01-01T10:00:00Z");
    script(new Raw(429, "{}", Map.of("Retry-After", "Thu, 01 Jan 2026 10:00:05 GMT")));

    backend().clock(Clock.fixed(now, ZoneOffset.UTC)).build().complete(request("q"));

    assertThat(sleeps).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void complete_500Then503Then200_retriesTwice() {
    script(new Raw(500, "{}", Map.of()), new Raw(503, "{}", Map.of()));

    LlmResponse r = backend().build().complete(request("q"));

    assertThat(r.attempts()).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void complete_503UntilAttemptsRunOut_throwsRetriableWithTheAttempts() {
    server.handler(r -> new Raw(503, "{}", Map.of()));

    LlmRetriableException e = catchThrowableOfType(
        LlmRetriableException.class, () -> backend().maxAttempts(3).build().complete(request("q")));

    assertThat(e.attempt()).isEqualTo(3);
    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(server.received()).isEqualTo(3);
  }

  @Test
  void complete_401_isNotRetried() {
    server.handler(r -> new Raw(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}", Map.of()));

    LlmNonRetriableException e = catchThrowableOfType(
        LlmNonRetriableException.class, () -> backend().build().complete(request("q")));

    assertThat(server.received()).isEqualTo(1);
    assertThat(e.statusCode()).isEqualTo(401);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void complete_hangsThenAnswer_timesOutAndRetries() {
    script(new LoopbackServer.Hang(Duration.ofSeconds(2), new Raw(200, "{}", Map.of())));

    LlmResponse r = backend().timeout(Duration.ofMillis(300)).build().complete(request("q"));

    assertThat(r.text()).isEqualTo("ok");
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void complete_manyCallersAtOnce_keepsCallsInFlightWithinTheBound() throws Exception {
    server.handler(r -> {
      Thread.sleep(40);
      return LoopbackServer.answer(r, "slow " + r.request().lastUserText());
    });
    LlmClient c = backend().maxConcurrentCalls(3).build();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<LlmResponse>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String q = "q" + i;
        futures.add(pool.submit(() -> c.complete(request(q))));
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get(30, TimeUnit.SECONDS).text()).isEqualTo("slow q" + i);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(server.received()).isEqualTo(20);
    assertThat(server.mostInFlight()).isBetween(1, 3);
  }

  @Test
  void complete_afterARestartWithTheSameCacheDirectory_answersFromTheCacheWithoutARequest() throws IOException {
    backend().cacheDirectory(dir).build().complete(request("remember me"));
    int before = server.received();

    LlmResponse again = backend().cacheDirectory(dir).build().complete(request("remember me"));

    assertThat(server.received()).isEqualTo(before);
    assertThat(again.cached()).isTrue();
    assertThat(again.text()).isEqualTo("ok");
    assertThat(Files.readString(dir.resolve(LlmResponseCache.FILE_NAME))).doesNotContain(KEY);
  }

  @Test
  void deepSeek_jsonRequest_usesTheDeepSeekModelAndJsonModeNotASchema() throws Exception {
    // a DeepSeek key never leaves api.deepseek.com: the loopback server gets its own key
    LlmClient c = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "deepseek-chat")
        .httpVersion(HttpClient.Version.HTTP_1_1).build();

    c.complete(request("reply in json").withJson(true));

    var body = LoopbackServer.JSON.readTree(server.log().get(0).body());
    assertThat(body.path("model").asText()).isEqualTo("deepseek-chat");
    assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(body.path("response_format").has("json_schema")).isFalse();
  }

  @Test
  void deepSeekAndOpenAi_defaultBaseUrls_areTheProviders() {
    assertThat(LlmBackends.DEEPSEEK_BASE_URL).isEqualTo("https://api.deepseek.com/v1");
    assertThat(LlmBackends.OPENAI_BASE_URL).isEqualTo("https://api.openai.com/v1");
  }

  @Test
  void failures_withTheServerEchoingTheKey_neverShowTheKeyInLogsOrExceptions() {
    String echo = "{\"error\":{\"message\":\"bad key " + KEY + "\"}}";
    List<Throwable> thrown = new ArrayList<>();
    String logs;
    try (CapturedErr err = new CapturedErr()) {
      script(new Raw(500, echo, Map.of()), new Raw(429, echo, Map.of("Retry-After", "0")),
          new Raw(503, echo, Map.of()), new Raw(401, echo, Map.of()), new Raw(404, echo, Map.of()));
      LlmClient c = backend().build();
      thrown.add(catchThrowableOfType(LlmException.class, () -> c.complete(request("a"))));
      thrown.add(catchThrowableOfType(LlmException.class, () -> c.complete(request("b"))));
      server.handler(r -> new Raw(503, echo, Map.of()));
      thrown.add(catchThrowableOfType(LlmException.class, () -> backend().maxAttempts(2).build().complete(request("c"))));
      logs = err.text();
    }

    assertThat(thrown).hasSize(3).doesNotContainNull();
    assertThat(logs).contains("retrying").doesNotContain(KEY);
    for (Throwable t : thrown) {
      assertThat(CapturedErr.printed(t)).doesNotContain(KEY);
    }
  }

  @Test
  void fromEnvironment_nothingSet_listsTheVariables() {
    assertThatThrownBy(() -> LlmBackends.builderFromEnvironment(Map.of("OPENAI_API_KEY", "  ")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OPENAI_API_KEY")
        .hasMessageContaining("DEEPSEEK_API_KEY")
        .hasMessageContaining("AGP_BASE_URL")
        .hasMessageContaining("AGP_MODEL");
  }

  @Test
  void fromEnvironment_baseUrlWithoutModel_says() {
    assertThatThrownBy(() -> LlmBackends.builderFromEnvironment(Map.of("AGP_BASE_URL", server.baseUrl())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AGP_MODEL");
  }

  @Test
  void fromEnvironment_baseUrlAndModel_talkToThatServerWithThatModel() throws Exception {
    LlmClient c = LlmBackends.builderFromEnvironment(Map.of(
        "AGP_BASE_URL", server.baseUrl(), "AGP_MODEL", "llama3.1", "DEEPSEEK_API_KEY", "ignored")).build();

    c.complete(request("q"));

    assertThat(LoopbackServer.JSON.readTree(server.log().get(0).body()).path("model").asText()).isEqualTo("llama3.1");
    assertThat(server.log().get(0).authorization()).isEmpty();
  }

  @Test
  void fromEnvironment_keys_chooseOpenAiBeforeDeepSeek() {
    // the chat models are only built, never called
    assertThat(LlmBackends.builderFromEnvironment(Map.of("OPENAI_API_KEY", "k1", "DEEPSEEK_API_KEY", "k2"))
            .chatModel().defaultRequestParameters().modelName())
        .isEqualTo(LlmBackends.DEFAULT_OPENAI_MODEL);
    assertThat(LlmBackends.builderFromEnvironment(Map.of("DEEPSEEK_API_KEY", "k2", "AGP_MODEL", "deepseek-reasoner"))
            .chatModel().defaultRequestParameters().modelName())
        .isEqualTo("deepseek-reasoner");
  }

  @Test
  void builders_badArguments_throwNamingTheArgument() {
    new NullPointerTester().testAllPublicStaticMethods(LlmBackends.class);
    new NullPointerTester().testAllPublicInstanceMethods(LlmBackends.openAiBuilder("k", "m"));
    assertThatThrownBy(() -> LlmBackends.openAi(" ", "gpt-4o")).hasMessageContaining("apiKey");
    assertThatThrownBy(() -> LlmBackends.openAi("k", "")).hasMessageContaining("model");
    assertThatThrownBy(() -> LlmBackends.openAiCompatible("localhost:8080", "", "m")).hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> LlmBackends.openAiBuilder("k", "m").timeout(Duration.ZERO)).hasMessageContaining("timeout");
    assertThatThrownBy(() -> LlmBackends.openAiBuilder("k", "m").maxAttempts(0)).hasMessageContaining("maxAttempts");
  }
}
