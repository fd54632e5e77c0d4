package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.testing.FakeKeys;
import dev.agp.UserCase;
import dev.agp.benchmarks.LatencyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key reaches the LLM server from the executors' environment or key file, and nowhere else:
 * not the plans, not what is shipped to the tasks, not the logs, not the event log.
 */
class SecretsTest {

  /** Set in the tests' environment by the build (surefire's environmentVariables). */
  private static final String VARIABLE = "AGP_SPARK_TEST_KEY";
  private static final String FILE_KEY = FakeKeys.of("agp-file-key");
  private static final List<UserCase> USERS = Worlds.users(12);

  @TempDir static Path dir;
  private static Path model;
  private static final List<String> seen = new ArrayList<>();

  @BeforeAll
  static void save() {
    model = dir.resolve("agp-model.json");
    Worlds.agp(model);
  }

  private static String envKey() {
    String key = System.getenv(VARIABLE);
    assertThat(key).as("the build sets " + VARIABLE + " for the tests").isNotBlank();
    return key;
  }

  private static Dataset<Row> rerank(SparkLlmConfig llm) {
    return RerankJob.builder().model(model.toString()).llm(llm).partitions(2).build()
        .rerank(Worlds.table(SparkTesting.session(), USERS));
  }

  @Test
  void rerank_keyFromTheExecutorsEnvironment_reachesTheServerAndNoPlan() throws IOException {
    try (LatencyServer server = LatencyServer.start(Worlds.answers(), LatencyServer.Latency.fixed(Duration.ZERO), 0, 1, envKey())) {
      SparkLlmConfig llm = SparkLlmConfig.compatible(server.baseUrl(), "m").apiKeyEnv(VARIABLE).build();

      Dataset<Row> rankings = rerank(llm);
      RerankJob.Summary summary = RerankJob.summary(rankings);

      assertThat(server.unauthorized()).isZero();
      assertThat(summary.fallbacks()).isZero();
      assertThat(summary.calls()).isEqualTo(2L * USERS.size());
      seen.add(rankings.queryExecution().toString());
      seen.add(llm.toString());
      seen.add(new String(serialised(llm), StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void rerank_keyFromAFileOnTheExecutors_reachesTheServer() throws IOException {
    Path keyFile = dir.resolve("openai.key");
    Files.writeString(keyFile, FILE_KEY + "\n");
    try (LatencyServer server = LatencyServer.start(Worlds.answers(), LatencyServer.Latency.fixed(Duration.ZERO), 0, 1, FILE_KEY)) {
      SparkLlmConfig llm = SparkLlmConfig.compatible(server.baseUrl(), "m").apiKeyFile(keyFile.toString()).build();

      Dataset<Row> rankings = rerank(llm);

      assertThat(RerankJob.summary(rankings).fallbacks()).isZero();
      assertThat(server.unauthorized()).isZero();
      seen.add(rankings.queryExecution().toString());
      seen.add(new String(serialised(llm), StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void rerank_wrongKey_isRefusedAndEveryUserFallsBack() throws IOException {
    try (LatencyServer server = LatencyServer.start(Worlds.answers(), LatencyServer.Latency.fixed(Duration.ZERO), 0, 1, "sk-another")) {
      SparkLlmConfig llm = SparkLlmConfig.compatible(server.baseUrl(), "m").apiKeyEnv(VARIABLE).maxAttempts(1).build();

      RerankJob.Summary summary = RerankJob.summary(rerank(llm));

      assertThat(summary.fallbacks()).isEqualTo(USERS.size());
      assertThat(server.unauthorized()).isEqualTo(USERS.size());
    }
  }

  @Test
  void rerank_keyVariableUnsetOnTheExecutors_failsTheJobNamingTheVariable() {
    SparkLlmConfig llm = SparkLlmConfig.openAi("gpt-4o-mini").apiKeyEnv("AGP_SPARK_NO_SUCH_VARIABLE").maxAttempts(1).build();

    assertThatThrownBy(() -> RerankJob.summary(rerank(llm)))
        .hasMessageContaining("the environment variable AGP_SPARK_NO_SUCH_VARIABLE holding the API key is not set on executor");
  }

  @AfterAll
  static void noTraceOfTheKeys() throws IOException {
    SparkTesting.stop(); // flushes and closes the event log
    List<String> places = new ArrayList<>(seen);
    places.addAll(EventLogs.read(SparkTesting.EVENT_LOGS));
    places.add(Files.readString(Path.of("target", "agp-spark-tests.log"), StandardCharsets.ISO_8859_1));
    assertThat(places).hasSizeGreaterThan(4);
    String all = String.join("\n", places);
    assertThat(all.contains("SparkListenerEnvironmentUpdate") && all.contains("\"spark.app.name\":\"agp-spark-tests\""))
        .as("the event log was read").isTrue();
    assertThat(Pattern.compile("user u\\d+ failed").matcher(all).find())
        .as("the test log, with the wrong-key test's warnings, was read").isTrue();
    for (String key : List.of(envKey(), FILE_KEY)) {
      String base64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
      String bearer = Base64.getEncoder().encodeToString(("Bearer " + key).getBytes(StandardCharsets.UTF_8));
      for (String place : places) {
        assertThat(place.contains(key) || place.contains(base64) || place.contains(bearer))
            .as("a key in one of the places checked").isFalse();
      }
    }
  }

  private static byte[] serialised(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }
}
