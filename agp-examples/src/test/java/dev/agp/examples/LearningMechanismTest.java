package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.BatchRecord;
import dev.agp.FeedbackCalculator;
import dev.agp.FeedbackSignal;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.eval.Controls;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests that fail if AGP's learning mechanism breaks: on a world with planted structure ({@link
 * DriftWorld}) and the simulated LLM, the prompt learned from the true labels must beat the one
 * learned from the same users' labels permuted, and the reference code's bug (critiques shown the
 * base ranking, not the LLM's) must cost something. Seeded; the figures are in the issue note.
 */
class LearningMechanismTest {

  private static final long[] SEEDS = {1, 2, 3};
  private static final DriftWorld WORLD = new DriftWorld();
  private static List<UserCase> train;
  private static List<UserCase> validation;

  @BeforeAll
  static void users() {
    train = WORLD.users("t", 100, 1, 0.7);
    validation = WORLD.users("v", 60, 2, 0.7);
  }

  private static final java.util.Map<String, AgpModel> FITS = new java.util.concurrent.ConcurrentHashMap<>();

  private static AgpModel fit(long seed, List<UserCase> users, UnaryOperator<AgpOptimizer.Builder> options) {
    return options.apply(AgpOptimizer.builder().llm(WORLD.llm()).domain("movie").seed(seed).concurrency(4))
        .build().fit(users, validation);
  }

  /** The fit on the true labels with default options, shared by the tests that compare with it. */
  private static AgpModel reference(long seed) {
    return FITS.computeIfAbsent("reference-" + seed, k -> fit(seed, train, UnaryOperator.identity()));
  }

  private static double meanBest(List<AgpModel> models) {
    return models.stream().mapToDouble(m -> m.history().bestValidationNdcg()).average().orElseThrow();
  }

  /** The prompt after every batch: the path the learning took. */
  private static List<String> path(AgpModel m) {
    List<String> out = new ArrayList<>();
    for (BatchRecord b : m.history().batches()) {
      out.add(b.promptAfter());
    }
    return out;
  }

  @Test
  void fit_trueLabels_beatPermutedLabels_andLearnOtherPrompts() {
    List<AgpModel> trueLabels = new ArrayList<>();
    List<AgpModel> permuted = new ArrayList<>();
    for (long seed : SEEDS) {
      trueLabels.add(reference(seed));
      permuted.add(fit(seed, Controls.permuteLabels(train, seed), UnaryOperator.identity()));
    }
    double initial = trueLabels.get(0).history().epochs().get(0).validationNdcg();
    assertThat(meanBest(trueLabels)).as("true labels improve on the starting prompt").isGreaterThan(initial + 0.01);
    assertThat(meanBest(trueLabels)).as("true labels beat permuted ones").isGreaterThan(meanBest(permuted) + 0.005);
    assertThat(trueLabels.stream().map(m -> m.prompt().text()).toList())
        .isNotEqualTo(permuted.stream().map(m -> m.prompt().text()).toList());
  }

  @Test
  void fit_critiqueShownTheBaseRanking_learnsLess() {
    FeedbackCalculator positions = FeedbackCalculator.positions(10, AgpOptimizer.DEFAULT_MAX_TITLE_CHARS, "movie");
    List<AgpModel> right = new ArrayList<>();
    List<AgpModel> bug = new ArrayList<>();
    for (long seed : SEEDS) {
      right.add(reference(seed));
      bug.add(fit(seed, train, b -> b.feedbackCalculator((u, r) -> positions.feedback(u, Ranking.base(u)))));
    }
    assertThat(meanBest(right)).isGreaterThan(meanBest(bug) + 0.005);
  }

  @Test
  void fit_summarisationOff_takesAnotherPath() {
    boolean differs = false;
    for (long seed : SEEDS) {
      AgpModel summarised = reference(seed);
      AgpModel raw = fit(seed, train, b -> b.summarize(false));
      differs |= !path(summarised).equals(path(raw));
    }
    assertThat(differs).as("the optimiser reading raw critiques edits differently").isTrue();
  }

  @Test
  void fit_scoreOnly_editsBlindlyFromTheScoreShown() {
    boolean differs = false;
    for (long seed : SEEDS) {
      AgpModel positionsModel = reference(seed);
      AgpModel scoreOnly = fit(seed, train, b -> b.feedbackSignal(FeedbackSignal.SCORE_ONLY));
      assertThat(scoreOnly.history().batches()).as("seed %d: score-only feedback still edits the prompt", seed)
          .anySatisfy(r -> assertThat(r.promptAfter()).isNotEqualTo(r.promptBefore()));
      differs |= !path(positionsModel).equals(path(scoreOnly));
    }
    assertThat(differs).isTrue();
  }
}
