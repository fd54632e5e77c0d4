package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.llm.LlmClient;
import dev.agp.llm.Stage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.RankingParser;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What one hostile answer, a faulty client or a malformed case does to fits and serving. */
class ServingHardeningTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 10, 31);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 4, 32);
  private static final String LONG_LINE = "C, D, " + "A, B, ".repeat(2_000) + "E";

  private static AgpModel trained() {
    return AgpOptimizer.builder().llm(GenreWorld.llm().build()).initialPrompt(GenreWorld.NAIVE_PROMPT)
        .domain("movie").batchSize(5).epochs(1).build().fit(TRAIN, VALIDATION);
  }

  private static UserCase withCandidates(String userId, int n) {
    List<Item> c = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      c.add(Item.of("c" + i, "Candidate " + i));
    }
    return UserCase.forServing(userId, List.of(Item.of("h", "Seen")), c);
  }

  // ---------------------------------------------------------------- item 1 at the level of fits and serving

  @Test
  void fit_oneUsersAnswerIsALongLineOfLabels_theFitCompletes() {
    String victim = TRAIN.get(3).userId();
    ScriptedLlmClient llm = GenreWorld.llm()
        .when(r -> r.stage() == Stage.RERANK && r.lastUserText().contains(firstTitle(victim)), r -> LONG_LINE)
        .build();

    AgpModel model = AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie")
        .batchSize(5).epochs(1).build().fit(TRAIN, VALIDATION);

    assertThat(model.history().batches()).hasSize(2);
    assertThat(model.history().batches().stream().mapToInt(b -> b.failures().size()).sum()).isZero();
  }

  private static String firstTitle(String userId) {
    UserCase u = TRAIN.stream().filter(c -> c.userId().equals(userId)).findFirst().orElseThrow();
    return u.candidates().get(0).title();
  }

  @Test
  void rerank_answerThatIsALongLineOfLabels_isReadNotThrown() {
    AgpModel model = trained().withLlm(ScriptedLlmClient.builder()
        .on(Stage.PROFILE, r -> "Likes action.").on(Stage.RERANK, r -> LONG_LINE).build());
    CaseReranker direct = LlmRerankers.direct(ScriptedLlmClient.always(LONG_LINE));
    UserCase u = VALIDATION.get(0);

    for (CaseReranker reranker : List.of(model, direct)) {
      Ranking r = reranker.rerank(u);
      assertThat(r.fallback()).isFalse();
      assertThat(r.itemIds().subList(0, 5)).containsExactly(
          u.candidates().get(2).id(), u.candidates().get(3).id(), u.candidates().get(0).id(),
          u.candidates().get(1).id(), u.candidates().get(4).id());
    }
  }

  @Test
  void parse_defectWhileReadingTheAnswer_isAnAnswerParseExceptionNotAnError() {
    List<Item> items = List.of(Item.of("a", "Heat"), Item.of("b", "Up"));
    AtomicInteger gets = new AtomicInteger();
    List<Item> sabotaged = new AbstractList<>() {
      @Override
      public Item get(int index) {
        if (gets.incrementAndGet() > 2 * items.size()) {
          throw new StackOverflowError("simulated");
        }
        return items.get(index);
      }

      @Override
      public int size() {
        return items.size();
      }
    };

    assertThatThrownBy(() -> RankingParser.parse("Heat", sabotaged))
        .isInstanceOf(AnswerParseException.class)
        .hasCauseInstanceOf(StackOverflowError.class)
        .hasMessageContaining("4 characters")
        .hasMessageNotContaining("Heat");
  }

  // ---------------------------------------------------------------- item 8: limits, nulls, faulty clients

  @Test
  void rerank_moreCandidatesThanLabels_namesTheUserAndTheLimit() {
    UserCase big = withCandidates("big-user", CandidateLabels.MAX_CANDIDATES + 1);
    AgpModel model = trained();

    for (CaseReranker reranker : List.of(model, LlmRerankers.direct(ScriptedLlmClient.always("A")))) {
      assertThatThrownBy(() -> reranker.rerank(big))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("big-user").hasMessageContaining("703").hasMessageContaining("702");
    }
  }

  @Test
  void userCase_nullElements_areNamedByListAndIndex() {
    Item ok = Item.of("i1", "One");
    assertThatThrownBy(() -> new UserCase("u7", Arrays.asList(ok, null), List.of(ok), Set.of()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("u7").hasMessageContaining("history[1]");
    assertThatThrownBy(() -> new UserCase("u7", List.of(), Arrays.asList(ok, Item.of("i2", "Two"), null), Set.of()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("u7").hasMessageContaining("candidates[2]");
  }

  @Test
  void fit_nullUserInTheOneListGiven_isNamedByItsIndexInThatList() {
    List<UserCase> users = new ArrayList<>(GenreWorld.users("n", 8, 33));
    users.add(5, null);
    AgpOptimizer optimizer = AgpOptimizer.builder().llm(GenreWorld.llm().build()).domain("movie").batchSize(3)
        .epochs(1).build();

    assertThatThrownBy(() -> optimizer.fit(users)).isInstanceOf(NullPointerException.class).hasMessage("train[5]");
    assertThatThrownBy(() -> optimizer.fit(TRAIN, Arrays.asList(VALIDATION.get(0), null)))
        .isInstanceOf(NullPointerException.class).hasMessage("validation[1]");
  }

  @Test
  void rerank_clientThrowingAPlainRuntimeException_propagatesItUnchangedAndCountsTheCall() {
    IllegalStateException bug = new IllegalStateException("bug inside a custom client");
    LlmClient broken = r -> {
      throw bug;
    };
    AgpModel model = trained();
    long before = model.usage().stage(Stage.PROFILE).failures();
    AgpModel serving = model.withLlm(broken);
    UserCase u = VALIDATION.get(1);

    assertThatThrownBy(() -> serving.rerank(u)).isSameAs(bug);
    assertThatThrownBy(() -> LlmRerankers.direct(broken).rerank(u)).isSameAs(bug);
    assertThat(serving.usage().stage(Stage.PROFILE).failures()).isEqualTo(before + 1);
  }

  @Test
  void fit_clientThrowingAPlainRuntimeExceptionForOneUser_countsThatUserAndGoesOn() {
    String victim = TRAIN.get(2).userId();
    ScriptedLlmClient llm = GenreWorld.llm()
        .failWhen(r -> r.stage() == Stage.RERANK && r.lastUserText().contains(firstTitle(victim)),
            () -> new UnsupportedOperationException("not wired for this user"))
        .build();

    AgpModel model = AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie")
        .batchSize(5).epochs(1).maxFailureRate(0.5).build().fit(TRAIN, VALIDATION);

    assertThat(model.history().batches().stream().flatMap(b -> b.failures().stream()))
        .anySatisfy(f -> assertThat(f.error()).isEqualTo("UnsupportedOperationException"));
  }
}
