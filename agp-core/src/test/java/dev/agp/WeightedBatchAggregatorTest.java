package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedBatchAggregatorTest {

  private final List<UserOutcome> batch =
      List.of(
          Fixtures.outcomeAt("a", 1, null),
          Fixtures.outcomeAt("b", 3, "Critique B: the profile ignored the era."),
          Fixtures.outcomeAt("c", 6, "Critique C: the profile missed the genre."));

  private final ScriptedLlmClient llm =
      ScriptedLlmClient.builder().on(Stage.SUMMARIZE, r -> "1. Name the genre.\n2. Note the era.").build();

  private WeightedBatchAggregator aggregator(AgpOptimizer.Builder b) {
    AgpSettings s = b.settings();
    return new WeightedBatchAggregator(new LlmCalls(llm, s.temperatures(), s.maxOutputTokens()), s);
  }

  @Test
  void aggregate_positionWeights_growWithAveragePosition() {
    BatchFeedback f = aggregator(Fixtures.builder()).aggregate(batch);

    assertThat(f.weights()).containsOnlyKeys("a", "b", "c");
    assertThat(f.weights().get("a")).isCloseTo(0.1, within(1e-12));
    assertThat(f.weights().get("b")).isCloseTo(0.3, within(1e-12));
    assertThat(f.weights().get("c")).isCloseTo(0.6, within(1e-12));
    assertThat(f.averagePosition()).isCloseTo(10 / 3.0, within(1e-12));
    assertThat(f.averageDisplacement()).isCloseTo(7 / 3.0, within(1e-12));
    double ndcg = (1 + 1 / log2(4) + 1 / log2(7)) / 3;
    assertThat(f.ndcg()).isCloseTo(ndcg, within(1e-12));
    assertThat(f.strength()).isEqualTo(UpdateStrength.MODERATE);
    assertThat(f.summarised()).isTrue();
    assertThat(f.text()).isEqualTo("1. Name the genre.\n2. Note the era.");
  }

  @Test
  void aggregate_literalFormula_weightsInversePosition() {
    BatchFeedback f = aggregator(Fixtures.builder().weighting(WeightScheme.INVERSE_POSITION)).aggregate(batch);

    double sum = 1 + 1 / 3.0 + 1 / 6.0;
    assertThat(f.weights().get("a")).isCloseTo(1 / sum, within(1e-12));
    assertThat(f.weights().get("b")).isCloseTo((1 / 3.0) / sum, within(1e-12));
    assertThat(f.weights().get("c")).isCloseTo((1 / 6.0) / sum, within(1e-12));
  }

  @Test
  void aggregate_uniform_weightsEqually() {
    BatchFeedback f = aggregator(Fixtures.builder().weighting(WeightScheme.UNIFORM)).aggregate(batch);
    assertThat(f.weights().values()).allSatisfy(w -> assertThat(w).isCloseTo(1 / 3.0, within(1e-12)));
  }

  @Test
  void aggregate_paperMode_sendsCritiquesLargestWeightFirst() {
    aggregator(Fixtures.builder()).aggregate(batch);

    LlmRequest r = llm.requests(Stage.SUMMARIZE).get(0);
    String text = r.lastUserText();
    assertThat(text).contains("User 3 (weight 0.600):\nCritique C", "User 2 (weight 0.300):\nCritique B",
        "User 1 (weight 0.100):\nRanked on target with this profile: Profile of a");
    assertThat(text.indexOf("User 3")).isLessThan(text.indexOf("User 2"));
    assertThat(text.indexOf("User 2")).isLessThan(text.indexOf("User 1"));
    assertThat(text).contains("Describe the user.");
    assertThat(r.stage()).isEqualTo(Stage.SUMMARIZE);
    assertThat(r.maxOutputTokens()).hasValue(AgpOptimizer.DEFAULT_MAX_OUTPUT_TOKENS.get(Stage.SUMMARIZE));
  }

  @Test
  void aggregate_sizeCap_keepsLargestWeightsAndCountsDropped() {
    BatchFeedback f = aggregator(Fixtures.builder().maxFeedbackChars(200)).aggregate(batch);

    String text = llm.requests(Stage.SUMMARIZE).get(0).lastUserText();
    assertThat(text).contains("Critique C", "Critique B").doesNotContain("Profile of a");
    assertThat(f.droppedUsers()).isEqualTo(1);
    assertThat(f.weights()).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void aggregate_summarisationOff_passesTheWeightedCritiquesOn() {
    BatchFeedback f = aggregator(Fixtures.builder().summarize(false)).aggregate(batch);

    assertThat(llm.callCount()).isZero();
    assertThat(f.summarised()).isFalse();
    assertThat(f.text()).contains("Critique C", "Critique B", "weight 0.600");
  }

  @Test
  void aggregate_compactMode_showsProfilesAndPositions() {
    aggregator(Fixtures.builder().feedbackMode(FeedbackMode.COMPACT)).aggregate(batch);

    String text = llm.requests(Stage.SUMMARIZE).get(0).lastUserText();
    assertThat(text).contains("Profile: Profile of c", "Outcome: The user chose the movie \"Title 0\": the ranking placed it 6 of 10");
    assertThat(text).doesNotContain("Critique C");
  }

  @Test
  void aggregate_scoreOnly_sendsOnlyScoreAndErrorCount() {
    BatchFeedback f = aggregator(Fixtures.builder().feedbackSignal(FeedbackSignal.SCORE_ONLY)).aggregate(batch);

    assertThat(llm.callCount()).isZero();
    assertThat(f.text()).contains("Mean NDCG@10 over the batch's 3 users: 0.619", "below its target position: 2 of 3")
        .doesNotContain("Title", "Critique");
    assertThat(f.strength()).isEqualTo(UpdateStrength.MODERATE);
  }

  @Test
  void aggregate_emptySummary_fallsBackToTheFeedback() {
    ScriptedLlmClient empty = ScriptedLlmClient.builder().on(Stage.SUMMARIZE, r -> "  ").build();
    AgpSettings s = Fixtures.builder().settings();
    BatchFeedback f = new WeightedBatchAggregator(new LlmCalls(empty, Map.of(), Map.of()), s).aggregate(batch);

    assertThat(f.summarised()).isFalse();
    assertThat(f.text()).contains("Critique C");
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
