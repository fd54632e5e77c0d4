package dev.agp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpOptimizer;
import dev.agp.FeedbackMode;
import dev.agp.LlmRerankers;
import dev.agp.UserCase;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.rpp.RppOptimizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltInPromptsTest {

  @Test
  void stageOf_everyBuiltInPrompt_isRecognised() {
    ScriptedLlmClient llm = GenreWorld.llm()
        .on(Stage.DIRECT_RERANK, r -> "<ranking>A</ranking>")
        .on(Stage.COT_RERANK, r -> "<ranking>A</ranking>")
        .on(Stage.RPP_RANK, r -> "A")
        .on(Stage.RPP_REFINE, r -> "<reasoning>Rank by genre.</reasoning>")
        .build();
    List<UserCase> train = GenreWorld.users("u", 10, 1);
    List<UserCase> validation = GenreWorld.users("v", 3, 2);

    AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).batchSize(5).epochs(1).build()
        .fit(train, validation);
    AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).batchSize(5).epochs(1)
        .feedbackMode(FeedbackMode.COMPACT).build().fit(train, validation);
    LlmRerankers.direct(llm).rerank(train.get(0));
    LlmRerankers.chainOfThought(llm).rerank(train.get(0));
    RppOptimizer.builder().llm(llm).iterations(1).refine(true).build().fit(train);

    Set<Stage> seen = EnumSet.noneOf(Stage.class);
    for (LlmRequest r : llm.requests()) {
      assertThat(BuiltInPrompts.stageOf(r)).as(r.lastUserText()).isEqualTo(r.stage());
      seen.add(r.stage());
    }
    assertThat(seen).isEqualTo(EnumSet.allOf(Stage.class));
  }
}
