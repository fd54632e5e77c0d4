package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the {@code agp} command line in this JVM. */
class AgpCliTest {

  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  static Outcome agp(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AgpCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false);
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Outcome agp(String... args) {
    return agp(Map.of(), args);
  }

  /** A small, fast version of the demo: fewer users, a short LightGCN. */
  private static final String[] SMALL = {"--base-epochs", "3", "--train-users", "30", "--validation-users", "10",
      "--test-users", "40"};

  /** SMALL with few AGP epochs and RPP iterations, for commands that run both. */
  private static final String[] SMALL_TRAINING = with(SMALL, "--epochs", "2", "--rpp-iterations", "2");

  private static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(more, 0, all, 0, more.length);
    System.arraycopy(base, 0, all, more.length, base.length);
    return all;
  }

  @Test
  void demo_reduced_printsEveryMethodSaysSimulatedAndWritesReports() throws Exception {
    Path output = dir.resolve("demo");

    Outcome o = agp(with(SMALL_TRAINING, "demo", "--output", output.toString()));

    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("The LLM is a simulated LLM", "LLM: simulated LLM")
        .contains("Planned LLM calls (at most):")
        .containsPattern("(?m)^Base +0\\.\\d{4} \\[")
        .containsPattern("(?m)^LLM-Dir +0\\.\\d{4}")
        .containsPattern("(?m)^LLM-CoT +0\\.\\d{4}")
        .containsPattern("(?m)^AGP +0\\.\\d{4}")
        .containsPattern("(?m)^RPP +0\\.\\d{4}")
        .containsPattern("(?m)^Pop\\. ascending \\(sanity\\) +0\\.\\d{4}")
        .containsPattern("(?m)^Pop\\. descending \\(sanity\\) +0\\.\\d{4}")
        .containsPattern("(?m)^Random order \\(sanity\\) +0\\.\\d{4}")
        .containsPattern("(?m)^AGP-untrained \\(control\\) +0\\.\\d{4}")
        .containsPattern("(?m)^AGP \\(permuted labels\\) \\(control\\) +0\\.\\d{4}")
        .containsPattern("(?m)^RPP-untrained \\(control\\) +0\\.\\d{4}")
        .containsPattern("(?m)^AGP vs LLM-Dir: [+-]0\\.\\d{4} \\[")
        .containsPattern("(?m)^AGP vs AGP-untrained: [+-]0\\.\\d{4} \\[")
        .containsPattern("(?m)^RPP vs RPP-untrained: [+-]0\\.\\d{4} \\[")
        .containsPattern("(?m)^(Sanity check passed|SANITY CHECK FAILED)")
        .contains("mode window", "AGP's learned prompt: ");
    assertThat(output.resolve("results.md")).content().contains("LLM: simulated LLM", "| AGP |", "| RPP |",
            "## Paired comparisons", "## Sanity check")
        .contains("## What RPP learned: against its untrained prompt", "**RPP: reasoning guidance**",
            "**RPP: history records (items shown)**");
    JsonNode json = new ObjectMapper().readTree(output.resolve("results.json").toFile());
    assertThat(json.at("/settings/llm").asText()).startsWith("simulated LLM");
    assertThat(json.get("methods")).hasSize(11);
    assertThat(output.resolve("methods.png")).exists();
    assertThat(output.resolve("agp-validation.png")).exists();
    assertThat(o.err()).doesNotContain("Exception");
  }

  @Test
  void estimate_plansCallsTokensAndCostWithoutAKeyOrACall() {
    Outcome o = agp(with(SMALL, "estimate", "--backend", "openai", "--model", "gpt-4o-mini", "--candidate-mode", "window",
        "--methods", "llm-dir,agp", "--epochs", "2"));

    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("Estimate for gpt-4o-mini (no LLM was called", "Calls (max)", "Cost USD (max)")
        .containsPattern("(?m)^LLM-Dir +40 ")
        .containsPattern("(?m)^AGP +[0-9,]+ +[0-9,]+ +[0-9,]+ +0\\.\\d{4} +0\\.\\d{4}$")
        .contains("Prices: gpt-4o-mini at $0.15 / $0.60 per million input / output tokens");
  }

  @Test
  void run_simulatedBackend_runsTheChosenMethods() {
    Path output = dir.resolve("run");

    Outcome o = agp(with(SMALL, "run", "--backend", "simulated", "--candidate-mode", "window", "--methods", "llm-cot,rpp+",
        "--rpp-iterations", "2",
        "--output", output.toString()));

    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).containsPattern("(?m)^LLM-CoT +0\\.").containsPattern("(?m)^RPP\\+ +0\\.").doesNotContain("AGP ");
    assertThat(output.resolve("results.csv")).exists();
  }

  @Test
  void run_missingKey_oneLineAndExitCode2() {
    Outcome o = agp(Map.of(), with(SMALL, "run", "--backend", "openai", "--candidate-mode", "window",
        "--output", dir.resolve("x").toString()));

    assertThat(o.code()).isEqualTo(AgpCli.USAGE);
    assertThat(o.err().strip()).isEqualTo(
        "agp: OPENAI_API_KEY is not set: export it to use --backend openai, or run offline with --backend simulated");
  }

  @Test
  void badFlagsAndPaths_oneLineAndExitCode2() {
    Outcome unknownFlag = agp("demo", "--no-such-flag");
    assertThat(unknownFlag.code()).isEqualTo(AgpCli.USAGE);
    assertThat(unknownFlag.err()).contains("agp: Unknown option: '--no-such-flag'", "Try 'agp demo --help'.")
        .doesNotContain("at dev.agp");

    Outcome notANumber = agp("demo", "--test-users", "many");
    assertThat(notANumber.code()).isEqualTo(AgpCli.USAGE);
    assertThat(notANumber.err()).contains("--test-users");

    Outcome missingData = agp("run", "--dataset", "movielens", "--data", dir.resolve("nowhere").toString());
    assertThat(missingData.code()).isEqualTo(AgpCli.USAGE);
    assertThat(missingData.err().strip()).isEqualTo("agp: --data: no such file or directory: " + dir.resolve("nowhere"));

    Outcome noItems = agp("run", "--dataset", "amazon", "--data", dir.toString());
    assertThat(noItems.code()).isEqualTo(AgpCli.USAGE);
    assertThat(noItems.err().strip()).isEqualTo("agp: --items is required with --dataset amazon");

    Outcome unknownMethod = agp(with(SMALL, "run", "--backend", "simulated", "--candidate-mode", "window", "--methods", "agp,magic",
        "--output", dir.resolve("y").toString()));
    assertThat(unknownMethod.code()).isEqualTo(AgpCli.USAGE);
    assertThat(unknownMethod.err()).contains("--methods: unknown method 'magic'");

    Outcome zero = agp("demo", "--epochs", "0");
    assertThat(zero.code()).isEqualTo(AgpCli.USAGE);
    assertThat(zero.err().strip()).isEqualTo("agp: --epochs must be >= 1 but was 0");

    Outcome noRoom = agp("demo", "--history-length", "8", "--rpp-max-history", "6");
    assertThat(noRoom.code()).isEqualTo(AgpCli.USAGE);
    assertThat(noRoom.err().strip()).isEqualTo("agp: --rpp-max-history must be >= --history-length (8) but was 6");

    Outcome noCommand = agp();
    assertThat(noCommand.code()).isEqualTo(AgpCli.USAGE);
    assertThat(noCommand.err()).contains("a command is required");
  }

  @Test
  void paperProtocol_tooFewEligibleUsers_saysWhichFlagsHelp() {
    Outcome o = agp("run", "--backend", "simulated", "--candidate-mode", "paper", "--base-epochs", "2",
        "--output", dir.resolve("z").toString());

    assertThat(o.code()).isEqualTo(AgpCli.USAGE);
    assertThat(o.err()).contains("users with a held-out item are eligible (paper mode keeps users whose held-out item",
            "LightGCN ranks in its top 10", "Use fewer users, e.g. --train-users", "or --candidate-mode window")
        .doesNotContain("BASE_TOP_K").doesNotContain("CandidateMode")
        .as("too few for the training and validation users: --allow-fewer-test-users would not help")
        .doesNotContain("--allow-fewer-test-users");
  }

  @Test
  void insertMode_isRefusedWithItsReplacement() {
    Outcome o = agp(with(SMALL, "run", "--backend", "simulated", "--candidate-mode", "insert",
        "--output", dir.resolve("i").toString()));

    assertThat(o.code()).isEqualTo(AgpCli.USAGE);
    assertThat(o.err()).contains("--candidate-mode insert was removed", "use --candidate-mode window");
  }

  @Test
  void simulatedRun_onAmazonFiles_reranksFromCategories() throws Exception {
    Path reviews = dir.resolve("reviews_Movies_and_TV_5.json");
    Path meta = dir.resolve("meta_Movies_and_TV.json");
    java.util.Random r = new java.util.Random(3);
    String[] kinds = {"Comedy", "Drama", "Horror", "Documentary", "Kids & Family", "Action & Adventure"};
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      m.append("{'asin': 'B").append(1000 + i).append("', 'title': 'Product ").append(i)
          .append("', 'categories': [['Movies & TV', '").append(kinds[i % kinds.length]).append("']]}\n");
    }
    StringBuilder rv = new StringBuilder();
    for (int u = 0; u < 90; u++) {
      String kind = kinds[u % kinds.length];
      for (int k = 0; k < 8; k++) {
        int item = r.nextInt(4) == 0 ? r.nextInt(120) : (r.nextInt(20) * kinds.length + u % kinds.length);
        rv.append("{\"reviewerID\": \"U").append(u).append("\", \"asin\": \"B").append(1000 + item)
            .append("\", \"overall\": 5.0, \"unixReviewTime\": ").append(1_400_000_000L + k * 1000L + u).append("}\n");
      }
    }
    Files.writeString(meta, m);
    Files.writeString(reviews, rv);
    Path out = dir.resolve("amazon");

    Outcome o = agp("run", "--dataset", "amazon", "--data", reviews.toString(), "--items", meta.toString(),
        "--backend", "simulated", "--base", "popularity", "--candidate-mode", "window", "--train-users", "20",
        "--validation-users", "5", "--test-users", "40", "--allow-fewer-test-users", "--methods", "llm-dir",
        "--output", out.toString());

    assertThat(o.code()).as(o.err()).isZero();
    java.util.Map<String, String> base = new java.util.HashMap<>();
    int changed = 0;
    for (String line : Files.readAllLines(out.resolve("users.csv")).subList(1, Files.readAllLines(out.resolve("users.csv")).size())) {
      String[] f = line.split(",");
      if (f[0].equals("Base")) {
        base.put(f[1], f[f.length - 1]);
      } else if (f[0].equals("LLM-Dir") && !f[f.length - 1].equals(base.get(f[1]))) {
        changed++;
      }
    }
    assertThat(changed).as("LLM-Dir reorders lists from the categories the simulated LLM reads").isPositive();
  }

  @Test
  void compatibleBackend_needsABaseUrl() {
    Outcome o = agp(with(SMALL, "run", "--backend", "compatible", "--model", "llama3", "--candidate-mode", "window",
        "--output", dir.resolve("c").toString()));

    assertThat(o.code()).isEqualTo(AgpCli.USAGE);
    assertThat(o.err()).contains("--base-url is required with --backend compatible");
  }

  @Test
  void help_isReadable() {
    Outcome root = agp("--help");
    assertThat(root.code()).isZero();
    assertThat(root.out()).contains("demo", "run", "estimate", "Usage: agp");
    Outcome run = agp("run", "--help");
    assertThat(run.out()).contains("--backend", "--dataset", "--budget-usd", "--cache", "--checkpoint", "OPENAI_API_KEY");
    assertThat(Files.exists(dir.resolve("agp-results"))).isFalse();
  }
}
