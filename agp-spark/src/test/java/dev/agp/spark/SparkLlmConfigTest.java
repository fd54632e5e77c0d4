package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkLlmConfigTest {

  @TempDir Path dir;

  @Test
  void fromConf_everyKey_givesTheConfiguration() {
    SparkLlmConfig c = SparkLlmConfig.fromConf(Map.ofEntries(
        Map.entry(SparkLlmConfig.BACKEND, "Compatible"),
        Map.entry(SparkLlmConfig.MODEL, "llama3.1"),
        Map.entry(SparkLlmConfig.BASE_URL, "http://vllm:8000/v1"),
        Map.entry(SparkLlmConfig.API_KEY_ENV, "VLLM_KEY"),
        Map.entry(SparkLlmConfig.API_KEY_FILE, "/etc/secrets/vllm"),
        Map.entry(SparkLlmConfig.TIMEOUT, "90"),
        Map.entry(SparkLlmConfig.MAX_ATTEMPTS, "3"),
        Map.entry(SparkLlmConfig.REQUESTS_PER_MINUTE, "600"),
        Map.entry(SparkLlmConfig.TOKENS_PER_MINUTE, "100000"),
        Map.entry(SparkLlmConfig.CONCURRENCY, "12"),
        Map.entry(SparkLlmConfig.CACHE_DIRECTORY, "/mnt/cache"),
        Map.entry("spark.app.name", "ignored")));

    assertThat(c).isEqualTo(new SparkLlmConfig(SparkLlmConfig.Backend.COMPATIBLE, "llama3.1", "http://vllm:8000/v1",
        "VLLM_KEY", "/etc/secrets/vllm", Duration.ofSeconds(90), 3, 600, 100_000, 12, "/mnt/cache"));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void fromConf_openAiWithOnlyTheModel_readsTheKeyFromOpenAiApiKey() {
    SparkLlmConfig c = SparkLlmConfig.fromConf(Map.of(SparkLlmConfig.BACKEND, "openai", SparkLlmConfig.MODEL, "gpt-4o-mini"));

    assertThat(c.apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
    assertThat(c.baseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(c.requestsPerMinute()).isZero();
    assertThat(c.concurrency()).isEqualTo(SparkLlmConfig.DEFAULT_CONCURRENCY);
  }

  @Test
  void fromConf_missingOrMalformedKey_failsNamingIt() {
    assertThatThrownBy(() -> SparkLlmConfig.fromConf(Map.of(SparkLlmConfig.BACKEND, "openai")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SparkLlmConfig.MODEL + " is not set");
    assertThatThrownBy(() -> SparkLlmConfig.fromConf(Map.of(SparkLlmConfig.BACKEND, "bard", SparkLlmConfig.MODEL, "m")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SparkLlmConfig.BACKEND + " must be");
    assertThatThrownBy(() -> SparkLlmConfig.fromConf(
            Map.of(SparkLlmConfig.BACKEND, "openai", SparkLlmConfig.MODEL, "m", SparkLlmConfig.CONCURRENCY, "eight")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SparkLlmConfig.CONCURRENCY + " must be a whole number");
    assertThatThrownBy(() -> SparkLlmConfig.fromConf(Map.of(SparkLlmConfig.BACKEND, "compatible", SparkLlmConfig.MODEL, "m")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SparkLlmConfig.BASE_URL + " is not set");
  }

  @Test
  void builder_badValues_failFastNamingTheOption() {
    assertThatThrownBy(() -> SparkLlmConfig.openAi("gpt-4o-mini").noApiKey().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a key");
    assertThatThrownBy(() -> SparkLlmConfig.compatible("ftp://host/v1", "m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
    assertThatThrownBy(() -> SparkLlmConfig.openAi("m").baseUrl("https://proxy.example/v1"))
        .as("an OpenAI key never goes to another host").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("api.openai.com");
    assertThatThrownBy(() -> SparkLlmConfig.openAi("m").concurrency(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> SparkLlmConfig.openAi("m").requestsPerMinute(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestsPerMinute");
    assertThatThrownBy(() -> SparkLlmConfig.openAi("m").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> SparkLlmConfig.openAi(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SparkLlmConfig.openAi("m").apiKeyEnv(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RerankJob.builder().llm(SparkLlmConfig.openAi("m").build()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("model(...)");
  }

  @Test
  void apiKey_fileWinsOverTheVariable_andAMissingSourceIsNamedWithoutAValue() throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, "  sk-from-file \n");
    SparkLlmConfig both = SparkLlmConfig.openAi("m").apiKeyFile(file.toString()).build();
    SparkLlmConfig env = SparkLlmConfig.openAi("m").apiKeyEnv("MY_KEY").build();

    assertThat(ExecutorClients.apiKey(both, name -> "sk-from-env")).contains("sk-from-file");
    assertThat(ExecutorClients.apiKey(env, name -> name.equals("MY_KEY") ? "sk-from-env" : null)).contains("sk-from-env");
    assertThat(ExecutorClients.apiKey(SparkLlmConfig.compatible("http://h/v1", "m").build(), name -> "x")).isEmpty();
    assertThatThrownBy(() -> ExecutorClients.apiKey(env, name -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("MY_KEY holding the API key is not set on ");
    Files.writeString(file, "\n");
    assertThatThrownBy(() -> ExecutorClients.apiKey(both, name -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("the API key file " + file + " on ").hasMessageEndingWith(" is empty");
    assertThatThrownBy(() -> ExecutorClients.apiKey(
            SparkLlmConfig.openAi("m").apiKeyFile(dir.resolve("absent").toString()).build(), name -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot read the API key file");
  }

  @Test
  void run_unknownCommandOrOption_exitsWithTwoAndTheUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(AgpSparkJob.run(new String[] {"train"}, System.out, e)).isEqualTo(2);
    assertThat(AgpSparkJob.run(new String[] {"rerank", "--modle", "m"}, System.out, e)).isEqualTo(2);
    assertThat(AgpSparkJob.run(new String[] {"rerank", "--model"}, System.out, e)).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command train").contains("unknown option --modle for rerank").contains("--model needs a value")
        .contains("usage: AgpSparkJob rerank");
  }
}
