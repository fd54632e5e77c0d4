package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Spark example is compiled code, and its spark-submit lines name real options. */
class ReadmeExampleTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void readmeSparkExample_isReadmeExamplesCode() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String example = Files.readString(ROOT.resolve("agp-spark/src/test/java/dev/agp/spark/ReadmeExample.java"));
    int start = readme.indexOf("```java\nDataset<Row> rankings = RerankJob.builder()");
    assertThat(start).as("the Spark example in README.md").isNotNegative();
    String block = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
    List<String> missing = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (!line.isBlank() && !example.contains(line.strip())) {
        missing.add(line.strip());
      }
    }
    assertThat(missing).as("README lines not in ReadmeExample.java").isEmpty();
  }

  @Test
  void readmeConfigurationKeys_areTheOnesTheJobReads() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (String key : List.of(SparkLlmConfig.BACKEND, SparkLlmConfig.MODEL, SparkLlmConfig.BASE_URL,
        SparkLlmConfig.API_KEY_ENV, SparkLlmConfig.API_KEY_FILE, SparkLlmConfig.TIMEOUT, SparkLlmConfig.MAX_ATTEMPTS,
        SparkLlmConfig.REQUESTS_PER_MINUTE, SparkLlmConfig.TOKENS_PER_MINUTE, SparkLlmConfig.CONCURRENCY,
        SparkLlmConfig.CACHE_DIRECTORY)) {
      assertThat(readme).contains("`" + key + "`");
    }
    assertThat(AgpSparkJob.parse(new String[] {"rerank", "--model", "m", "--cases", "c", "--output", "o"}))
        .containsEntry("", "rerank");
    assertThat(AgpSparkJob.parse(new String[] {"candidates", "--interactions", "i", "--items", "t", "--lists", "l",
        "--output", "o", "--k", "10", "--max-history", "5", "--seed", "1", "--train", "1", "--validation", "1",
        "--test", "1", "--min-interactions", "3", "--duplicates", "keep_last", "--k-core", "2"}))
        .containsEntry("k-core", "2");
  }
}
