package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.common.testing.NullPointerTester;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import dev.agp.prompt.PromptTemplates;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgpOptimizerTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 20, 1);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 5, 2);

  private static AgpOptimizer.Builder genre(LlmClient llm) {
    return AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).batchSize(5).domain("movie");
  }

  // ------------------------------------------------------------------ builder

  @Test
  void builder_nullArguments_throwNullPointerException() {
    new NullPointerTester()
        .setDefault(Stage.class, Stage.PROFILE)
        .setDefault(TemplateName.class, TemplateName.RERANK)
        .setDefault(String.class, "movie")
        .testAllPublicInstanceMethods(AgpOptimizer.builder());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("batchSize", (Consumer<AgpOptimizer.Builder>) b -> b.batchSize(0)),
        Arguments.of("epochs", (Consumer<AgpOptimizer.Builder>) b -> b.epochs(0)),
        Arguments.of("historyLength", (Consumer<AgpOptimizer.Builder>) b -> b.historyLength(0)),
        Arguments.of("patience", (Consumer<AgpOptimizer.Builder>) b -> b.patience(0)),
        Arguments.of("concurrency", (Consumer<AgpOptimizer.Builder>) b -> b.concurrency(-1)),
        Arguments.of("validationFraction", (Consumer<AgpOptimizer.Builder>) b -> b.validationFraction(1.0)),
        Arguments.of("validationFraction", (Consumer<AgpOptimizer.Builder>) b -> b.validationFraction(Double.NaN)),
        Arguments.of("maxFailureRate", (Consumer<AgpOptimizer.Builder>) b -> b.maxFailureRate(1.5)),
        Arguments.of("cutoff", (Consumer<AgpOptimizer.Builder>) b -> b.cutoff(0)),
        Arguments.of("maxPromptChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxPromptChars(10)),
        Arguments.of("maxProfileChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxProfileChars(1)),
        Arguments.of("maxTitleChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxTitleChars(2)),
        Arguments.of("maxCritiqueChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxCritiqueChars(2)),
        Arguments.of("maxFeedbackChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxFeedbackChars(2)),
        Arguments.of("maxSummaryChars", (Consumer<AgpOptimizer.Builder>) b -> b.maxSummaryChars(2)),
        Arguments.of("summaryWords", (Consumer<AgpOptimizer.Builder>) b -> b.summaryWords(2)),
        Arguments.of("temperature", (Consumer<AgpOptimizer.Builder>) b -> b.temperature(3)),
        Arguments.of("temperature", (Consumer<AgpOptimizer.Builder>) b -> b.temperature(Stage.RERANK, -0.1)),
        Arguments.of("maxOutputTokens", (Consumer<AgpOptimizer.Builder>) b -> b.maxOutputTokens(Stage.RERANK, 0)),
        Arguments.of("domain", (Consumer<AgpOptimizer.Builder>) b -> b.domain(" ")),
        Arguments.of("initialPrompt", (Consumer<AgpOptimizer.Builder>) b -> b.initialPrompt("")),
        Arguments.of("{{candidates}}", (Consumer<AgpOptimizer.Builder>) b -> b.template(TemplateName.RERANK, "{{profile}}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void builder_badValue_throwsIllegalArgumentNamingTheField(String field, Consumer<AgpOptimizer.Builder> setter) {
    assertThatThrownBy(() -> setter.accept(AgpOptimizer.builder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  @Test
  void build_withoutLlm_namesTheStepsThatNeedIt() {
    assertThatThrownBy(() -> AgpOptimizer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("llm(...) is required")
        .hasMessageContaining("profileGenerator")
        .hasMessageContaining("promptOptimizer");
  }

  @Test
  void build_initialPromptOverCap_conflicts() {
    assertThatThrownBy(() -> AgpOptimizer.builder().llm(r -> null).initialPrompt("x".repeat(80)).maxPromptChars(60).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxPromptChars");
  }

  @Test
  void toBuilder_keepsEveryOption() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpOptimizer a = genre(llm).epochs(2).seed(0).feedbackMode(FeedbackMode.COMPACT).weighting(WeightScheme.UNIFORM)
        .template(TemplateName.RERANK, PromptTemplates.builtIn(TemplateName.RERANK) + "\nBe brief.").build();
    AgpOptimizer b = a.toBuilder().build();
    assertThat(b.settings()).isEqualTo(a.settings());
  }

  // ------------------------------------------------------------------ the schedule

  @Test
  void fit_genreWorld_learnsSelectsAndStopsEarly() {
    ScriptedLlmClient llm = GenreWorld.llm().build();

    AgpModel model = genre(llm).epochs(10).patience(2).build().fit(TRAIN, VALIDATION);

    FitHistory h = model.history();
    assertThat(h.epochs()).extracting(EpochRecord::epoch).containsExactly(0, 1, 2, 3);
    assertThat(h.epochs().get(0).validationNdcg()).isLessThan(0.8);
    assertThat(h.epochs().get(1).validationNdcg()).isEqualTo(1.0);
    assertThat(h.epochs()).extracting(EpochRecord::best).containsExactly(true, true, false, false);
    assertThat(h.stoppedEarly()).isTrue();
    assertThat(h.bestEpoch()).isEqualTo(1);
    assertThat(model.prompt().text()).isEqualTo(h.epochs().get(1).prompt()).contains("Name the favourite genre.");
    assertThat(h.batches()).hasSize(3 * 4);
    assertThat(h.batches().get(h.batches().size() - 1).promptAfter()).isNotEqualTo(model.prompt().text());
  }

  @Test
  void fit_shufflesUsersPerEpochWithTheSeed() {
    List<List<String>> orders = epochOrders(7);
    assertThat(orders).hasSize(3);
    for (List<String> order : orders) {
      assertThat(new HashSet<>(order)).isEqualTo(ids(TRAIN));
    }
    assertThat(orders.get(0)).isNotEqualTo(orders.get(1));
    assertThat(epochOrders(7)).isEqualTo(orders);
    assertThat(epochOrders(8)).isNotEqualTo(orders);
  }

  private static List<List<String>> epochOrders(long seed) {
    AgpModel m = genre(GenreWorld.llm().build()).epochs(3).patience(5).seed(seed).build().fit(TRAIN, VALIDATION);
    List<List<String>> orders = new ArrayList<>();
    for (int e = 1; e <= 3; e++) {
      List<String> order = new ArrayList<>();
      for (BatchRecord b : m.history().batches()) {
        if (b.epoch() == e) {
          order.addAll(b.userIds());
        }
      }
      orders.add(order);
    }
    return orders;
  }

  @Test
  void fit_withoutValidation_splitsASeededFifthOff() {
    ScriptedLlmClient llm = GenreWorld.llm().build();

    AgpModel model = genre(llm).epochs(1).build().fit(TRAIN);

    Set<String> trained = new HashSet<>();
    model.history().batches().forEach(b -> trained.addAll(b.userIds()));
    assertThat(trained).hasSize(16);
    assertThat(model.history().epochs().get(0).validationUsers()).isEqualTo(4);
    AgpOptimizer again = genre(GenreWorld.llm().build()).epochs(1).build();
    assertThat(again.estimate(TRAIN).validationUsers()).isEqualTo(4);
    Set<String> trainedAgain = new HashSet<>();
    again.fit(TRAIN).history().batches().forEach(b -> trainedAgain.addAll(b.userIds()));
    assertThat(trainedAgain).isEqualTo(trained);
  }

  @Test
  void fit_invalidUsers_areRefusedNamingTheUser() {
    AgpOptimizer o = genre(GenreWorld.llm().build()).build();
    UserCase serving = UserCase.forServing("s9", List.of(), TRAIN.get(0).candidates());
    assertThatThrownBy(() -> o.fit(List.of(serving), VALIDATION))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s9").hasMessageContaining("no relevant item");
    assertThatThrownBy(() -> o.fit(TRAIN, List.of(TRAIN.get(0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u0").hasMessageContaining("more than once");
    assertThatThrownBy(() -> o.fit(List.of(TRAIN.get(0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> o.fit(TRAIN, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ calls against the plan

  /** A world where nobody ever reaches the target: the reranker reverses the base list, i0 is relevant. */
  private static ScriptedLlmClient stubborn() {
    AtomicInteger edits = new AtomicInteger();
    return ScriptedLlmClient.builder()
        .on(Stage.PROFILE, r -> "A profile.")
        .on(Stage.RERANK, r -> "<ranking>J, I, H, G, F, E, D, C, B, A</ranking>")
        .on(Stage.CRITIQUE, r -> "A critique.")
        .on(Stage.SUMMARIZE, r -> "1. A guideline.")
        .on(Stage.OPTIMIZE, r -> "<prompt>Describe the user, version " + edits.incrementAndGet() + ".</prompt>")
        .build();
  }

  private static List<UserCase> stubbornUsers(String prefix, int n) {
    List<UserCase> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(Fixtures.user(prefix + i, "i0"));
    }
    return users;
  }

  @Test
  void fit_paperMode_callsEqualTheEstimateAndStayWithinThePaperBound() {
    List<UserCase> train = stubbornUsers("t", 100);
    List<UserCase> validation = stubbornUsers("v", 20);
    ScriptedLlmClient llm = stubborn();
    AgpOptimizer optimizer = AgpOptimizer.builder().llm(llm).batchSize(10).epochs(1).build();

    CallEstimate plan = optimizer.estimate(train, validation);
    assertThat(llm.callCount()).isZero();
    AgpModel model = optimizer.fit(train, validation);

    UsageReport usage = model.usage();
    assertThat(usage.calls()).isEqualTo(plan.calls());
    assertThat(usage.calls()).isEqualTo(Map.of(
        Stage.PROFILE, 140L, Stage.RERANK, 140L, Stage.CRITIQUE, 100L, Stage.SUMMARIZE, 10L, Stage.OPTIMIZE, 10L));
    long trainingCalls = usage.total().calls() - 2L * 20 * 2;
    assertThat(trainingCalls).isEqualTo(320).isLessThanOrEqualTo((3 * 10 + 2) * 100 / 10);
    assertThat(llm.calls()).isEqualTo(new EnumMap<>(usage.calls()));
    assertThat(usage.total().inputTokens()).isPositive();
    assertThat(plan.totalInputTokens()).isPositive();
  }

  @Test
  void fit_compactMode_callsEqualTheEstimateAndTheCompactBound() {
    List<UserCase> train = stubbornUsers("t", 100);
    List<UserCase> validation = stubbornUsers("v", 20);
    ScriptedLlmClient llm = stubborn();
    AgpOptimizer optimizer =
        AgpOptimizer.builder().llm(llm).batchSize(10).epochs(1).feedbackMode(FeedbackMode.COMPACT).build();

    CallEstimate plan = optimizer.estimate(train, validation);
    AgpModel model = optimizer.fit(train, validation);

    assertThat(model.usage().calls()).isEqualTo(plan.calls());
    assertThat(model.usage().stage(Stage.CRITIQUE).calls()).isZero();
    assertThat(model.usage().total().calls() - 80).isEqualTo((2 * 10 + 2) * 100 / 10);
  }

  @Test
  void fit_ablations_makeTheirDocumentedCalls() {
    List<UserCase> train = stubbornUsers("t", 20);
    List<UserCase> validation = stubbornUsers("v", 4);

    ScriptedLlmClient noSummary = stubborn();
    AgpModel a = AgpOptimizer.builder().llm(noSummary).batchSize(5).epochs(1).summarize(false).build().fit(train, validation);
    assertThat(a.usage().stage(Stage.SUMMARIZE).calls()).isZero();
    assertThat(a.usage().stage(Stage.CRITIQUE).calls()).isEqualTo(20);
    assertThat(noSummary.requests(Stage.OPTIMIZE).get(0).lastUserText()).contains("A critique.", "weight 0.200");

    ScriptedLlmClient scoreOnly = stubborn();
    AgpOptimizer o = AgpOptimizer.builder().llm(scoreOnly).batchSize(5).epochs(1).feedbackSignal(FeedbackSignal.SCORE_ONLY).build();
    CallEstimate plan = o.estimate(train, validation);
    AgpModel b = o.fit(train, validation);
    assertThat(b.usage().calls()).isEqualTo(plan.calls())
        .containsOnlyKeys(Stage.PROFILE, Stage.RERANK, Stage.OPTIMIZE);
    assertThat(scoreOnly.requests(Stage.OPTIMIZE).get(0).lastUserText())
        .contains("Mean NDCG@10 over the batch's 5 users: 0.289", "5 of 5").doesNotContain("placed it");
  }

  @Test
  void fit_usersAtTarget_needNoCritique() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpOptimizer optimizer = genre(llm).epochs(3).patience(5).build();
    CallEstimate plan = optimizer.estimate(TRAIN, VALIDATION);

    AgpModel model = optimizer.fit(TRAIN, VALIDATION);

    long critiques = model.usage().stage(Stage.CRITIQUE).calls();
    assertThat(critiques).isPositive().isLessThan(plan.calls().get(Stage.CRITIQUE));
    assertThat(model.usage().calls().get(Stage.PROFILE)).isEqualTo(plan.calls().get(Stage.PROFILE));
  }

  // ------------------------------------------------------------------ determinism

  @Test
  void fit_concurrencyOneAndEight_giveIdenticalResults() {
    List<UserCase> train = GenreWorld.users("u", 30, 3);
    ScriptedLlmClient one = GenreWorld.llm().build();
    ScriptedLlmClient eight = GenreWorld.llm().build();

    AgpModel a = genre(one).epochs(3).patience(5).concurrency(1).build().fit(train, VALIDATION);
    AgpModel b = genre(eight).epochs(3).patience(5).concurrency(8).build().fit(train, VALIDATION);

    assertThat(b.prompt()).isEqualTo(a.prompt());
    assertThat(withoutUsage(b.history())).isEqualTo(withoutUsage(a.history()));
    assertThat(requestTexts(eight)).containsExactlyInAnyOrderElementsOf(requestTexts(one));
    assertThat(b.usage().calls()).isEqualTo(a.usage().calls());
  }

  static List<BatchRecord> withoutUsage(FitHistory h) {
    return h.batches().stream().map(r -> new BatchRecord(r.epoch(), r.batch(), r.userIds(), r.failures(), r.ndcg(),
        r.averagePosition(), r.strength(), r.feedback(), r.summarised(), r.droppedUsers(), r.promptBefore(),
        r.promptAfter(), r.outcome(), r.reason(), UsageReport.EMPTY)).toList();
  }

  static List<String> requestTexts(ScriptedLlmClient llm) {
    return llm.requests().stream().map(r -> r.stage() + "|" + r.messages()).toList();
  }

  // ------------------------------------------------------------------ failures

  @Test
  void fit_failuresWithinThreshold_areRecordedAndCounted() {
    ScriptedLlmClient llm = GenreWorld.llm()
        .failWhen(r -> r.stage() == Stage.PROFILE && r.lastUserText().contains("Seen u3-"),
            () -> new LlmRetriableException("HTTP 503 from the backend", null))
        .build();
    List<UserCase> train = GenreWorld.users("u", 10, 1);

    AgpModel model = genre(llm).epochs(1).build().fit(train, VALIDATION);

    List<UserFailure> failures = model.history().batches().stream().flatMap(b -> b.failures().stream()).toList();
    assertThat(failures).singleElement().satisfies(f -> {
      assertThat(f.userId()).isEqualTo("u3");
      assertThat(f.stage()).isEqualTo(Stage.PROFILE);
      assertThat(f.error()).isEqualTo("LlmRetriableException");
      assertThat(f.message()).contains("503");
    });
    assertThat(model.usage().stage(Stage.PROFILE).failures()).isEqualTo(1);
    assertThat(model.history().failedUsers()).isEqualTo(1);
  }

  @Test
  void fit_failuresBeyondThreshold_abortNamingTheBatchAndCauses() {
    ScriptedLlmClient llm = GenreWorld.llm()
        .failWhen(r -> r.stage() == Stage.RERANK && r.lastUserText().contains("Film u1"),
            () -> new LlmRetriableException("read timed out", null))
        .build();
    List<UserCase> train = GenreWorld.users("u", 20, 1);

    assertThatThrownBy(() -> genre(llm).epochs(1).maxFailureRate(0.2).build().fit(train, VALIDATION))
        .isInstanceOf(AgpFitException.class)
        .hasMessageContaining("epoch 1, batch")
        .hasMessageContaining("users failed, more than maxFailureRate 0.2")
        .hasMessageContaining("at RERANK: LlmRetriableException: read timed out")
        .satisfies(e -> {
          AgpFitException f = (AgpFitException) e;
          assertThat(f.epoch()).isEqualTo(1);
          assertThat(f.failures()).hasSizeGreaterThan(1).allMatch(x -> x.userId().startsWith("u1"));
          assertThat(f.checkpoint()).isEmpty();
        });
  }

  @Test
  void fit_backendDownFromTheStart_abortsWhileScoringTheInitialPrompt() {
    LlmClient llm = mock(LlmClient.class);
    when(llm.complete(any())).thenThrow(new LlmRetriableException("connection refused", null));

    assertThatThrownBy(() -> AgpOptimizer.builder().llm(llm).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(AgpFitException.class)
        .hasMessageContaining("scoring the initial prompt: 5 of 5 validation users failed");
  }

  @Test
  void estimate_makesNoCall() {
    LlmClient llm = mock(LlmClient.class);
    CallEstimate plan = AgpOptimizer.builder().llm(llm).batchSize(5).epochs(2).build().estimate(TRAIN, VALIDATION);

    verify(llm, never()).complete(any());
    assertThat(plan.batchesPerEpoch()).isEqualTo(4);
    assertThat(plan.calls().get(Stage.OPTIMIZE)).isEqualTo(8);
    assertThat(plan.calls().get(Stage.PROFILE)).isEqualTo(2 * 20 + 3 * 5);
    assertThat(plan.totalMaxOutputTokens()).isPositive();
  }

  @Test
  void fit_budgetExhausted_stopsWithTheBudgetAsCause() {
    AtomicInteger n = new AtomicInteger();
    ScriptedLlmClient inner = GenreWorld.llm().build();
    LlmClient llm = r -> {
      if (n.incrementAndGet() > 30) {
        throw new LlmBudgetExceededException("token budget 10000 spent", r.stage());
      }
      return inner.complete(r);
    };

    assertThatThrownBy(() -> AgpOptimizer.builder().llm(llm).batchSize(5).concurrency(1).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(AgpFitException.class)
        .hasMessageContaining("the budget ran out")
        .hasCauseInstanceOf(LlmBudgetExceededException.class);
  }

  // ------------------------------------------------------------------ updates

  @Test
  void fit_updatesWithoutMarkers_areRejectedAndCounted() {
    ScriptedLlmClient world = GenreWorld.llm().build();
    LlmClient withRejections = r -> r.stage() == Stage.OPTIMIZE
        ? dev.agp.llm.LlmResponse.of("Name the favourite genre.")
        : world.complete(r);

    AgpModel model = genre(withRejections).epochs(1).build().fit(TRAIN, VALIDATION);

    assertThat(model.prompt().text()).isEqualTo(GenreWorld.NAIVE_PROMPT);
    assertThat(model.history().batches()).allSatisfy(b -> {
      assertThat(b.outcome()).isEqualTo(UpdateOutcome.REJECTED);
      assertThat(b.reason()).contains("no <prompt>");
      assertThat(b.promptAfter()).isEqualTo(b.promptBefore());
    });
    assertThat(model.usage().stage(Stage.OPTIMIZE).rejectedUpdates()).isEqualTo(4);
    assertThat(model.history().rejectedUpdates()).isEqualTo(4);
    assertThat(model.history().epochs().get(1).reused()).isTrue();
  }

  @Test
  void fit_greedyAcceptance_keepsOnlyImprovingUpdates() {
    ScriptedLlmClient llm = GenreWorld.llm().build();

    AgpModel model = genre(llm).epochs(1).greedyAcceptance(true).build().fit(TRAIN, VALIDATION);

    List<BatchRecord> batches = model.history().batches();
    assertThat(batches.get(0).outcome()).isEqualTo(UpdateOutcome.ACCEPTED);
    assertThat(batches.subList(1, batches.size())).allSatisfy(b -> {
      assertThat(b.outcome()).isEqualTo(UpdateOutcome.REVERTED);
      assertThat(b.reason()).startsWith("greedy: batch NDCG 1.0000 with the new prompt, 1.0000 with the old");
    });
    assertThat(model.prompt().text()).endsWith("Name the favourite genre.");
    assertThat(model.usage().stage(Stage.OPTIMIZE).rejectedUpdates()).isEqualTo(3);
    assertThat(model.usage().stage(Stage.PROFILE).calls()).isEqualTo(2L * 20 + 2 * 5);
  }

  // ------------------------------------------------------------------ custom steps and listeners

  @Test
  void fit_customStepsWithoutLlm_run() {
    AgpModel model = AgpOptimizer.builder()
        .profileGenerator((u, p) -> new UserProfile(u.userId(), p.text()))
        .reranker((u, profile) -> profile.text().contains("better")
            ? Fixtures.ranking(u, u.relevantItemIds().toArray(String[]::new))
            : Ranking.base(u))
        .batchAggregator(outcomes -> new BatchFeedback("be better", Map.of(), 2, 1, 0.5, UpdateStrength.SMALL, 0, false))
        .promptOptimizer((p, f) -> new ProfilePrompt(p.text() + " " + f.text()))
        .feedbackMode(FeedbackMode.COMPACT)
        .epochs(1).batchSize(5)
        .build()
        .fit(TRAIN, VALIDATION);

    assertThat(model.prompt().text()).endsWith("be better");
    assertThat(model.history().epochs().get(1).validationNdcg()).isEqualTo(1.0);
    assertThat(model.usage().total().calls()).isZero();
  }

  @Test
  void fit_rerankerReturningANonPermutation_failsThatUserClearly() {
    AgpOptimizer o = AgpOptimizer.builder()
        .llm(GenreWorld.llm().build())
        .reranker((u, p) -> Ranking.of(u.userId(), List.of(u.candidateIds().get(0))))
        .build();

    assertThatThrownBy(() -> o.fit(TRAIN, VALIDATION))
        .isInstanceOf(AgpFitException.class)
        .hasMessageContaining("not a permutation of the candidates of user");
  }

  @Test
  void fit_listenersSeeEveryEventAndCannotBreakTheFit() {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger users = new AtomicInteger();
    AgpListener recorder = new AgpListener() {
      @Override public void onFitStart(CallEstimate plan, boolean resumed) {
        events.add("start " + plan.totalCalls() + " " + resumed);
      }
      @Override public void onEpochStart(int epoch, int epochs) {
        events.add("epoch " + epoch + "/" + epochs);
      }
      @Override public void onBatchStart(int epoch, int batch, int batches, int n) {
        events.add("batch " + epoch + "." + batch + "/" + batches + " " + n);
      }
      @Override public void onUserDone(String userId, boolean ok) {
        users.incrementAndGet();
      }
      @Override public void onBatchEnd(BatchRecord r) {
        events.add("end " + r.epoch() + "." + r.batch() + " " + r.outcome());
      }
      @Override public void onValidation(EpochRecord r) {
        events.add("validation " + r.epoch());
      }
      @Override public void onFitEnd(FitHistory h) {
        events.add("fit end");
      }
      @Override public void onLlmCall(dev.agp.llm.LlmCallEvent e) {
        calls.incrementAndGet();
      }
    };
    AgpListener broken = new AgpListener() {
      @Override public void onBatchEnd(BatchRecord r) {
        throw new IllegalStateException("listener bug");
      }
    };

    AgpModel model = genre(GenreWorld.llm().build()).epochs(1).listener(broken).listener(recorder).build()
        .fit(TRAIN, VALIDATION);

    assertThat(events).startsWith("start 88 false", "validation 0", "epoch 1/1", "batch 1.1/4 5", "end 1.1 ACCEPTED");
    assertThat(events).endsWith("validation 1", "fit end");
    assertThat(calls.get()).isEqualTo(model.usage().total().calls());
    assertThat(users.get()).isEqualTo(20 + 2 * 5);
  }

  private static Set<String> ids(List<UserCase> users) {
    Set<String> s = new HashSet<>();
    users.forEach(u -> s.add(u.userId()));
    return s;
  }
}
