package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import org.junit.jupiter.api.Test;

class LlmRerankersTest {

  private final UserCase user = Fixtures.user("u1", "i3");

  @Test
  void direct_sendsHistoryAndLabelledCandidates_andParsesTheAnswer() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder().on(Stage.DIRECT_RERANK, r -> "<ranking>D, A, B</ranking>").build();

    Ranking r = LlmRerankers.builder(llm).domain("movie").historyLength(1).direct().rerank(user);

    assertThat(r.itemIds().subList(0, 3)).containsExactly("i3", "i0", "i1");
    assertThat(r.repair().appended()).isEqualTo(7);
    LlmRequest request = llm.requests().get(0);
    assertThat(request.stage()).isEqualTo(Stage.DIRECT_RERANK);
    assertThat(request.temperature()).isZero();
    assertThat(request.maxOutputTokens()).hasValue(LlmRerankers.DEFAULT_DIRECT_MAX_TOKENS);
    assertThat(request.lastUserText()).contains("1. Seen Two", "[A] Title 0", "[J] Title 9", "candidate movies")
        .doesNotContain("Seen One", "i3");
  }

  @Test
  void chainOfThought_readsTheFinalBlockAfterReasoning() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder()
        .on(Stage.COT_RERANK, r -> "The user likes [J] a lot, less [A].\n<ranking>J, A, C</ranking>")
        .build();

    Ranking r = LlmRerankers.chainOfThought(llm).rerank(user);

    assertThat(r.itemIds().subList(0, 3)).containsExactly("i9", "i0", "i2");
    assertThat(llm.requests().get(0).lastUserText()).contains("Think step by step");
    assertThat(llm.requests().get(0).maxOutputTokens()).hasValue(LlmRerankers.DEFAULT_COT_MAX_TOKENS);
  }

  @Test
  void rerank_backendFailure_fallsBackToTheBaseOrder() {
    Ranking r = LlmRerankers.direct(req -> {
      throw new LlmRetriableException("HTTP 429", null);
    }).rerank(user);

    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).isEqualTo(user.candidateIds());
  }

  @Test
  void rerank_budgetRefusesTheCall_propagatesInsteadOfFallingBack() {
    CaseReranker direct = LlmRerankers.direct(req -> {
      throw new LlmBudgetExceededException("the token budget of 10 could be exceeded", Stage.DIRECT_RERANK);
    });

    assertThatThrownBy(() -> direct.rerank(user)).isInstanceOf(LlmBudgetExceededException.class)
        .hasMessageContaining("token budget");
  }

  @Test
  void builder_validates() {
    ScriptedLlmClient llm = ScriptedLlmClient.always("A");
    assertThatThrownBy(() -> LlmRerankers.builder(llm).historyLength(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyLength");
    assertThatThrownBy(() -> LlmRerankers.builder(llm).temperature(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> LlmRerankers.builder(llm).template(TemplateName.DIRECT_RERANK, "{{history}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{candidates}}");
    assertThatThrownBy(() -> LlmRerankers.builder(null)).isInstanceOf(NullPointerException.class);
  }
}
