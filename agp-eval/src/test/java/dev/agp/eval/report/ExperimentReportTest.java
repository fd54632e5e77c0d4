package dev.agp.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.eval.Ablations;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.Experiment;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.ExperimentTestSupport;
import dev.agp.eval.Method;
import dev.agp.testing.GenreWorld;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentReportTest {

  static ExperimentResult result;

  @BeforeAll
  static void run() {
    List<Method> methods = new ArrayList<>();
    methods.add(Method.direct());
    methods.add(Method.chainOfThought().withPermutationVoting(2, 1));
    methods.addAll(Ablations.grid(b -> b.epochs(1).initialPrompt(GenreWorld.NAIVE_PROMPT), List.of(5, 10), List.of(3)));
    methods.add(Method.popularityOrder(java.util.Map.of(), true));
    methods.add(Method.randomOrder(3));
    CandidateSets.Report candidates = new CandidateSets.Report("LightGCN(test)", CandidateMode.BASE_TOP_K, 10, 42, 100, 2, 1, 0, 40, 0, 40, 0.51, 3.5);
    result = Experiment.builder()
        .llm(ExperimentTestSupport.script().build(), "simulated LLM (a scripted test stand-in)")
        .users(new CandidateSets(ExperimentTestSupport.TRAIN, ExperimentTestSupport.VALIDATION, ExperimentTestSupport.TEST, candidates))
        .methods(methods).bootstrapSamples(500)
        .compare("LLM-Dir", "LLM-CoT +PV2")
        .clock(Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC))
        .build().run();
  }

  @Test
  void write_allFiles_readableChartsAndDocuments(@TempDir Path dir) throws Exception {
    List<Path> files = ExperimentReport.write(result, dir);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("methods.png", "agp-validation.png", "ablation-grid.png", "results.md", "results.json",
            "results.csv", "users.csv");
    for (String png : List.of("methods.png", "agp-validation.png", "ablation-grid.png")) {
      BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(img.getWidth()).isEqualTo(960);
      assertThat(img.getHeight()).isEqualTo(540);
    }
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
  }

  @Test
  void write_reportFilesGetTheSamePermissionsAsTheCharts(@TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    ExperimentReport.write(result, dir);

    var chart = Files.getPosixFilePermissions(dir.resolve("methods.png"));
    for (String f : List.of("results.md", "results.json", "results.csv", "users.csv")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(chart);
    }
  }

  @Test
  void partialResult_saysSoInMarkdownAndJson() throws Exception {
    ExperimentResult partial = new ExperimentResult(result.methods().subList(0, 2), result.settings(), result.candidates(),
        result.started(), result.wallTime(), List.of(), java.util.Optional.of("method AGP ran out of budget at user te4"));

    assertThat(ExperimentReport.markdown(partial))
        .contains("> **Partial results.** The run stopped before every method finished: method AGP ran out of budget");
    JsonNode json = new ObjectMapper().readTree(ExperimentReport.json(partial));
    assertThat(json.get("complete").asBoolean()).isFalse();
    assertThat(json.get("partial").asText()).contains("ran out of budget");
    assertThat(json.get("methods")).hasSize(2);
    assertThat(new ObjectMapper().readTree(ExperimentReport.json(result)).get("complete").asBoolean()).isTrue();
    assertThat(ExperimentReport.markdown(result)).doesNotContain("Partial results");
  }

  @Test
  void validationChart_marksTheSelectedEpochAndLabelsTicksDistinctly() {
    org.knowm.xchart.XYChart chart = Charts.validationChart(result).orElseThrow();

    assertThat(chart.getSeriesCollection()).extracting(org.knowm.xchart.internal.series.Series::getName).contains("AGP B=5 H=3", "AGP B=5 H=3" + Charts.SELECTED);
    org.knowm.xchart.XYSeries selected = chart.getSeries("AGP B=5 H=3" + Charts.SELECTED);
    assertThat(selected.getXData()).hasSize(1);
    assertThat(chart.getStyler().getYAxisDecimalPattern()).isNotNull();
    for (double span : new double[] {0.0003, 0.0018, 0.014, 0.02, 0.1, 0.6}) {
      java.text.DecimalFormat f = new java.text.DecimalFormat(Charts.decimalPattern(span),
          java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
      java.util.Set<String> labels = new java.util.HashSet<>();
      for (int i = 0; i <= 8; i++) {
        labels.add(f.format(0.3481 + span * i / 8));
      }
      assertThat(labels).as("span %s: %s", span, labels).hasSize(9);
    }
  }

  @Test
  void markdown_tableRowsSettingsAndStatistics() {
    String md = ExperimentReport.markdown(result);
    assertThat(md).contains("| Method | NDCG@10 [95% CI] | Δ vs Base [95% CI]");
    assertThat(md).contains("| Base | ", "| LLM-Dir | 1.0000 [1.0000, 1.0000] | +", "| LLM-CoT +PV2 | ", "| AGP B=5 H=3 | ");
    assertThat(md).contains("Base recommender: LightGCN(test); mode paper", "held-out item in the base top 10: 40 (40.00%)",
        "Paper protocol:", "median rank of the held-out item in the base's full ranking (eligible users): 3.5");
    assertThat(md).contains("| HR@1 | HR@3 | MRR |").doesNotContain("HR@10 |");
    assertThat(md).contains("| Pop. ascending (sanity) | ", "| Random order (sanity) | ");
    // in this small fixture Base puts relevant items below the middle, so a random order beats it: flagged
    assertThat(md).contains("## Sanity check", "**Failed**", "Random order, a user-blind order, beats Base by +");
    assertThat(md).contains("## Paired comparisons", "| LLM-Dir | LLM-CoT +PV2 | +");
    assertThat(md).contains("Base-order answers");
    assertThat(md).contains("- batchSize: 5", "- learned prompt:", "validation NDCG@10 per epoch: 0: ");
    assertThat(md).contains("Wilcoxon signed-rank", "percentile bootstrap");
    assertThat(md).contains("run 2025-01-02T03:04:05Z");
    assertThat(md).contains("LLM: simulated LLM (a scripted test stand-in).");
    assertThat(md).doesNotContain("## Charts");
  }

  @Test
  void json_versionedDocumentWithEverything() throws Exception {
    JsonNode root = new ObjectMapper().readTree(ExperimentReport.json(result));
    assertThat(root.get("format").asText()).isEqualTo("agp-experiment");
    assertThat(root.get("version").asInt()).isEqualTo(2);
    assertThat(root.get("comparisons")).hasSize(1);
    assertThat(root.get("comparisons").get(0).get("method").asText()).isEqualTo("LLM-Dir");
    assertThat(root.get("comparisons").get(0).get("versus").get("baseline").asText()).isEqualTo("LLM-CoT +PV2");
    assertThat(root.get("sanity").get("passed").asBoolean()).isFalse();
    assertThat(root.get("sanity").get("warnings")).hasSize(1);
    assertThat(root.get("candidates").get("mode").asText()).isEqualTo("paper");
    assertThat(root.get("settings").get("testUsers").asInt()).isEqualTo(ExperimentTestSupport.TEST.size());
    assertThat(root.get("settings").get("llm").asText()).startsWith("simulated LLM");
    assertThat(ExperimentReport.csv(result).lines().skip(1)).allSatisfy(l -> assertThat(l).endsWith(",simulated LLM (a scripted test stand-in)"));
    assertThat(Charts.llmTag(result)).isEqualTo("[simulated LLM] ");
    assertThat(root.get("candidates").get("base").asText()).isEqualTo("LightGCN(test)");
    JsonNode methods = root.get("methods");
    assertThat(methods).hasSize(7);
    assertThat(methods.get(5).get("kind").asText()).isEqualTo("sanity");
    assertThat(methods.get(1).get("metrics").get("hitRateAt1").asDouble()).isEqualTo(1.0);
    assertThat(methods.get(0).get("versusBase").isNull()).isTrue();
    JsonNode dir = methods.get(1);
    assertThat(dir.get("name").asText()).isEqualTo("LLM-Dir");
    assertThat(dir.get("metrics").get("ndcg").asDouble()).isEqualTo(1.0);
    assertThat(dir.get("testUsage").get("byStage").get("DIRECT_RERANK").get("calls").asInt())
        .isEqualTo(ExperimentTestSupport.TEST.size());
    assertThat(dir.get("users")).hasSize(ExperimentTestSupport.TEST.size());
    assertThat(dir.get("users").get(0).get("position").asInt()).isEqualTo(1);
    assertThat(methods.get(3).get("validationCurve").size()).isPositive();
    assertThat(methods.get(3).get("parameters").get("batchSize").asText()).isEqualTo("5");
  }

  @Test
  void csv_oneRowPerMethodAndPerUser() {
    String[] lines = ExperimentReport.csv(result).split("\n");
    assertThat(lines).hasSize(8);
    assertThat(lines[0]).startsWith("method,kind,ndcg,ndcg_low,ndcg_high,delta_vs_base").contains(",hr_at_1,hr_at_3,",
        ",base_order_answers,");
    assertThat(lines[1]).startsWith("Base,base,");
    assertThat(lines[2]).startsWith("LLM-Dir,method,1.0,1.0,1.0,");
    assertThat(lines[6]).startsWith("Pop. ascending,sanity,");
    int columns = lines[0].split(",", -1).length;
    for (String l : lines) {
      assertThat(l.split(",", -1)).hasSize(columns);
    }
    String[] users = ExperimentReport.usersCsv(result).split("\n");
    assertThat(users).hasSize(1 + 7 * ExperimentTestSupport.TEST.size());
    assertThat(users[0]).isEqualTo("method,user,position,ndcg,mrr,hit,fallback,repaired,base_order,ranking");
  }
}
