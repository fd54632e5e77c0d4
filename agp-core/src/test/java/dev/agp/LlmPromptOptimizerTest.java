package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmPromptOptimizerTest {

  private static final BatchFeedback FEEDBACK =
      new BatchFeedback("1. Name the genre.", Map.of("u", 1.0), 6, 5, 0.35, UpdateStrength.LARGE, 0, true);

  private static LlmPromptOptimizer optimizer(ScriptedLlmClient llm, int maxChars) {
    AgpSettings s = Fixtures.builder().initialPrompt("Short.").maxPromptChars(maxChars).settings();
    return new LlmPromptOptimizer(new LlmCalls(llm, s.temperatures(), s.maxOutputTokens()),
        s.templates().get(TemplateName.OPTIMIZE), "movie", s.limits());
  }

  @Test
  void update_markedPrompt_isAccepted() {
    ScriptedLlmClient llm = ScriptedLlmClient.always("Sure!\n<prompt>\nDescribe genres <and> eras.\n</prompt>\nDone.");

    ProfilePrompt p = optimizer(llm, 4000).update(new ProfilePrompt("Describe the user."), FEEDBACK);

    assertThat(p.text()).isEqualTo("Describe genres (and) eras.");
    String request = llm.requests(Stage.OPTIMIZE).get(0).lastUserText();
    assertThat(request).contains("Describe the user.", "1. Name the genre.", UpdateStrength.LARGE.words(),
        "under 4000 characters", "mean NDCG@10 0.350", "mean position 6.00");
  }

  @Test
  void extract_lastCompleteBlock_wins() {
    assertThat(LlmPromptOptimizer.extract("<prompt>draft</prompt> better: <PROMPT> final </Prompt>", 100))
        .isEqualTo("final");
  }

  @Test
  void extract_unusableAnswers_areRejectedWithAReason() {
    assertThatThrownBy(() -> LlmPromptOptimizer.extract("Describe the user better.", 100))
        .isInstanceOf(RejectedUpdateException.class).hasMessageContaining("no <prompt>");
    assertThatThrownBy(() -> LlmPromptOptimizer.extract("<prompt>   </prompt>", 100))
        .isInstanceOf(RejectedUpdateException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> LlmPromptOptimizer.extract("<prompt>" + "x".repeat(101) + "</prompt>", 100))
        .isInstanceOf(RejectedUpdateException.class).hasMessageContaining("101 characters, over the cap of 100");
    assertThatThrownBy(() -> LlmPromptOptimizer.extract("text</prompt>", 100))
        .isInstanceOf(RejectedUpdateException.class).hasMessageContaining("without opening");
    assertThatThrownBy(() -> LlmPromptOptimizer.extract("<prompt>cut off mid-way", 100))
        .isInstanceOf(RejectedUpdateException.class);
  }

  @Test
  void update_overlongProposal_isRejected() {
    ScriptedLlmClient llm = ScriptedLlmClient.always("<prompt>" + "word ".repeat(40) + "</prompt>");
    assertThatThrownBy(() -> optimizer(llm, 60).update(new ProfilePrompt("Short."), FEEDBACK))
        .isInstanceOf(RejectedUpdateException.class).hasMessageContaining("over the cap of 60");
  }
}
