package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.CaseReranker;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExperimentTest {

  static final List<UserCase> TRAIN = GenreWorld.users("tr", 10, 1);
  static final List<UserCase> VALIDATION = GenreWorld.users("va", 5, 2);
  static final List<UserCase> TEST = GenreWorld.users("te", 12, 3);

  private static final Pattern GENRE = Pattern.compile("\\((\\w+)\\)");
  private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\[([A-Z]{1,2})] .*\\((\\w+)\\)$");

  /** LLM-Dir: the history's majority genre first (a good ranker). LLM-CoT: the shown order (pure position bias). */
  static ScriptedLlmClient.Builder script() {
    return script(GenreWorld.llm());
  }

  static ScriptedLlmClient.Builder script(ScriptedLlmClient.Builder start) {
    return start
        .on(Stage.DIRECT_RERANK, ExperimentTest::byHistoryGenre)
        .on(Stage.COT_RERANK, r -> "I think step by step. <ranking>A</ranking>");
  }

  static String byHistoryGenre(LlmRequest r) {
    String text = r.lastUserText();
    String history = text.substring(text.indexOf("<history>"), text.indexOf("</history>"));
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher g = GENRE.matcher(history);
    while (g.find()) {
      counts.merge(g.group(1), 1, Integer::sum);
    }
    String top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    List<String> first = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    Matcher c = CANDIDATE.matcher(text.substring(text.indexOf("<candidates>")));
    while (c.find()) {
      (c.group(2).equals(top) ? first : rest).add(c.group(1));
    }
    first.addAll(rest);
    return "<ranking>" + String.join(", ", first) + "</ranking>";
  }

  static Experiment.Builder experiment(ScriptedLlmClient llm, int concurrency) {
    return Experiment.builder().llm(llm).train(TRAIN).validation(VALIDATION).test(TEST)
        .method(Method.direct())
        .method(Method.chainOfThought())
        .method(Method.agp("AGP", b -> b.epochs(2).batchSize(5).initialPrompt(GenreWorld.NAIVE_PROMPT)))
        .concurrency(concurrency).bootstrapSamples(1000).seed(5)
        .costModel(CostModel.perMillionTokens(1.0, 2.0), "test prices");
  }

  @Test
  void run_paperMethods_rowsMetricsAndAttributedUsage() {
    ScriptedLlmClient llm = script().build();
    ExperimentResult r = experiment(llm, 4).build().run();
    assertThat(r.methods()).extracting(MethodResult::name).containsExactly("Base", "LLM-Dir", "LLM-CoT", "AGP");

    MethodResult base = r.method("Base").orElseThrow();
    MethodResult dir = r.method("LLM-Dir").orElseThrow();
    MethodResult cot = r.method("LLM-CoT").orElseThrow();
    MethodResult agp = r.method("AGP").orElseThrow();

    // Base scores are the candidate order's, computed by RankingMetrics
    double expected = TEST.stream()
        .mapToDouble(u -> RankingMetrics.ndcg(u.candidateIds(), RankingMetrics.binary(u.relevantItemIds()), 10))
        .average().orElseThrow();
    assertThat(base.ndcg().mean()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(base.ndcg().low()).isLessThanOrEqualTo(expected);
    assertThat(base.ndcg().high()).isGreaterThanOrEqualTo(expected);
    assertThat(base.versusBase()).isEmpty();
    assertThat(base.calls()).isZero();

    // LLM-Dir puts every relevant item first
    assertThat(dir.ndcg().mean()).isEqualTo(1.0);
    assertThat(dir.means().hitRate()).isEqualTo(1.0);
    assertThat(dir.means().meanPosition()).isEqualTo(1.0);
    MethodResult.PairedComparison p = dir.versusBase().orElseThrow();
    assertThat(p.wins()).isEqualTo(TEST.size());
    assertThat(p.losses()).isZero();
    assertThat(p.meanDifference()).isCloseTo(1.0 - expected, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p.low()).isPositive();
    assertThat(p.bootstrapP()).isZero();
    assertThat(p.wilcoxonWPlus()).isEqualTo(12 * 13 / 2.0); // every difference positive: all ranks
    assertThat(p.wilcoxonP()).isLessThan(0.01); // tied |d| (same base positions): normal approximation
    assertThat(dir.trainingUsage().total().calls()).isZero();
    assertThat(dir.testUsage().calls()).containsExactly(Map.entry(Stage.DIRECT_RERANK, (long) TEST.size()));
    assertThat(dir.plannedCalls()).hasValue(TEST.size());
    assertThat(dir.cost()).isPresent();
    double cost = (dir.usage().total().inputTokens() * 1.0 + dir.usage().total().outputTokens() * 2.0) / 1e6;
    assertThat(dir.cost().getAsDouble()).isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-15));

    // LLM-CoT returns the shown order: same as Base, every pair tied
    assertThat(cot.ndcg().mean()).isEqualTo(base.ndcg().mean());
    assertThat(cot.versusBase().orElseThrow().ties()).isEqualTo(TEST.size());
    assertThat(cot.versusBase().orElseThrow().wilcoxonP()).isEqualTo(1.0);
    assertThat(cot.repaired()).isEqualTo(TEST.size()); // 9 labels appended each time

    // AGP trains on the training users, learns "genre", then ranks perfectly; usage split
    assertThat(agp.ndcg().mean()).isEqualTo(1.0);
    assertThat(agp.validationCurve()).isNotEmpty();
    assertThat(agp.validationCurve().get(0).epoch()).isZero();
    assertThat(agp.details()).containsKey("learned prompt");
    assertThat(agp.details().get("learned prompt")).containsIgnoringCase("genre");
    assertThat(agp.trainingUsage().stage(Stage.OPTIMIZE).calls()).isPositive();
    assertThat(agp.testUsage().calls())
        .containsOnly(Map.entry(Stage.PROFILE, (long) TEST.size()), Map.entry(Stage.RERANK, (long) TEST.size()));
    assertThat(agp.plannedCalls()).isPresent();
    assertThat(agp.plannedCalls().getAsLong()).isGreaterThanOrEqualTo(agp.calls());

    // every call the script saw is attributed to exactly one method
    long attributed = r.methods().stream().mapToLong(MethodResult::calls).sum();
    assertThat(attributed).isEqualTo(llm.callCount());
    assertThat(r.settings().testUsers()).isEqualTo(TEST.size());
    assertThat(r.settings().costModel()).isEqualTo("test prices");
  }

  @Test
  void run_concurrency1And4_sameResults() {
    ExperimentResult one = experiment(script().build(), 1).build().run();
    ExperimentResult four = experiment(script().build(), 4).build().run();
    for (int i = 0; i < one.methods().size(); i++) {
      MethodResult a = one.methods().get(i);
      MethodResult b = four.methods().get(i);
      assertThat(b.users()).isEqualTo(a.users());
      assertThat(b.ndcg()).isEqualTo(a.ndcg());
      assertThat(b.versusBase()).isEqualTo(a.versusBase());
      assertThat(b.usage().calls()).isEqualTo(a.usage().calls());
      assertThat(b.details()).isEqualTo(a.details());
    }
  }

  @Test
  void run_permutationVoting_multipliesTestCallsAndRecordsSeeds() {
    ScriptedLlmClient llm = script().build();
    ExperimentResult r = Experiment.builder().llm(llm).test(TEST).bootstrapSamples(200)
        .method(Method.chainOfThought())
        .method(Method.chainOfThought().withPermutationVoting(3, 11))
        .build().run();
    MethodResult pv = r.method("LLM-CoT +PV3").orElseThrow();
    assertThat(pv.testUsage().total().calls()).isEqualTo(3L * TEST.size());
    assertThat(pv.plannedCalls()).hasValue(3L * TEST.size());
    assertThat(pv.parameters()).containsEntry("permutations", "3").containsEntry("permutationSeed", "11");
    assertThat(pv.details().get("position-bias control")).contains("seed 11");
    // a position-biased ranker no longer just returns the base order
    assertThat(pv.users()).extracting(MethodResult.UserResult::ranking)
        .isNotEqualTo(r.method("LLM-CoT").orElseThrow().users().stream().map(MethodResult.UserResult::ranking).toList());
  }

  /**
   * LLM-Dir answering every test user but te3 (whose titles read "Film 3-..." or "Film te3-..."):
   * one rule for the stage, so the script does not depend on which of two matching rules the
   * client prefers.
   */
  private static ScriptedLlmClient failingForUser3() {
    Pattern user3 = Pattern.compile("Film (te)?3-");
    return GenreWorld.llm()
        .on(Stage.DIRECT_RERANK, q -> {
          if (user3.matcher(q.lastUserText()).find()) {
            throw new LlmNonRetriableException("HTTP 400", null);
          }
          return byHistoryGenre(q);
        })
        .build();
  }

  @Test
  void run_backendFailure_scoredAsBaseAndCounted() {
    ScriptedLlmClient llm = failingForUser3();
    CaseReranker throwing = u -> {
      if (u.userId().equals("te5")) {
        throw new LlmNonRetriableException("boom", null);
      }
      return Ranking.base(u);
    };
    ExperimentResult r = Experiment.builder().llm(llm).test(TEST).bootstrapSamples(200)
        .method(Method.direct()).method(Method.fixed("Throwing", throwing)).build().run();
    MethodResult dir = r.method("LLM-Dir").orElseThrow();
    assertThat(dir.fallbacks()).isEqualTo(1);
    assertThat(dir.users().get(3).fallback()).isTrue();
    assertThat(dir.users().get(3).ranking()).isEqualTo(TEST.get(3).candidateIds());
    assertThat(r.method("Throwing").orElseThrow().fallbacks()).isEqualTo(1);
  }

  @Test
  void run_notAPermutation_failsNamingMethodAndUser() {
    CaseReranker broken = u -> Ranking.of(u.userId(), List.of(u.candidateIds().get(0)));
    Experiment e = Experiment.builder().test(TEST).concurrency(3).method(Method.fixed("Broken", broken)).build();
    assertThatThrownBy(e::run)
        .isInstanceOf(ExperimentStoppedException.class)
        .hasMessageContaining("method Broken returned")
        .hasMessageContaining("user te0");
  }

  @Test
  void run_budgetExhausted_stops() {
    CaseReranker poor = u -> {
      throw new LlmBudgetExceededException("budget of 5 calls spent", Stage.DIRECT_RERANK);
    };
    assertThatThrownBy(() -> Experiment.builder().test(TEST).method(Method.fixed("Poor", poor)).build().run())
        .isInstanceOf(ExperimentStoppedException.class)
        .hasMessageContaining("ran out of budget");
  }

  @Test
  void run_budgetExhaustedInALaterMethod_keepsTheFinishedRowsMarkedPartial() {
    CaseReranker poor = u -> {
      throw new LlmBudgetExceededException("budget of 5 calls spent", Stage.DIRECT_RERANK);
    };
    Experiment e = Experiment.builder().llm(script(GenreWorld.llm()).build()).test(TEST).bootstrapSamples(200)
        .method(Method.direct()).method(Method.fixed("Poor", poor)).build();

    assertThatThrownBy(e::run).isInstanceOfSatisfying(ExperimentStoppedException.class, stop -> {
      assertThat(stop.method()).isEqualTo("Poor");
      assertThat(stop.budgetExhausted()).isTrue();
      ExperimentResult partial = stop.partial().orElseThrow();
      assertThat(partial.complete()).isFalse();
      assertThat(partial.partial()).hasValueSatisfying(why -> assertThat(why).contains("ran out of budget"));
      assertThat(partial.methods()).extracting(MethodResult::name).containsExactly("Base", "LLM-Dir");
      assertThat(partial.method("LLM-Dir").orElseThrow().users()).hasSize(TEST.size());
    });
  }

  @Test
  void run_moreFallbacksThanAllowed_stopsTheMethodEarlyNamingTheFirstFailedCall() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    dev.agp.llm.LlmClient dead = q -> {
      calls.incrementAndGet();
      throw new LlmNonRetriableException("cannot connect to the LLM server", null);
    };
    for (int concurrency : new int[] {1, 4}) {
      calls.set(0);
      Experiment e = Experiment.builder().llm(dead).test(TEST).bootstrapSamples(200).concurrency(concurrency)
          .maxFallbackRate(0.25).method(Method.direct()).method(Method.chainOfThought()).build();

      assertThatThrownBy(e::run).isInstanceOfSatisfying(ExperimentStoppedException.class, stop -> {
        assertThat(stop.method()).isEqualTo("LLM-Dir");
        assertThat(stop.budgetExhausted()).isFalse();
        assertThat(stop).hasMessageContaining("method LLM-Dir: more than 3 of 12 test users fell back")
            .hasMessageContaining("first failed call: cannot connect to the LLM server");
        assertThat(stop.partial().orElseThrow().methods()).extracting(MethodResult::name).containsExactly("Base");
      });
      assertThat(calls.get()).as("stops once the method has certainly failed").isLessThan(TEST.size());
    }
  }

  @Test
  void run_fallbacksWithinTheLimit_complete() {
    ExperimentResult r = Experiment.builder().llm(failingForUser3()).test(TEST).bootstrapSamples(200).maxFallbackRate(0.1)
        .method(Method.direct()).build().run();

    assertThat(r.complete()).isTrue();
    assertThat(r.method("LLM-Dir").orElseThrow().fallbacks()).isEqualTo(1);
    assertThatThrownBy(() -> Experiment.builder().maxFallbackRate(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFallbackRate");
  }

  @Test
  void run_llmMethodWithoutLlm_failsNamingMethod() {
    Experiment e = Experiment.builder().test(TEST).method(Method.direct()).build();
    assertThat(e.plan()).containsEntry("LLM-Dir", java.util.OptionalLong.of(TEST.size()));
    assertThatThrownBy(e::run).hasMessageContaining("LLM-Dir failed to prepare").hasMessageContaining("llm(");
  }

  @Test
  void run_listener_seesEveryMethodAndUser() {
    ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    Experiment.builder().test(TEST).concurrency(4).bootstrapSamples(100)
        .listener(new ExperimentListener() {
          @Override
          public void onMethodStart(String method, java.util.OptionalLong planned) {
            events.add("start " + method + " " + planned);
          }

          @Override
          public void onUserDone(String method, String userId) {
            events.add("user");
          }

          @Override
          public void onMethodEnd(MethodResult result) {
            events.add("end " + result.name());
          }
        })
        .build().run();
    assertThat(events).contains("start Base OptionalLong[0]", "end Base");
    assertThat(events.stream().filter(e -> e.equals("user")).count()).isEqualTo(TEST.size());
  }

  @Test
  void build_conflicts_throw() {
    assertThatThrownBy(() -> Experiment.builder().build()).hasMessageContaining("no test users");
    assertThatThrownBy(() -> Experiment.builder().test(TEST).train(TEST.subList(0, 1)).build())
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> Experiment.builder().test(TEST).method(Method.direct()).method(Method.direct()).build())
        .hasMessageContaining("two methods are named LLM-Dir");
    UserCase noTruth = UserCase.forServing("s", List.of(), TEST.get(0).candidates());
    assertThatThrownBy(() -> Experiment.builder().test(List.of(noTruth)).build()).hasMessageContaining("no relevant item");
    assertThatThrownBy(() -> Experiment.builder().bootstrapSamples(10)).hasMessageContaining("bootstrapSamples");
    assertThatThrownBy(() -> Experiment.builder().confidence(1)).hasMessageContaining("confidence");
  }

  @Test
  void ablations_summarizationOff_makesNoSummarizeCalls() {
    ScriptedLlmClient llm = script().build();
    List<Method> methods = Ablations.summarization(b -> b.epochs(1).batchSize(5).initialPrompt(GenreWorld.NAIVE_PROMPT));
    ExperimentResult r = Experiment.builder().llm(llm).train(TRAIN).validation(VALIDATION).test(TEST).bootstrapSamples(100)
        .methods(methods).build().run();
    assertThat(r.method("AGP").orElseThrow().trainingUsage().stage(Stage.SUMMARIZE).calls()).isPositive();
    assertThat(r.method("AGP w/o summarization").orElseThrow().trainingUsage().stage(Stage.SUMMARIZE).calls()).isZero();
    assertThat(r.method("AGP w/o summarization").orElseThrow().parameters()).containsEntry("summarize", "false");
  }

  @Test
  void ablations_scoreOnly_noCritiques() {
    ScriptedLlmClient llm = script().build();
    ExperimentResult r = Experiment.builder().llm(llm).train(TRAIN).validation(VALIDATION).test(TEST).bootstrapSamples(100)
        .methods(Ablations.feedbackSignal(b -> b.epochs(1).batchSize(5).initialPrompt(GenreWorld.NAIVE_PROMPT)))
        .build().run();
    assertThat(r.methods()).extracting(MethodResult::name)
        .containsExactly("Base", "AGP (position feedback)", "AGP (score-only feedback)");
    assertThat(r.method("AGP (position feedback)").orElseThrow().trainingUsage().stage(Stage.CRITIQUE).calls()).isPositive();
    assertThat(r.method("AGP (score-only feedback)").orElseThrow().trainingUsage().stage(Stage.CRITIQUE).calls()).isZero();
  }

  @Test
  void ablations_grid_namesAndParameters() {
    List<Method> grid = Ablations.paperGrid(b -> b);
    assertThat(grid).hasSize(9);
    assertThat(grid.get(0).name()).isEqualTo("AGP B=5 H=5");
    assertThat(grid.get(8).parameters()).containsExactly(Map.entry("batchSize", "20"), Map.entry("historyLength", "20"));
    assertThatThrownBy(() -> Ablations.grid(b -> b, List.of(), List.of(5))).hasMessageContaining("batchSizes");
    assertThatThrownBy(() -> Ablations.grid(b -> b, List.of(0), List.of(5))).hasMessageContaining(">= 1");
  }

  @Test
  void trained_withPlan_announcesAndTrainsOnTrainingUsersOnly() {
    java.util.List<String> seen = new java.util.ArrayList<>();
    Method m = Method.trained("Memo", ctx -> {
      ctx.train().forEach(u -> seen.add(u.userId()));
      ctx.validation().forEach(u -> seen.add(u.userId()));
      return Ranking::base;
    }, (ctx, n) -> ctx.train().size() + 2L * n);
    ExperimentResult r = Experiment.builder().train(TRAIN).validation(VALIDATION).test(TEST).bootstrapSamples(100)
        .method(m).build().run();
    assertThat(r.method("Memo").orElseThrow().plannedCalls()).hasValue(TRAIN.size() + 2L * TEST.size());
    assertThat(seen).hasSize(TRAIN.size() + VALIDATION.size()).noneMatch(id -> id.startsWith("te"));
  }

  @Test
  void method_factories_validate() {
    assertThatThrownBy(() -> Method.fixed(" ", Ranking::base)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Method.llm("x", l -> Ranking::base, -1)).hasMessageContaining("callsPerUser");
    assertThatThrownBy(() -> Method.base().withPermutationVoting(0, 1)).hasMessageContaining("permutations");
    assertThat(Method.direct().named("Mine").name()).isEqualTo("Mine");
    assertThat(Method.base().name()).isEqualTo("Base");
  }
}
