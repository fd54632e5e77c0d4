package dev.agp.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.llm.Stage;
import dev.agp.micrometer.AgpMetrics;
import dev.agp.spring.app.ServingApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Boot application on a random port, its reranker built by the starter from a saved model
 * and calling a loopback OpenAI-compatible server through the real LangChain4j client.
 */
@SpringBootTest(
    classes = ServingApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.endpoints.web.exposure.include=health,metrics", "agp.llm.max-attempts=1"})
class ServingApplicationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FakeOpenAiServer LLM;
  private static final Path MODEL;

  static {
    try {
      LLM = FakeOpenAiServer.start();
      MODEL = TestModels.agp(Files.createTempDirectory("agp-boot").resolve("agp-model.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void agp(DynamicPropertyRegistry registry) {
    registry.add("agp.llm.base-url", LLM::baseUrl);
    registry.add("agp.llm.model", () -> FakeOpenAiServer.MODEL);
    registry.add("agp.model.location", () -> "file:" + MODEL);
  }

  @AfterAll
  static void stop() throws IOException {
    LLM.close();
    Files.deleteIfExists(MODEL);
  }

  @LocalServerPort int port;
  @Autowired MeterRegistry registry;

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode post(String userId, int historyItems) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("userId", userId);
    ArrayNode history = body.putArray("history");
    for (int i = 0; i < historyItems; i++) {
      history.addObject().put("id", userId + "-h" + i).put("title", "Seen film " + i);
    }
    ArrayNode candidates = body.putArray("candidates");
    for (int i = 0; i < 4; i++) {
      candidates.addObject().put("id", "c" + i).put("title", "Candidate " + i);
    }
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rerank"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void rerank_warmStoreMakesOneCallPerRequest_historyChangeMakesTwo() throws Exception {
    int before = LLM.total();

    JsonNode first = post("alice", 3);
    int afterFirst = LLM.total();
    JsonNode second = post("alice", 3);
    int afterSecond = LLM.total();
    JsonNode third = post("alice", 3);
    int afterThird = LLM.total();
    JsonNode changed = post("alice", 4);
    int afterChange = LLM.total();

    assertThat(afterFirst - before).isEqualTo(2);
    assertThat(afterSecond - afterFirst).isEqualTo(1);
    assertThat(afterThird - afterSecond).isEqualTo(1);
    assertThat(afterChange - afterThird).isEqualTo(2);
    for (JsonNode r : List.of(first, second, third, changed)) {
      assertThat(r.path("fallback").asBoolean()).isFalse();
      assertThat(r.path("itemIds").toString()).isEqualTo("[\"c3\",\"c2\",\"c1\",\"c0\"]");
    }
  }

  @Test
  void actuatorMetrics_showTheSdksCountersAfterRequests() throws Exception {
    post("bob", 2);
    post("bob", 2);

    JsonNode names = get("/actuator/metrics").path("names");
    assertThat(names.toString()).contains(AgpMetrics.LLM_CALLS, AgpMetrics.LLM_TOKENS, AgpMetrics.LLM_LATENCY,
        AgpMetrics.SERVING_REQUESTS);
    JsonNode rerankCalls = get("/actuator/metrics/" + AgpMetrics.LLM_CALLS + "?tag=stage:rerank&tag=outcome:success");
    double served = rerankCalls.path("measurements").get(0).path("value").asDouble();
    assertThat(served).isEqualTo(LLM.count(Stage.RERANK));
    JsonNode storeHits = get("/actuator/metrics/" + AgpMetrics.SERVING_REQUESTS + "?tag=profile:store");
    assertThat(storeHits.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
    assertThat(registry.get(AgpMetrics.LLM_CALLS).tags("stage", "profile", "model", FakeOpenAiServer.MODEL)
        .counter().count()).isEqualTo(LLM.count(Stage.PROFILE));
  }
}
