package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.UserCase;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MethodRppTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("r", 12, 5);
  private static final List<UserCase> TEST = GenreWorld.users("t", 8, 6);

  @Test
  void rpp_trainsPlansItsCallsAndRanksEveryTestUser() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder()
        .on(Stage.RPP_RANK, r -> "B\nA\nC")
        .on(Stage.RPP_REFINE, r -> "<reasoning>Rank by genre.</reasoning>")
        .build();
    Method rppPlus = Method.rpp("RPP+", b -> b.iterations(2).refine(true));
    Experiment experiment = Experiment.builder().llm(llm, "scripted").train(TRAIN).test(TEST)
        .method(rppPlus).bootstrapSamples(100).build();

    OptionalLong planned = experiment.plan().get("RPP+");
    ExperimentResult result = experiment.run();

    MethodResult r = result.method("RPP+").orElseThrow();
    assertThat(planned).hasValue(2L * 12 * 2 + 8);
    assertThat(r.calls()).isEqualTo(planned.getAsLong());
    assertThat(r.users()).hasSize(8).allSatisfy(u -> assertThat(u.fallback()).isFalse());
    assertThat(r.details()).containsEntry("method", "RPP+").containsKey("final mean training reward");
  }
}
