package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example is QuickStart's code: every line of it appears there verbatim. */
class ReadmeTest {

  @Test
  void readmeJavaExample_isQuickStartsCode() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(root.resolve("README.md"));
    String quickStart = Files.readString(root.resolve("agp-examples/src/main/java/dev/agp/examples/QuickStart.java"));
    int start = readme.indexOf("```java\nLlmClient llm = LlmBackends.fromEnvironment();");
    assertThat(start).as("the embedding example in README.md").isNotNegative();
    String block = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
    List<String> missing = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (!line.isBlank() && !quickStart.contains(line.strip())) {
        missing.add(line.strip());
      }
    }
    assertThat(missing).as("README lines not in QuickStart.java").isEmpty();
  }

  @Test
  void readmeCommands_areTheOnesTheBuildAndCiUse() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(root.resolve("README.md"));
    assertThat(readme).contains("mvn -q -DskipTests package && java -jar agp-examples/target/agp.jar demo",
        "mvn -B -ntp verify");
    assertThat(Files.readString(root.resolve(".ci/run"))).contains("mvn -B -ntp verify");
  }

  @Test
  void readmeExitCodes_areTheOnesTheCommandLineUsesAndItsHelpLists() throws Exception {
    String readme = Files.readString(Path.of("..").toAbsolutePath().normalize().resolve("README.md"));
    assertThat(readme).contains("| " + AgpCli.SUCCESS + " | success", "| " + AgpCli.FAILURE + " | failure",
        "| " + AgpCli.USAGE + " | usage", "| " + AgpCli.BUDGET_STOPPED + " | stopped by `--budget-tokens` or `--budget-usd`");
    assertThat(HelpLayout.EXIT_CODES).containsOnlyKeys("0", "1", "2", "3");
  }
}
