package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agp.llm.Ticker;
import com.google.common.testing.NullPointerTester;
import dev.agp.CallEstimate;
import dev.agp.CheckpointException;
import dev.agp.UserCase;
import dev.agp.UserFailure;
import dev.agp.internal.AgpJson;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RppOptimizerTest {

  @TempDir Path dir;

  private static ScriptedLlmClient world() {
    return RppWorld.llm().build();
  }

  /** The world's script, except that any request showing {@link RppTesting#CURSED} fails. */
  private static ScriptedLlmClient failingWorld() {
    return RppWorld.llm()
        .failWhen(r -> r.lastUserText().contains(RppTesting.CURSED),
            () -> new LlmRetriableException("HTTP 503 from the test server", null, Stage.RPP_RANK, 3, 503, null))
        .build();
  }

  // ---------------------------------------------------------------- builder

  @Test
  void builder_nullArguments_throwNpe() {
    NullPointerTester t = new NullPointerTester();
    t.setDefault(Path.class, Path.of("x"));
    t.setDefault(Ticker.class, Ticker.systemTicker());
    t.setDefault(String.class, "movie");
    t.testAllPublicInstanceMethods(RppOptimizer.builder());
    t.testAllPublicStaticMethods(RppModel.class);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        bad("iterations", b -> b.iterations(0)),
        bad("batchSize", b -> b.batchSize(0)),
        bad("concurrency", b -> b.concurrency(0)),
        bad("discount", b -> b.discount(1.0)),
        bad("discount", b -> b.discount(-0.1)),
        bad("actorLearningRate", b -> b.actorLearningRate(0)),
        bad("criticLearningRate", b -> b.criticLearningRate(1.5)),
        bad("criticLearningRate", b -> b.criticLearningRate(Double.NaN)),
        bad("hiddenUnits", b -> b.hiddenUnits(0)),
        bad("initialHistoryLength", b -> b.initialHistoryLength(-1)),
        bad("maxHistoryLength", b -> b.maxHistoryLength(0)),
        bad("embeddingDimension", b -> b.embeddingDimension(1)),
        bad("maxRefinedSentences", b -> b.maxRefinedSentences(0)),
        bad("refineMinReward", b -> b.refineMinReward(1.1)),
        bad("maxSentenceChars", b -> b.maxSentenceChars(5)),
        bad("maxFailureRate", b -> b.maxFailureRate(2)),
        bad("cutoff", b -> b.cutoff(0)),
        bad("maxTitleChars", b -> b.maxTitleChars(5)),
        bad("temperature", b -> b.temperature(3)),
        bad("temperature", b -> b.temperature(Stage.RPP_RANK, -1)),
        bad("stage", b -> b.temperature(Stage.RERANK, 0)),
        bad("maxOutputTokens", b -> b.maxOutputTokens(Stage.RPP_REFINE, 0)),
        bad("stage", b -> b.maxOutputTokens(Stage.PROFILE, 10)),
        bad("domain", b -> b.domain(" ")),
        bad("sentences(ROLE_PLAYING)", b -> b.sentences(PromptPattern.ROLE_PLAYING, List.of())),
        bad("sentences(REASONING_GUIDANCE)", b -> b.sentences(PromptPattern.REASONING_GUIDANCE, List.of("Rank.", "rank."))),
        bad("sentences(OUTPUT_FORMAT)", b -> b.sentences(PromptPattern.OUTPUT_FORMAT, List.of("one\ntwo"))),
        bad("sentences(HISTORY_RECORDS)", b -> b.sentences(PromptPattern.HISTORY_RECORDS, List.of("a", "b"))),
        bad("template RANK", b -> b.template(RppTemplate.RANK, "Rank {{candidates}} please.")),
        bad("action", b -> b.outputTokens(PromptPattern.REASONING_GUIDANCE, -1, 100)),
        bad("outputTokens", b -> b.outputTokens(PromptPattern.REASONING_GUIDANCE, 0, 0)),
        bad("refineMinUsers", b -> b.refineMinUsers(1)));
  }

  private static Arguments bad(String field, Consumer<RppOptimizer.Builder> set) {
    return Arguments.of(field, set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void builder_badValue_throwsIaeNamingTheField(String field, Consumer<RppOptimizer.Builder> set) {
    assertThatThrownBy(() -> set.accept(RppOptimizer.builder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  @Test
  void build_withoutLlm_throwsIse() {
    assertThatThrownBy(() -> RppOptimizer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("llm(");
  }

  @Test
  void build_maxHistoryBelowInitial_throwsIse() {
    assertThatThrownBy(() -> RppOptimizer.builder().llm(world()).initialHistoryLength(8).maxHistoryLength(6).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxHistoryLength 6")
        .hasMessageContaining("initialHistoryLength 8");
  }

  @Test
  void build_embeddingDimensionWithSuppliedEmbedding_throwsIse() {
    assertThatThrownBy(() -> RppOptimizer.builder().llm(world()).embeddingDimension(8).userEmbedding(u -> new double[8]).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("embeddingDimension");
  }

  @Test
  void build_outputTokensBeyondThePatternsActions_throwsIseNamingIt() {
    assertThatThrownBy(() -> RppOptimizer.builder().llm(world()).outputTokens(PromptPattern.OUTPUT_FORMAT, 5, 100).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outputTokens(OUTPUT_FORMAT, 5");
  }

  @Test
  void build_rppPlusWithABlankSentenceInEveryPattern_throwsIse() {
    assertThatThrownBy(() -> RppOptimizer.builder().llm(world()).refine(true)
            .sentences(PromptPattern.REASONING_GUIDANCE, List.of("", "Rank."))
            .sentences(PromptPattern.OUTPUT_FORMAT, List.of("Labels.", "")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refine(true)");
    assertThat(RppOptimizer.builder().llm(world()).sentences(PromptPattern.OUTPUT_FORMAT, List.of("Labels.", ""))
        .sentences(PromptPattern.REASONING_GUIDANCE, List.of("", "Rank.")).build().settings().refine()).isFalse();
  }

  @Test
  void settings_outputCaps_builtInForReasoningThatShowsItsWork_droppedWithReplacedSentences() {
    RppSettings s = RppOptimizer.builder().llm(world()).build().settings();
    int big = RppOptimizer.DEFAULT_REASONING_OUTPUT_TOKENS;
    assertThat(s.actionOutputTokens().get(PromptPattern.REASONING_GUIDANCE)).containsExactly(0, 0, 0, big, big, big, 0, 0, big);
    assertThat(s.actionOutputTokens().get(PromptPattern.OUTPUT_FORMAT)).containsOnly(0);
    assertThat(s.rankOutputTokens(new int[] {1, 2, 3, 0})).isEqualTo(big);
    assertThat(s.rankOutputTokens(new int[] {1, 2, 0, 0})).isEqualTo(300);
    RppSettings custom = RppOptimizer.builder().llm(world())
        .outputTokens(PromptPattern.REASONING_GUIDANCE, 1, 2000)
        .sentences(PromptPattern.REASONING_GUIDANCE, List.of("Rank.", "Think hard, then rank."))
        .outputTokens(PromptPattern.OUTPUT_FORMAT, 0, 50)
        .build().settings();
    assertThat(custom.actionOutputTokens().get(PromptPattern.REASONING_GUIDANCE)).containsExactly(0, 2000);
    assertThat(custom.rankOutputTokens(new int[] {0, 0, 0, 0})).isEqualTo(50);
    assertThat(custom.rankOutputTokens(new int[] {0, 0, 1, 0})).isEqualTo(2000);
    assertThat(custom.rankOutputTokens(new int[] {0, 0, 0, 1})).isEqualTo(300);
  }

  @Test
  void fit_rankCallsGetTheCapOfTheirActions_answersUsingItAllCountedTruncated() {
    int big = RppOptimizer.DEFAULT_REASONING_OUTPUT_TOKENS;
    ScriptedLlmClient llm = RppWorld.llm()
        .respondWhen(r -> r.stage() == Stage.RPP_RANK && r.maxOutputTokens().getAsInt() == big,
            r -> dev.agp.llm.LlmResponse.of(RppWorld.rank(r), new dev.agp.llm.TokenUsage(100, big)))
        .build();
    RppModel model = RppTesting.small(llm).build().fit(RppTesting.mixed("o", 5, 3));
    long truncated = 0;
    for (dev.agp.llm.LlmRequest r : llm.requests(Stage.RPP_RANK)) {
      int reasoning = RppWorld.reasoning(r.lastUserText());
      boolean showsWork = Set.of(3, 4, 5, 8).contains(reasoning);
      assertThat(r.maxOutputTokens().getAsInt()).isEqualTo(showsWork ? big : 300);
      truncated += showsWork ? 1 : 0;
    }
    assertThat(truncated).isPositive();
    assertThat(model.usage().stage(Stage.RPP_RANK).truncated()).isEqualTo(truncated);
  }

  @Test
  void toBuilder_keepsEveryOption() {
    RppOptimizer o = RppTesting.small(world()).refine(true).seed(0).discount(0.5).hiddenUnits(9).refineMinUsers(4)
        .outputTokens(PromptPattern.OUTPUT_FORMAT, 1, 77).build();
    assertThat(o.toBuilder().build().settings()).isEqualTo(o.settings());
    assertThat(o.toBuilder().seed(1).build().settings().seed()).isEqualTo(1);
    assertThat(o.settings().seed()).isZero();
  }

  @Test
  void sentences_replaced_useDomainWordAndCountAsActions() {
    RppSettings s = RppOptimizer.builder().llm(world()).domain("book")
        .sentences(PromptPattern.REASONING_GUIDANCE, List.of("Rank by {{domain}} length.", "Rank by author."))
        .build().settings();
    assertThat(s.sentences().get(PromptPattern.REASONING_GUIDANCE)).containsExactly("Rank by book length.", "Rank by author.");
    assertThat(s.baseActions()).containsExactly(5, 3, 2, 5);
  }

  // ---------------------------------------------------------------- fit input

  @Test
  void fit_emptyTrain_throwsIae() {
    assertThatThrownBy(() -> RppTesting.small(world()).build().fit(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train");
  }

  @Test
  void fit_userWithoutRelevantItem_throwsIaeNamingUser() {
    UserCase u = RppWorld.users(RppWorld.Kind.SAGA, "u", 1, 1).get(0);
    UserCase serving = UserCase.forServing("lonely", u.history(), u.candidates());
    assertThatThrownBy(() -> RppTesting.small(world()).build().fit(List.of(u, serving)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lonely");
  }

  @Test
  void fit_repeatedUser_throwsIaeNamingUser() {
    UserCase u = RppWorld.users(RppWorld.Kind.SAGA, "twin", 1, 1).get(0);
    assertThatThrownBy(() -> RppTesting.small(world()).build().fit(List.of(u, u)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twin0");
  }

  @Test
  void fit_suppliedEmbeddingOfOtherDimension_throwsIaeNamingUser() {
    List<UserCase> users = RppTesting.mixed("e", 2, 1);
    RppOptimizer o = RppTesting.small(world()).userEmbedding(u -> new double[u.userId().equals("eg1") ? 3 : 4]).build();
    assertThatThrownBy(() -> o.fit(users))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eg1")
        .hasMessageContaining("3 values");
  }

  // ---------------------------------------------------------------- estimate

  @Test
  void estimate_rpp_oneRankCallPerUserAndIteration_matchesTheFit() {
    List<UserCase> users = RppTesting.mixed("c", 5, 3);
    ScriptedLlmClient llm = world();
    RppOptimizer o = RppTesting.small(llm).build();
    CallEstimate plan = o.estimate(users);
    assertThat(plan.calls()).containsExactlyEntriesOf(java.util.Map.of(Stage.RPP_RANK, 30L));
    assertThat(plan.batchesPerEpoch()).isEqualTo(3);
    assertThat(plan.inputTokens().get(Stage.RPP_RANK)).isPositive();
    // the largest cap a ranking call can get: a reasoning sentence asking for visible work
    assertThat(plan.maxOutputTokens().get(Stage.RPP_RANK)).isEqualTo(30L * RppOptimizer.DEFAULT_REASONING_OUTPUT_TOKENS);
    assertThat(llm.callCount()).isZero();
    RppModel model = o.fit(users);
    assertThat(model.usage().calls()).isEqualTo(plan.calls());
    assertThat(model.usage().stage(Stage.RPP_RANK).inputTokens()).isLessThanOrEqualTo(plan.inputTokens().get(Stage.RPP_RANK));
  }

  @Test
  void estimate_rppPlus_addsOneRefineCallPerUserAndIteration_matchesTheFit() {
    List<UserCase> users = RppTesting.mixed("c", 5, 3);
    RppOptimizer o = RppTesting.small(world()).refine(true).build();
    CallEstimate plan = o.estimate(users);
    assertThat(plan.calls()).containsEntry(Stage.RPP_RANK, 30L).containsEntry(Stage.RPP_REFINE, 30L);
    RppModel model = o.fit(users);
    assertThat(model.usage().calls()).isEqualTo(plan.calls());
    assertThat(model.usage().stage(Stage.RPP_REFINE).inputTokens()).isLessThanOrEqualTo(plan.inputTokens().get(Stage.RPP_REFINE));
  }

  // ---------------------------------------------------------------- failures

  @Test
  void fit_failingUserBelowThreshold_recordedAndCountedEveryIteration() {
    List<UserCase> users = new ArrayList<>(RppTesting.mixed("f", 5, 5));
    users.set(2, RppTesting.cursed(users.get(2)));
    RppModel model = RppTesting.small(failingWorld()).batchSize(10).maxFailureRate(0.2).build().fit(users);
    List<UserFailure> failures = model.history().batches().stream().flatMap(b -> b.failures().stream()).toList();
    assertThat(failures).hasSize(3).allSatisfy(f -> {
      assertThat(f.userId()).isEqualTo(users.get(2).userId());
      assertThat(f.stage()).isEqualTo(Stage.RPP_RANK);
      assertThat(f.error()).isEqualTo("LlmRetriableException");
      assertThat(f.message()).contains("503");
    });
    assertThat(model.history().failedUsers()).isEqualTo(3);
    assertThat(model.history().iterations()).allSatisfy(r -> assertThat(r.failures()).isEqualTo(1));
    assertThat(model.usage().stage(Stage.RPP_RANK).failures()).isEqualTo(3);
    assertThat(model.usage().stage(Stage.RPP_RANK).calls()).isEqualTo(30);
  }

  @Test
  void fit_failuresAboveThreshold_abortsAfterCheckpointAndResumesWithoutRepeatingCalls() throws Exception {
    List<UserCase> users = new ArrayList<>(RppTesting.mixed("r", 5, 7));
    users.set(6, RppTesting.cursed(users.get(6)));
    Path checkpoint = dir.resolve("rpp-checkpoint.json");
    ScriptedLlmClient failing = failingWorld();
    RppOptimizer.Builder config = RppTesting.small(failing).maxFailureRate(0).checkpoint(checkpoint);

    assertThatThrownBy(() -> config.build().fit(users))
        .isInstanceOfSatisfying(RppFitException.class, e -> {
          assertThat(e.iteration()).isEqualTo(1);
          assertThat(e.failures()).extracting(UserFailure::userId).containsExactly(users.get(6).userId());
          assertThat(e.checkpoint()).contains(checkpoint);
          assertThat(e.getMessage()).contains("maxFailureRate").contains(checkpoint.toString());
        });
    assertThat(checkpoint).exists();
    int paidBefore = failing.callCount() - 1;

    ScriptedLlmClient recovered = world();
    RppModel resumed = config.llm(recovered).build().fit(users);
    assertThat(paidBefore + recovered.callCount()).isEqualTo(users.size() * 3);

    Path plain = dir.resolve("plain.json");
    RppModel reference = RppTesting.small(world()).build().fit(users);
    Path after = dir.resolve("resumed.json");
    reference.save(plain);
    resumed.save(after);
    JsonNode a = AgpJson.mapper().readTree(plain.toFile());
    JsonNode b = AgpJson.mapper().readTree(after.toFile());
    assertThat(b.get("agents")).isEqualTo(a.get("agents"));
    assertThat(b.get("actions")).isEqualTo(a.get("actions"));
    assertThat(b.at("/history/iterations").findValues("meanReward")).isEqualTo(a.at("/history/iterations").findValues("meanReward"));
  }

  @Test
  void fit_budgetRunsOut_stopsCleanlyAndResumeNeverRepeatsAPaidCall() {
    List<UserCase> users = RppTesting.mixed("b", 6, 9);
    Path checkpoint = dir.resolve("budget.json");
    RppTesting.Budget first = new RppTesting.Budget(world(), 17);
    RppOptimizer.Builder config = RppTesting.small(first).refine(true).concurrency(4).checkpoint(checkpoint);
    assertThatThrownBy(() -> config.build().fit(users))
        .isInstanceOfSatisfying(RppFitException.class, e -> {
          assertThat(e.getCause()).isInstanceOf(LlmBudgetExceededException.class);
          assertThat(e.getMessage()).contains("budget");
        });
    RppTesting.Budget second = new RppTesting.Budget(world(), Integer.MAX_VALUE);
    RppModel model = config.llm(second).build().fit(users);
    assertThat(first.paid.get() + second.paid.get()).isEqualTo(2 * users.size() * 3);
    RppModel reference = RppTesting.small(world()).refine(true).build().fit(users);
    for (UserCase u : RppTesting.mixed("held", 5, 99)) {
      assertThat(model.choose(u)).isEqualTo(reference.choose(u));
    }
  }

  @Test
  void fit_checkpointOfOtherConfiguration_throwsCheckpointExceptionNamingTheDifference() {
    List<UserCase> users = RppTesting.mixed("k", 3, 1);
    Path checkpoint = dir.resolve("other.json");
    RppTesting.small(world()).checkpoint(checkpoint).build().fit(users);
    assertThatThrownBy(() -> RppTesting.small(world()).iterations(4).discount(0.9).checkpoint(checkpoint).build().fit(users))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("iterations: 3 in the checkpoint, 4 now")
        .hasMessageContaining("discount");
    assertThatThrownBy(() -> RppTesting.small(world()).checkpoint(checkpoint).build().fit(RppTesting.mixed("k", 3, 2)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("trainUsers");
  }

  @Test
  void fit_finishedCheckpoint_returnsTheModelWithoutCalls() throws Exception {
    List<UserCase> users = RppTesting.mixed("d", 3, 1);
    Path checkpoint = dir.resolve("done.json");
    RppModel first = RppTesting.small(world()).checkpoint(checkpoint).build().fit(users);
    ScriptedLlmClient again = world();
    RppModel second = RppTesting.small(again).checkpoint(checkpoint).build().fit(users);
    assertThat(again.callCount()).isZero();
    assertThat(second.history()).isEqualTo(first.history());
    assertThat(second.usage()).isEqualTo(first.usage());
    assertThat(Files.readString(checkpoint)).contains("\"format\" : \"rpp-checkpoint\"");
  }

  @Test
  void fit_damagedCheckpoint_throwsCheckpointException() throws Exception {
    Path checkpoint = dir.resolve("bad.json");
    Files.writeString(checkpoint, "{ not json");
    assertThatThrownBy(() -> RppTesting.small(world()).checkpoint(checkpoint).build().fit(RppTesting.mixed("x", 2, 1)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("cannot read the checkpoint");
  }

  // ---------------------------------------------------------------- listeners

  @Test
  void fit_listeners_seeEveryEventAndOneThatThrowsDoesNotStopTheFit() {
    List<UserCase> users = RppTesting.mixed("l", 3, 1);
    AtomicInteger iterations = new AtomicInteger();
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger usersDone = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger ends = new AtomicInteger();
    List<RppIterationRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    RppListener counting = new RppListener() {
      @Override public void onIterationStart(int iteration, int total) { iterations.incrementAndGet(); }
      @Override public void onBatchEnd(RppBatchRecord record) { batches.incrementAndGet(); }
      @Override public void onUserDone(String userId, boolean succeeded) { usersDone.incrementAndGet(); }
      @Override public void onLlmCall(dev.agp.llm.LlmCallEvent event) { calls.incrementAndGet(); }
      @Override public void onIterationEnd(RppIterationRecord record) { records.add(record); }
      @Override public void onFitEnd(RppHistory history) { ends.incrementAndGet(); }
    };
    RppListener throwing = new RppListener() {
      @Override public void onBatchEnd(RppBatchRecord record) { throw new IllegalStateException("listener bug"); }
    };
    RppModel model = RppTesting.small(world()).listener(throwing).listener(counting).build().fit(users);
    assertThat(iterations).hasValue(3);
    assertThat(batches).hasValue(3 * 2);
    assertThat(usersDone).hasValue(3 * users.size());
    assertThat(calls).hasValue(3 * users.size());
    assertThat(ends).hasValue(1);
    assertThat(records).isEqualTo(model.history().iterations());
    RppIterationRecord last = records.get(2);
    assertThat(last.users()).isEqualTo(users.size());
    assertThat(last.sampledCounts().get(PromptPattern.REASONING_GUIDANCE).stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(users.size());
    assertThat(last.greedyCounts().get(PromptPattern.OUTPUT_FORMAT).stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(users.size());
    assertThat(last.actionSpaceSizes()).containsEntry(PromptPattern.REASONING_GUIDANCE, 9);
  }

  @Test
  void fit_historyRecordsEveryBatchWithUsage() {
    List<UserCase> users = RppTesting.mixed("h", 5, 1);
    RppModel model = RppTesting.small(world()).build().fit(users);
    assertThat(model.history().batches()).hasSize(3 * 3);
    assertThat(model.history().batches()).allSatisfy(b -> {
      assertThat(b.usage().stage(Stage.RPP_RANK).calls()).isEqualTo(b.userIds().size());
      assertThat(b.meanReward()).isBetween(0.0, 1.0);
    });
    assertThat(model.history().iterations()).extracting(RppIterationRecord::iteration).containsExactly(1, 2, 3);
    assertThat(Set.copyOf(model.history().batches().stream().flatMap(b -> b.userIds().stream()).toList()))
        .hasSize(users.size());
    assertThat(model.method()).isEqualTo("RPP");
  }
}
