package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.UserCase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ControlsTest {

  private static final List<UserCase> TRAIN = ExperimentTest.TRAIN;
  private static final List<UserCase> TEST = ExperimentTest.TEST;

  private static List<Integer> places(List<UserCase> users) {
    List<Integer> out = new ArrayList<>();
    for (UserCase u : users) {
      for (int i = 0; i < u.candidates().size(); i++) {
        if (u.relevantItemIds().contains(u.candidates().get(i).id())) {
          out.add(i);
        }
      }
    }
    return out;
  }

  @Test
  void permuteLabels_sameUsersListsAndPlaces_otherLabels() {
    List<UserCase> permuted = Controls.permuteLabels(TRAIN, 42);
    assertThat(permuted).hasSameSizeAs(TRAIN);
    int changed = 0;
    for (int i = 0; i < TRAIN.size(); i++) {
      UserCase a = TRAIN.get(i);
      UserCase b = permuted.get(i);
      assertThat(b.userId()).isEqualTo(a.userId());
      assertThat(b.history()).isEqualTo(a.history());
      assertThat(b.candidates()).isEqualTo(a.candidates());
      assertThat(b.relevantItemIds()).hasSameSizeAs(a.relevantItemIds());
      if (!b.relevantItemIds().equals(a.relevantItemIds())) {
        changed++;
      }
    }
    assertThat(changed).isPositive();
    assertThat(places(permuted)).containsExactlyInAnyOrderElementsOf(places(TRAIN));
    assertThat(Controls.permuteLabels(TRAIN, 42)).isEqualTo(permuted);
    assertThat(Controls.permuteLabels(TRAIN, 43)).isNotEqualTo(permuted);
  }

  @Test
  void permuteLabels_listsOfOtherSizes_stayWithinTheirGroup() {
    List<Item> three = List.of(Item.of("a", "A"), Item.of("b", "B"), Item.of("c", "C"));
    List<Item> two = List.of(Item.of("x", "X"), Item.of("y", "Y"));
    List<UserCase> users = List.of(
        new UserCase("u1", List.of(), three, java.util.Set.of("c")),
        new UserCase("u2", List.of(), two, java.util.Set.of("y")),
        new UserCase("u3", List.of(), three, java.util.Set.of("a")));
    for (long seed = 0; seed < 20; seed++) {
      List<UserCase> p = Controls.permuteLabels(users, seed);
      assertThat(p.get(1).relevantItemIds()).containsExactly("y");
      assertThat(List.of(p.get(0).relevantItemIds(), p.get(2).relevantItemIds()))
          .containsExactlyInAnyOrder(java.util.Set.of("c"), java.util.Set.of("a"));
    }
  }

  @Test
  void permuteLabels_userWithoutLabel_refused() {
    UserCase serving = UserCase.forServing("s", List.of(), List.of(Item.of("a", "A")));
    assertThatThrownBy(() -> Controls.permuteLabels(List.of(serving), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user s has no relevant item");
  }

  @Test
  void trainingPopularity_countsTrainingInteractionsOnly() {
    List<Interaction> xs = new ArrayList<>();
    for (String u : List.of("u1", "u2")) {
      xs.add(new Interaction(u, "pop", 1, Instant.ofEpochSecond(1)));
      xs.add(new Interaction(u, "val-" + u, 1, Instant.ofEpochSecond(2)));
      xs.add(new Interaction(u, "test-" + u, 1, Instant.ofEpochSecond(3)));
    }
    Map<String, Long> counts = Controls.trainingPopularity(LeaveOneOut.split(xs));
    assertThat(counts).containsExactly(Map.entry("pop", 2L));
  }

  @Test
  void sanityRows_userBlindOrdersWithoutCalls() {
    Map<String, Integer> pop = new HashMap<>();
    UserCase u = TEST.get(0);
    for (int i = 0; i < u.candidates().size(); i++) {
      pop.put(u.candidates().get(i).id(), i % 3);
    }
    ExperimentResult r = Experiment.builder().test(TEST)
        .method(Method.popularityOrder(pop, true)).method(Method.popularityOrder(pop, false)).method(Method.randomOrder(7))
        .bootstrapSamples(200).build().run();
    assertThat(r.methods()).extracting(MethodResult::kind)
        .containsExactly(MethodKind.BASE, MethodKind.SANITY, MethodKind.SANITY, MethodKind.SANITY);
    assertThat(r.methods()).allSatisfy(m -> assertThat(m.calls()).isZero());
    List<String> asc = r.method("Pop. ascending").orElseThrow().users().get(0).ranking();
    List<String> ids = u.candidateIds();
    // counts 0,1,2,0,1,2,...: ascending keeps base order within a count
    List<String> expected = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < ids.size(); i++) {
        if (i % 3 == c) {
          expected.add(ids.get(i));
        }
      }
    }
    assertThat(asc).isEqualTo(expected);
    List<String> desc = r.method("Pop. descending").orElseThrow().users().get(0).ranking();
    assertThat(desc.get(0)).isEqualTo(ids.get(2));
    MethodResult random = r.method("Random order").orElseThrow();
    assertThat(random.users().get(0).ranking()).containsExactlyInAnyOrderElementsOf(ids).isNotEqualTo(ids);
    ExperimentResult again = Experiment.builder().test(TEST).method(Method.randomOrder(7)).bootstrapSamples(200).build().run();
    assertThat(again.method("Random order").orElseThrow().users()).isEqualTo(random.users());
  }

  @Test
  void sanityWarnings_userBlindOrderThatFindsTheHeldOutItem_isFlagged() {
    Map<String, Long> leastPopularIsRelevant = new HashMap<>();
    for (UserCase u : TEST) {
      for (Item c : u.candidates()) {
        leastPopularIsRelevant.put(c.id(), u.relevantItemIds().contains(c.id()) ? 0L : 100L);
      }
    }
    ExperimentResult flagged = Experiment.builder().test(TEST)
        .method(Method.popularityOrder(leastPopularIsRelevant, true)).bootstrapSamples(200).build().run();
    assertThat(flagged.sanityWarnings()).singleElement().asString()
        .contains("Pop. ascending, a user-blind order, beats Base by +").contains("half-width");

    ExperimentResult fine = Experiment.builder().test(TEST)
        .method(Method.popularityOrder(Map.of(), true)).bootstrapSamples(200).build().run();
    assertThat(fine.sanityWarnings()).isEmpty();
    assertThat(fine.baseHalfWidth()).isPresent();
  }

  @Test
  void compare_pairsOfMethods_pairedStatisticsOnTheSameUsers() {
    ExperimentResult r = ExperimentTest.experiment(ExperimentTest.script().build(), 2)
        .compare("AGP", "LLM-Dir").compare("LLM-Dir", "LLM-CoT").build().run();
    assertThat(r.comparisons()).extracting(ExperimentResult.MethodComparison::method).containsExactly("AGP", "LLM-Dir");
    MethodResult.PairedComparison dirVsCot = r.comparisons().get(1).versus();
    assertThat(dirVsCot.baseline()).isEqualTo("LLM-CoT");
    double dir = r.method("LLM-Dir").orElseThrow().ndcg().mean();
    double cot = r.method("LLM-CoT").orElseThrow().ndcg().mean();
    assertThat(dirVsCot.meanDifference()).isCloseTo(dir - cot, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(dirVsCot.wins() + dirVsCot.losses() + dirVsCot.ties()).isEqualTo(TEST.size());
    // LLM-CoT's answers name one label: repaired into the base order, and counted as such
    assertThat(r.method("LLM-CoT").orElseThrow().baseOrderAnswers()).isEqualTo(TEST.size());
    assertThat(r.method("LLM-Dir").orElseThrow().hitRate(1)).isEqualTo(1.0);
  }

  @Test
  void compare_unknownMethodOrItself_refused() {
    assertThatThrownBy(() -> Experiment.builder().test(TEST).compare("AGP", "Base").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no method is named AGP");
    assertThatThrownBy(() -> Experiment.builder().compare("Base", "Base"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agpUntrained_servesTheStartingPromptWithTwoCallsPerUser() {
    ExperimentResult r = Experiment.builder().llm(ExperimentTest.script().build()).test(TEST)
        .method(Method.agpUntrained("AGP-untrained", b -> b.initialPrompt("Describe the user in one sentence.")))
        .bootstrapSamples(200).build().run();
    MethodResult m = r.method("AGP-untrained").orElseThrow();
    assertThat(m.kind()).isEqualTo(MethodKind.CONTROL);
    assertThat(m.details()).containsEntry("prompt (untrained)", "Describe the user in one sentence.");
    assertThat(m.trainingUsage().total().calls()).isZero();
    assertThat(m.calls()).isEqualTo(2L * TEST.size()).isEqualTo(m.plannedCalls().getAsLong());
  }

  @Test
  void withPermutedLabels_trainsOnPermutedTrainingLabelsOnly() {
    AtomicReference<MethodContext> seen = new AtomicReference<>();
    Method probe = Method.trained("Probe", ctx -> {
      seen.set(ctx);
      return dev.agp.Ranking::base;
    });
    Method control = probe.withPermutedLabels(42);
    assertThat(control.name()).isEqualTo("Probe (permuted labels)");
    assertThat(control.kind()).isEqualTo(MethodKind.CONTROL);
    ExperimentResult r = Experiment.builder().train(TRAIN).validation(ExperimentTest.VALIDATION).test(TEST)
        .method(control).bootstrapSamples(200).build().run();
    assertThat(seen.get().train()).isEqualTo(Controls.permuteLabels(TRAIN, 42));
    assertThat(seen.get().validation()).isEqualTo(ExperimentTest.VALIDATION);
    assertThat(r.method("Probe (permuted labels)").orElseThrow().details()).containsKey("control");
    assertThat(control.named("X").kind()).isEqualTo(MethodKind.CONTROL);
    assertThat(control.withPermutationVoting(2, 1).kind()).isEqualTo(MethodKind.CONTROL);
  }
}
