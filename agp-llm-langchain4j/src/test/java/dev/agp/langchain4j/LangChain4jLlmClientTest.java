package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.testing.FakeKeys;
import dev.agp.langchain4j.LoopbackServer.Answer;
import dev.agp.langchain4j.LoopbackServer.Hang;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.langchain4j.LoopbackServer.Reply;
import dev.agp.langchain4j.LoopbackServer.Reset;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.LlmClientContractTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter alone (one attempt, no stack) over the real OpenAiChatModel and real HTTP. */
class LangChain4jLlmClientTest extends LlmClientContractTest {

  static final String KEY = FakeKeys.of("test-SECRET");

  private LoopbackServer server;

  @BeforeEach
  void start() throws IOException {
    server = LoopbackServer.start(r -> LoopbackServer.answer(r, "unset"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmClient adapter(Duration timeout) {
    return LangChain4jLlmClient.of(
        LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "gpt-4o-mini").timeout(timeout).chatModel(),
        Redactor.of(KEY));
  }

  private LlmClient adapter() {
    return adapter(Duration.ofSeconds(10));
  }

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    server.handler(r -> LoopbackServer.answer(r, answer.apply(r.request())));
    return adapter();
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    server.handler(r -> retriable
        ? new Raw(503, "{\"error\":{\"message\":\"overloaded\"}}", Map.of())
        : new Raw(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}", Map.of()));
    return adapter();
  }

  private LlmException failureFor(Reply reply) {
    server.handler(r -> reply);
    return catchThrowableOfType(LlmException.class, () -> adapter(Duration.ofMillis(500)).complete(request(Stage.RERANK, "q")));
  }

  @Test
  void complete_success_mapsTextUsageAndModel() {
    server.handler(r -> new Answer("<ranking>B, A</ranking>", 123, 7, "gpt-4o-mini-2024-07-18", "stop"));

    LlmResponse r = adapter().complete(request(Stage.RERANK, "rank"));

    assertThat(r.text()).isEqualTo("<ranking>B, A</ranking>");
    assertThat(r.usage().inputTokens()).isEqualTo(123);
    assertThat(r.usage().outputTokens()).isEqualTo(7);
    assertThat(r.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.cached()).isFalse();
  }

  @Test
  void complete_jsonRequest_sendsJsonModeNeverASchemaWithTheOptionsAndTheKeyOnlyInTheHeader() throws Exception {
    server.handler(r -> LoopbackServer.answer(r, "{\"ok\":true}"));

    adapter().complete(request(Stage.SUMMARIZE, "answer in JSON").withJson(true).withTemperature(0.3).withMaxOutputTokens(77));

    LoopbackServer.Received got = server.log().get(0);
    var body = LoopbackServer.JSON.readTree(got.body());
    assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(body.path("response_format").has("json_schema")).isFalse();
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(body.path("max_tokens").asInt()).isEqualTo(77);
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("answer in JSON");
    assertThat(body.has("stream") && body.get("stream").asBoolean()).isFalse();
    assertThat(got.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(got.body()).doesNotContain(KEY);
  }

  @Test
  void complete_plainRequest_sendsNoResponseFormat() throws Exception {
    server.handler(r -> LoopbackServer.answer(r, "ok"));

    adapter().complete(request(Stage.PROFILE, "q"));

    assertThat(LoopbackServer.JSON.readTree(server.log().get(0).body()).has("response_format")).isFalse();
  }

  @Test
  void complete_blankSystemMessage_isLeftOut() throws Exception {
    server.handler(r -> LoopbackServer.answer(r, "ok"));

    adapter().complete(LlmRequest.of(Stage.PROFILE, " ", "only the user speaks"));

    var messages = LoopbackServer.JSON.readTree(server.log().get(0).body()).path("messages");
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
  }

  @Test
  void complete_429_isRetriableWithTheRetryAfterSeconds() {
    LlmException e = failureFor(new Raw(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")));

    assertThat(e).isInstanceOf(LlmRetriableException.class);
    LlmRetriableException r = (LlmRetriableException) e;
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(r.stage()).contains(Stage.RERANK);
    assertThat(r.attempt()).isEqualTo(1);
    assertThat(r.getMessage()).contains("rate limited").contains("slow down");
  }

  @Test
  void complete_429WithRetryAfterMs_prefersTheMilliseconds() {
    LlmException e = failureFor(new Raw(429, "{}", Map.of("Retry-After", "7", "retry-after-ms", "250")));

    assertThat(((LlmRetriableException) e).retryAfter()).contains(Duration.ofMillis(250));
  }

  @Test
  void complete_500And503_areRetriableServerErrors() {
    for (int status : new int[] {500, 502, 503}) {
      LlmException e = failureFor(new Raw(status, "{\"error\":\"down\"}", Map.of()));

      assertThat(e.isRetriable()).isTrue();
      assertThat(((LlmRetriableException) e).statusCode()).isEqualTo(status);
      assertThat(e.getMessage()).contains("HTTP " + status);
    }
  }

  @Test
  void complete_hangBeyondTheTimeout_isARetriableTimeout() {
    LlmException e = failureFor(new Hang(Duration.ofSeconds(3), new Raw(200, "{}", Map.of())));

    assertThat(e.isRetriable()).isTrue();
    assertThat(((LlmRetriableException) e).statusCode()).isZero();
    assertThat(e.getMessage()).contains("timeout");
  }

  @Test
  void complete_truncatedJsonBody_isRetriable() {
    String whole = LoopbackServer.completion(new Answer("cut here", 1, 1, "m", "stop"));

    LlmException e = failureFor(new Raw(200, whole.substring(0, whole.length() / 2), Map.of()));

    assertThat(e.isRetriable()).isTrue();
    assertThat(e.getMessage()).contains("not valid JSON");
  }

  @Test
  void complete_emptyChoices_isRetriable() {
    LlmException e = failureFor(new Raw(200,
        "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":0,\"total_tokens\":1}}", Map.of()));

    assertThat(e.isRetriable()).isTrue();
    assertThat(e.getMessage()).contains("no choices");
  }

  @Test
  void complete_connectionClosedWithoutAnswer_isRetriable() {
    LlmException e = failureFor(new Reset());

    assertThat(e.isRetriable()).isTrue();
  }

  @Test
  void complete_401_403_404_400_areNotRetriable() {
    int[] statuses = {401, 403, 404, 400};
    String[] words = {"authentication", "authentication", "not found", "rejected"};
    for (int i = 0; i < statuses.length; i++) {
      LlmException e = failureFor(new Raw(statuses[i], "{\"error\":{\"message\":\"no\"}}", Map.of()));

      assertThat(e).isInstanceOf(LlmNonRetriableException.class);
      assertThat(((LlmNonRetriableException) e).statusCode()).isEqualTo(statuses[i]);
      assertThat(e.getMessage()).contains(words[i]);
    }
  }

  @Test
  void complete_contentFilterFinish_isNotRetriable() {
    LlmException e = failureFor(new Answer("", 5, 0, "m", "content_filter"));

    assertThat(e).isInstanceOf(LlmNonRetriableException.class);
    assertThat(e.getMessage()).contains("filtered");
  }

  @Test
  void complete_connectionRefused_isRetriable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    LlmClient c = LangChain4jLlmClient.of(
        LlmBackends.openAiCompatibleBuilder("http://127.0.0.1:" + port + "/v1", KEY, "m").chatModel(), Redactor.of(KEY));

    LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request(Stage.PROFILE, "q")));

    assertThat(e.isRetriable()).isTrue();
    assertThat(e.getMessage()).contains("cannot connect");
    assertThat(e.requestSent()).as("a refused connection sent nothing a budget should charge").isFalse();
  }

  @Test
  void complete_serverEchoingTheKey_neverShowsItInTheMessageOrAnyCause() {
    LlmException e = failureFor(new Raw(401,
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ". Authorization: Bearer " + KEY + "\"}}", Map.of()));

    assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("Incorrect API key").contains("not quoted");
    assertThat(CapturedErr.printed(e)).doesNotContain(KEY).contains("AuthenticationException");
  }

  @Test
  void of_genericModel_masksKeyShapedTextsWithoutKnowingTheKey() {
    server.handler(r -> new Raw(500, "{\"error\":\"bad key " + KEY + "\"}", Map.of()));
    LlmClient c = LangChain4jLlmClient.of(
        LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "m").chatModel());

    LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request(Stage.PROFILE, "q")));

    assertThat(CapturedErr.printed(e)).doesNotContain(KEY).doesNotContain(FakeKeys.MARKER);
  }
}
