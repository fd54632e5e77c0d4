package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.UserCase;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance: in {@link RppWorld} one reasoning sentence ranks well for saga watchers
 * and another for genre fans. After a fit with the default options (the paper's: 15 iterations,
 * discount 0.95, learning rates 3e-4 and 5e-4) on the paper's 100 training users, the policy must
 * pick the right sentence for at least 90% of held-out users of each kind — instance-wise
 * learning, not one global choice. The choice checked is the one served: the last step of the
 * greedy roll-forward over the trained steps ({@link RppServingTest} checks the path itself).
 */
class RppLearningTest {

  private static final int TRAIN_PER_KIND = 50;
  private static final int HELD_OUT_PER_KIND = 50;

  @TempDir Path dir;

  /** The share of {@code users} whose chosen reasoning sentence is (a refinement of) {@code right}. */
  static double share(RppModel model, List<UserCase> users, int right) {
    int ok = 0;
    for (UserCase u : users) {
      if (RppWorld.reasoning(model.choose(u).sentence(PromptPattern.REASONING_GUIDANCE)) == right) {
        ok++;
      }
    }
    return (double) ok / users.size();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {42, 7, 2025})
  void fit_rightReasoningDependsOnKind_policyPicksItForHeldOutUsersOfEachKind(long seed) {
    List<UserCase> train = RppTesting.mixed("t", TRAIN_PER_KIND, seed * 100);
    List<UserCase> sagaFans = RppWorld.users(RppWorld.Kind.SAGA, "hs", HELD_OUT_PER_KIND, seed * 100 + 50);
    List<UserCase> genreFans = RppWorld.users(RppWorld.Kind.GENRE, "hg", HELD_OUT_PER_KIND, seed * 100 + 51);
    ScriptedLlmClient llm = RppWorld.llm().build();

    RppModel model = RppOptimizer.builder().llm(llm).domain(RppWorld.DOMAIN).seed(seed).build().fit(train);

    double saga = share(model, sagaFans, RppWorld.NEXT);
    double genre = share(model, genreFans, RppWorld.WHOLE);
    RppHistory h = model.history();
    System.out.printf("RPP seed %d: right reasoning for held-out saga watchers %.2f, genre fans %.2f;"
        + " training reward %.3f (iteration 1) -> %.3f (iteration 15)%n",
        seed, saga, genre, h.iterations().get(0).meanReward(), h.finalMeanReward());
    assertThat(saga).isGreaterThanOrEqualTo(0.9);
    assertThat(genre).isGreaterThanOrEqualTo(0.9);
    assertThat(h.finalMeanReward()).isGreaterThan(h.iterations().get(0).meanReward() + 0.2);
    assertThat(llm.calls()).containsExactlyEntriesOf(java.util.Map.of(Stage.RPP_RANK, 15L * train.size()));
  }

  @Test
  void fitPlus_rightReasoningPerKindAndGoodRewritesJoinTheBoundedActionSpace() {
    List<UserCase> train = RppTesting.mixed("t", TRAIN_PER_KIND, 4200);
    ScriptedLlmClient llm = RppWorld.llm().build();

    RppModel model = RppOptimizer.builder().llm(llm).domain(RppWorld.DOMAIN).refine(true).build().fit(train);

    double saga = share(model, RppWorld.users(RppWorld.Kind.SAGA, "hs", HELD_OUT_PER_KIND, 4250), RppWorld.NEXT);
    double genre = share(model, RppWorld.users(RppWorld.Kind.GENRE, "hg", HELD_OUT_PER_KIND, 4251), RppWorld.WHOLE);
    System.out.printf("RPP+ seed 42: right reasoning for held-out saga watchers %.2f, genre fans %.2f;"
        + " %d rewrites adopted; training reward %.3f%n",
        saga, genre, model.history().refined().size(), model.history().finalMeanReward());
    assertThat(saga).isGreaterThanOrEqualTo(0.9);
    assertThat(genre).isGreaterThanOrEqualTo(0.9);
    assertThat(llm.calls()).containsEntry(Stage.RPP_RANK, 15L * train.size()).containsEntry(Stage.RPP_REFINE, 15L * train.size());

    List<String> reasoning = model.actionSpace(PromptPattern.REASONING_GUIDANCE);
    assertThat(reasoning.size()).isGreaterThan(9).isLessThanOrEqualTo(9 + RppOptimizer.DEFAULT_MAX_REFINED_SENTENCES);
    assertThat(reasoning.subList(0, 9)).isEqualTo(RppWorld.REASONING);
    assertThat(model.actionSpace(PromptPattern.HISTORY_RECORDS)).hasSize(3);
    assertThat(model.history().refined()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.reward()).isGreaterThanOrEqualTo(RppOptimizer.DEFAULT_REFINE_MIN_REWARD);
      assertThat(r.userIds()).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(RppOptimizer.DEFAULT_REFINE_MIN_USERS);
      assertThat(r.text()).endsWith("Mind this user's taste.");
      assertThat(model.actionSpace(r.pattern()).get(r.parent())).isNotEqualTo(r.text());
      assertThat(r.pattern()).isNotEqualTo(PromptPattern.HISTORY_RECORDS);
    });
    for (int a = 9; a < reasoning.size(); a++) {
      assertThat(RppWorld.reasoning(reasoning.get(a))).isBetween(0, 8);
    }
  }

  @ParameterizedTest(name = "refine {0}")
  @ValueSource(booleans = {false, true})
  void fit_concurrency1And8_identicalModels(boolean refine) throws Exception {
    List<UserCase> train = RppTesting.mixed("c", 12, 77);
    Path one = dir.resolve("one.json");
    Path eight = dir.resolve("eight.json");
    RppOptimizer.builder().llm(RppWorld.llm().build()).domain(RppWorld.DOMAIN).refine(refine).iterations(6)
        .batchSize(8).concurrency(1).ticker(RppTesting.FROZEN).build().fit(train).save(one);
    RppOptimizer.builder().llm(RppWorld.llm().build()).domain(RppWorld.DOMAIN).refine(refine).iterations(6)
        .batchSize(8).concurrency(8).ticker(RppTesting.FROZEN).build().fit(train).save(eight);
    assertThat(Files.readString(eight)).isEqualTo(Files.readString(one));
  }
}
