package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.UserCase;
import dev.agp.eval.report.ExperimentReport;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MethodRppTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("r", 12, 5);
  private static final List<UserCase> TEST = GenreWorld.users("t", 8, 6);

  private static ScriptedLlmClient llm() {
    return ScriptedLlmClient.builder()
        .on(Stage.RPP_RANK, r -> r.lastUserText().contains("step by step") ? "C\nA\nB" : "B\nA\nC")
        .on(Stage.RPP_REFINE, r -> "<reasoning>Rank by genre.</reasoning>")
        .build();
  }

  @Test
  void rpp_trainsPlansItsCallsAndRanksEveryTestUser() {
    Method rppPlus = Method.rpp("RPP+", b -> b.iterations(2).refine(true));
    Experiment experiment = Experiment.builder().llm(llm(), "scripted").train(TRAIN).test(TEST)
        .method(rppPlus).bootstrapSamples(100).build();

    OptionalLong planned = experiment.plan().get("RPP+");
    ExperimentResult result = experiment.run();

    MethodResult r = result.method("RPP+").orElseThrow();
    // training: a refinement and a ranking per user and iteration; serving: the same per test user
    assertThat(planned).hasValue(2L * 12 * 2 + 2L * 8);
    assertThat(r.calls()).isEqualTo(planned.getAsLong());
    assertThat(r.testUsage().stage(Stage.RPP_REFINE).calls()).isEqualTo(8);
    assertThat(r.testUsage().stage(Stage.RPP_RANK).calls()).isEqualTo(8);
    assertThat(r.users()).hasSize(8).allSatisfy(u -> assertThat(u.fallback()).isFalse());
    assertThat(r.details()).containsEntry("method", "RPP+").containsKey("final mean training reward")
        .containsKey("serving").containsKey("RPP+ at serving");
  }

  @Test
  void rppWithUntrainedControl_pairedComparisonAndServedHistogramsInTheReport() throws Exception {
    Experiment experiment = Experiment.builder().llm(llm(), "scripted").train(TRAIN).test(TEST)
        .method(Method.rppUntrained("RPP-untrained", b -> b.iterations(2)))
        .method(Method.rpp("RPP", b -> b.iterations(2)))
        .bootstrapSamples(200).build();
    assertThat(experiment.plan().get("RPP-untrained")).hasValue(8);
    ExperimentResult result = experiment.run();

    MethodResult untrained = result.method("RPP-untrained").orElseThrow();
    assertThat(untrained.calls()).isEqualTo(8);
    assertThat(untrained.trainingUsage().total().calls()).isZero();
    assertThat(untrained.details()).containsEntry("method", "RPP-untrained");
    // every agent on its default action: one bar holds every prompt
    assertThat(untrained.servedHistograms()).hasSize(4).allSatisfy(h -> {
      assertThat(h.total()).isEqualTo(8);
      assertThat(h.bars()).anySatisfy(b -> assertThat(b.count()).isEqualTo(8));
    });
    MethodResult rpp = result.method("RPP").orElseThrow();
    assertThat(rpp.servedHistograms()).extracting(Histogram::title).containsExactly(
        "RPP: role playing", "RPP: history records (items shown)", "RPP: reasoning guidance", "RPP: output format");
    assertThat(rpp.servedHistograms()).allSatisfy(h -> assertThat(h.total()).isEqualTo(8));
    assertThat(rpp.servedHistograms().get(2).bars()).hasSize(9);

    MethodResult.PairedComparison p = result.paired("RPP", "RPP-untrained").orElseThrow();
    double expected = rpp.ndcg().mean() - untrained.ndcg().mean();
    assertThat(p.meanDifference()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p.baseline()).isEqualTo("RPP-untrained");
    assertThat(p.wins() + p.losses() + p.ties()).isEqualTo(8);
    assertThat(result.paired("RPP", "nobody")).isEmpty();
    assertThat(result.paired("RPP", "RPP-untrained")).isEqualTo(result.paired("RPP", "RPP-untrained"));

    String md = ExperimentReport.markdown(result);
    assertThat(md).contains("## What RPP learned: against its untrained prompt")
        .contains("| RPP | " + String.format(java.util.Locale.ROOT, "%+.4f", p.meanDifference()))
        .contains("## Served prompts").contains("**RPP: reasoning guidance**")
        .contains("Answers cut at their output cap");
    JsonNode json = new ObjectMapper().readTree(ExperimentReport.json(result));
    assertThat(json.get("versusRppUntrained").get(0).get("method").asText()).isEqualTo("RPP");
    assertThat(json.get("methods").get(2).get("servedHistograms")).hasSize(4);
    assertThat(json.get("methods").get(2).get("testUsage").has("truncated")).isTrue();
  }
}
