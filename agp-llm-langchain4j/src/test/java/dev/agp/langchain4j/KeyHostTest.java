package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.testing.FakeKeys;
import dev.agp.AgpFitException;
import dev.agp.AgpOptimizer;
import dev.agp.UserCase;
import dev.agp.UserFailure;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key belongs to its host: over real loopback HTTP with the real LangChain4j client, a server
 * gets only the key meant for it, and no form of any key — raw, base64, percent-encoded, in another
 * case — reaches an exception, a user failure, a log line, a checkpoint or the response cache.
 */
class KeyHostTest {

  private static final String OPENAI_KEY = FakeKeys.of("proj-OpenAi");
  private static final String DEEPSEEK_KEY = FakeKeys.of("deepSeek");
  private static final String LOCAL_KEY = "local-server-key-41";

  @TempDir Path dir;

  private static LlmRequest request() {
    return LlmRequest.of(Stage.RERANK, "system", "rank these");
  }

  // ---------------------------------------------------------------- keys go to their own host only

  @Test
  void fromEnvironment_compatibleServer_neverReceivesTheOpenAiOrDeepSeekKey() throws IOException {
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"))) {
      LlmClient c = LlmBackends.builderFromEnvironment(Map.of(
          "AGP_BASE_URL", server.baseUrl(), "AGP_MODEL", "llama3.1",
          "OPENAI_API_KEY", OPENAI_KEY, "DEEPSEEK_API_KEY", DEEPSEEK_KEY)).maxAttempts(1).build();

      c.complete(request());

      LoopbackServer.Received got = server.log().get(0);
      assertThat(got.authorization()).isEmpty();
      KeyForms.assertAbsent(OPENAI_KEY, got.body() + got.headers(), "the compatible server's request");
      KeyForms.assertAbsent(DEEPSEEK_KEY, got.body() + got.headers(), "the compatible server's request");
    }
  }

  @Test
  void fromEnvironment_compatibleServerWithItsOwnKey_receivesThatKey() throws IOException {
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"))) {
      LlmBackends.builderFromEnvironment(Map.of(
          "AGP_BASE_URL", server.baseUrl(), "AGP_MODEL", "llama3.1", "AGP_API_KEY", LOCAL_KEY,
          "OPENAI_API_KEY", OPENAI_KEY)).maxAttempts(1).build().complete(request());

      assertThat(server.log().get(0).authorization()).isEqualTo("Bearer " + LOCAL_KEY);
    }
  }

  @Test
  void keyFor_providerKeysGoOnlyToTheirProvidersHosts() {
    Map<String, String> env = Map.of("OPENAI_API_KEY", OPENAI_KEY, "DEEPSEEK_API_KEY", DEEPSEEK_KEY);

    assertThat(LlmBackends.keyFor("https://api.openai.com/v1", env)).isEqualTo(OPENAI_KEY);
    assertThat(LlmBackends.keyFor("https://API.OpenAI.com:443/v1/", env)).isEqualTo(OPENAI_KEY);
    assertThat(LlmBackends.keyFor("https://api.deepseek.com/v1", env)).isEqualTo(DEEPSEEK_KEY);
    assertThat(LlmBackends.keyFor("http://api.openai.com/v1", env)).isEmpty();
    assertThat(LlmBackends.keyFor("https://api.openai.com.evil.example/v1", env)).isEmpty();
    assertThat(LlmBackends.keyFor("https://evil.example/v1?api.openai.com", env)).isEmpty();
    assertThat(LlmBackends.keyFor("http://localhost:11434/v1", env)).isEmpty();
    assertThat(LlmBackends.keyFor("http://localhost:11434/v1",
        Map.of("AGP_API_KEY", LOCAL_KEY, "OPENAI_API_KEY", OPENAI_KEY))).isEqualTo(LOCAL_KEY);
  }

  @Test
  void providerBuilder_baseUrlOnAnotherHost_isRefusedBeforeAnyRequest() throws IOException {
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"))) {
      assertThatThrownBy(() -> LlmBackends.openAiBuilder(OPENAI_KEY, "gpt-4o-mini").baseUrl(server.baseUrl()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("api.openai.com").hasMessageContaining("127.0.0.1")
          .hasMessageNotContaining(OPENAI_KEY);
      assertThatThrownBy(() -> LlmBackends.deepSeekBuilder(DEEPSEEK_KEY, "deepseek-chat").baseUrl(server.baseUrl()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api.deepseek.com");
      assertThat(server.received()).isZero();
      assertThat(LlmBackends.openAiBuilder(OPENAI_KEY, "gpt-4o-mini").baseUrl("https://api.openai.com/v1/")).isNotNull();
    }
  }

  @Test
  void redirectToAnotherServer_isNotFollowedWithTheKey() throws IOException {
    try (LoopbackServer other = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"));
        LoopbackServer first = LoopbackServer.start(r -> new Raw(307, "",
            Map.of("Location", other.baseUrl() + "/chat/completions")))) {
      LlmClient c = LlmBackends.openAiCompatibleBuilder(first.baseUrl(), LOCAL_KEY, "m").maxAttempts(1).build();

      LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request()));

      assertThat(e).isNotNull();
      assertThat(other.received()).isZero();
    }
  }

  // ---------------------------------------------------------------- no form of a key in any output

  @Test
  void complete_serverEchoingTheKeyInEveryEncoding_noFormReachesExceptionsOrLogs() throws IOException {
    String echo = KeyForms.echoingBody(LOCAL_KEY);
    List<Throwable> thrown = new ArrayList<>();
    String logs;
    try (LoopbackServer server = LoopbackServer.start(r -> new Raw(500, echo, Map.of()));
        CapturedErr err = new CapturedErr()) {
      for (int status : new int[] {400, 401, 403, 404, 409, 413, 422, 429, 500, 503}) {
        server.handler(r -> new Raw(status, echo, Map.of("Retry-After", "0")));
        LlmClient c = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), LOCAL_KEY, "m")
            .maxAttempts(2).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build();
        thrown.add(catchThrowableOfType(LlmException.class, () -> c.complete(request())));
      }
      logs = err.text();
    }

    assertThat(thrown).doesNotContainNull();
    KeyForms.assertAbsent(LOCAL_KEY, logs, "the logs");
    for (Throwable t : thrown) {
      KeyForms.assertAbsent(LOCAL_KEY, CapturedErr.printed(t), "exception " + t.getMessage());
    }
  }

  @Test
  void complete_serverEchoingOneFormAtATime_thatFormReachesNoExceptionOrLog() throws IOException {
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"));
        CapturedErr err = new CapturedErr()) {
      LlmClient c = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), LOCAL_KEY, "m").maxAttempts(1).build();
      for (Map.Entry<String, String> form : KeyForms.of(LOCAL_KEY).entrySet()) {
        // short bodies, so no form hides behind the truncation of a long one
        server.handler(r -> new Raw(400, "{\"error\":{\"message\":\"bad key " + form.getValue() + " given\"}}", Map.of()));
        LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request()));
        String printed = CapturedErr.printed(e);
        assertThat(printed).as(form.getKey()).contains("HTTP 400").contains("bad key");
        KeyForms.assertAbsent(LOCAL_KEY, printed, "exception for the " + form.getKey() + " form");
      }
      KeyForms.assertAbsent(LOCAL_KEY, err.text(), "the logs");
    }
  }

  @Test
  void complete_401Or403_quotesNothingOfTheBody() throws IOException {
    try (LoopbackServer server = LoopbackServer.start(r -> new Raw(401, "{\"error\":{\"message\":\"body-marker\"}}", Map.of()))) {
      LlmClient c = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), LOCAL_KEY, "m").maxAttempts(1).build();
      LlmException unauthorised = catchThrowableOfType(LlmException.class, () -> c.complete(request()));
      server.handler(r -> new Raw(403, "{\"error\":{\"message\":\"body-marker\"}}", Map.of()));
      LlmException forbidden = catchThrowableOfType(LlmException.class, () -> c.complete(request()));

      for (LlmException e : List.of(unauthorised, forbidden)) {
        assertThat(e.getMessage()).contains("authentication failed").contains("HTTP 40");
        assertThat(CapturedErr.printed(e)).doesNotContain("body-marker");
      }
    }
  }

  @Test
  void fit_serverEchoingTheKey_noFormInFailuresFitExceptionCheckpointOrCache() throws IOException {
    String echo = KeyForms.echoingBody(LOCAL_KEY);
    List<UserCase> users = GenreWorld.users("k", 6, 3);
    Path checkpoint = dir.resolve("fit.json");
    Path cache = dir.resolve("cache");
    AgpFitException stop;
    String logs;
    try (LoopbackServer server = LoopbackServer.start(r -> r.request().stage() == Stage.PROFILE
            ? new Raw(403, echo, Map.of()) : new Raw(500, echo, Map.of()));
        CapturedErr err = new CapturedErr()) {
      LlmClient llm = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), LOCAL_KEY, "gpt-4o-mini")
          .maxAttempts(2).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
          .cacheDirectory(cache).build();
      stop = catchThrowableOfType(AgpFitException.class, () -> AgpOptimizer.builder().llm(llm).domain("movie")
          .batchSize(3).epochs(1).checkpoint(checkpoint).build().fit(users));
      logs = err.text();
    }

    assertThat(stop).isNotNull();
    assertThat(stop.failures()).isNotEmpty();
    KeyForms.assertAbsent(LOCAL_KEY, CapturedErr.printed(stop), "the fit exception");
    for (UserFailure f : stop.failures()) {
      KeyForms.assertAbsent(LOCAL_KEY, f.describe(), "user failure " + f.userId());
    }
    KeyForms.assertAbsent(LOCAL_KEY, logs, "the logs");
    KeyForms.assertAbsent(LOCAL_KEY, Files.readString(checkpoint), "the checkpoint");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        KeyForms.assertAbsent(LOCAL_KEY, Files.readString(f), f.toString());
      }
    }
  }
}
