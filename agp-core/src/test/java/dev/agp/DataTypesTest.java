package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.NullPointerTester;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.PromptTemplates;
import dev.agp.prompt.RankingParser;
import dev.agp.prompt.UntrustedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataTypesTest {

  private static final List<Item> CANDIDATES = List.of(Item.of("a", "Alpha"), Item.of("b", "Beta"), Item.of("c", "Gamma"));

  @Test
  void publicTypes_nullArguments_throwNullPointerException() {
    NullPointerTester t = new NullPointerTester()
        .setDefault(Item.class, Item.of("x", "X"))
        .setDefault(UserCase.class, new UserCase("u", List.of(), CANDIDATES, Set.of()))
        .setDefault(ProfilePrompt.class, new ProfilePrompt("p"))
        .setDefault(Stage.class, Stage.PROFILE)
        .setDefault(String.class, "s")
        .setDefault(RepairStats.class, RepairStats.provided())
        .setDefault(UserProfile.class, new UserProfile("u", "p"))
        .setDefault(Ranking.class, Ranking.of("u", List.of("a", "b", "c")))
        .setDefault(PositionFeedback.class, new PositionFeedback("u", List.of(), 1, 1, ""))
        .setDefault(UpdateStrength.class, UpdateStrength.SMALL)
        .setDefault(TokenUsage.class, TokenUsage.ZERO)
        .setDefault(LlmMessage.class, LlmMessage.user("x"))
        .setDefault(TemplateName.class, TemplateName.RERANK);
    for (Class<?> c : List.of(Item.class, UserCase.class, UserProfile.class, ProfilePrompt.class, Ranking.class,
        RepairStats.class, ItemPlacement.class, PositionFeedback.class, UserOutcome.class, BatchFeedback.class,
        LlmMessage.class, LlmRequest.class, LlmResponse.class, UserFailure.class, PromptTemplate.class,
        PromptTemplates.class, UntrustedText.class, RankingParser.class, LlmRerankers.class)) {
      t.testAllPublicStaticMethods(c);
      t.testAllPublicConstructors(c);
    }
  }

  @Test
  void userCase_copiesAndKeepsRelevantOrder() {
    List<Item> history = new ArrayList<>(List.of(Item.of("h", "Old")));
    UserCase u = new UserCase("u1", history, CANDIDATES, new java.util.LinkedHashSet<>(List.of("c", "a")));
    history.clear();

    assertThat(u.history()).hasSize(1);
    assertThat(u.relevantItemIds()).containsExactly("c", "a");
    assertThat(u.candidateIds()).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> u.history().add(Item.of("z", "Z"))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void userCase_relevantItemNotACandidate_namesUserAndItem() {
    assertThatThrownBy(() -> new UserCase("u7", List.of(), CANDIDATES, Set.of("zz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user u7")
        .hasMessageContaining("zz");
  }

  @Test
  void userCase_duplicateCandidate_namesUserAndItem() {
    assertThatThrownBy(() -> new UserCase("u8", List.of(), List.of(Item.of("a", "A"), Item.of("a", "A2")), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user u8")
        .hasMessageContaining("candidate a");
  }

  @Test
  void userCase_emptyCandidatesOrBlankId_throws() {
    assertThatThrownBy(() -> new UserCase("u", List.of(), List.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidates");
    assertThatThrownBy(() -> new UserCase(" ", List.of(), CANDIDATES, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId");
  }

  @Test
  void recentHistory_takesTheNewestItems() {
    List<Item> history = List.of(Item.of("1", "One"), Item.of("2", "Two"), Item.of("3", "Three"));
    UserCase u = UserCase.forServing("u", history, CANDIDATES);

    assertThat(u.recentHistory(2)).extracting(Item::id).containsExactly("2", "3");
    assertThat(u.recentHistory(10)).hasSize(3);
    assertThatThrownBy(() -> u.recentHistory(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void item_blankTitle_namesItem() {
    assertThatThrownBy(() -> Item.of("i9", "  ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i9");
    assertThatThrownBy(() -> Item.of("", "T")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ranking_repeatedItem_throws() {
    assertThatThrownBy(() -> Ranking.of("u", List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ranked twice");
  }

  @Test
  void ranking_permutationAndPositions() {
    UserCase u = new UserCase("u", List.of(), CANDIDATES, Set.of("b"));
    Ranking r = Ranking.of("u", List.of("c", "b", "a"));

    assertThat(r.isPermutationOf(u)).isTrue();
    assertThat(r.positionOf("b")).isEqualTo(2);
    assertThat(r.positionOf("zz")).isZero();
    assertThat(Ranking.of("u", List.of("c", "b")).isPermutationOf(u)).isFalse();
    assertThat(Ranking.fallback(u).fallback()).isTrue();
    assertThat(Ranking.fallback(u).itemIds()).containsExactly("a", "b", "c");
  }

  @Test
  void llmRequest_validatesRanges() {
    List<LlmMessage> m = List.of(LlmMessage.user("hi"));
    assertThatThrownBy(() -> new LlmRequest(List.of(), Stage.PROFILE, 0, OptionalInt.empty(), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages");
    assertThatThrownBy(() -> new LlmRequest(m, Stage.PROFILE, 2.5, OptionalInt.empty(), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    assertThatThrownBy(() -> new LlmRequest(m, Stage.PROFILE, Double.NaN, OptionalInt.empty(), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    assertThatThrownBy(() -> new LlmRequest(m, Stage.PROFILE, 0, OptionalInt.of(0), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutputTokens");

    LlmRequest r = LlmRequest.of(Stage.RERANK, "sys", "user text").withTemperature(0.3).withMaxOutputTokens(50).withJson(true);
    assertThat(r.lastUserText()).isEqualTo("user text");
    assertThat(r.characterCount()).isEqualTo(12);
    assertThat(r.json()).isTrue();
    assertThat(r.maxOutputTokens()).hasValue(50);
  }

  @Test
  void tokenUsageAndResponse_validate() {
    assertThatThrownBy(() -> new TokenUsage(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new TokenUsage(3, 4).plus(new TokenUsage(1, 1)).totalTokens()).isEqualTo(9);
    assertThatThrownBy(() -> new LlmResponse("x", TokenUsage.ZERO, "", 0, false)).isInstanceOf(IllegalArgumentException.class);
    LlmResponse cached = LlmResponse.of("x", new TokenUsage(5, 5)).withAttempts(3).asCached();
    assertThat(cached.cached()).isTrue();
    assertThat(cached.usage()).isEqualTo(TokenUsage.ZERO);
  }

  @Test
  void positionFeedback_validatesRanges() {
    assertThatThrownBy(() -> new PositionFeedback("u", List.of(), 0.5, 0.5, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("averagePosition");
    assertThatThrownBy(() -> new PositionFeedback("u", List.of(), 1, 1.5, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ndcg");
    assertThatThrownBy(() -> new ItemPlacement("a", "A", 0, 1, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchFeedback_keepsWeightOrder() {
    Map<String, Double> w = new java.util.LinkedHashMap<>();
    w.put("z", 0.7);
    w.put("a", 0.3);
    BatchFeedback f = new BatchFeedback("t", w, 2, 1, 0.5, UpdateStrength.SMALL, 0, true);
    assertThat(f.weights().keySet()).containsExactly("z", "a");
  }

  @Test
  void updateStrength_thresholds() {
    assertThat(UpdateStrength.forDisplacement(0, 10)).isEqualTo(UpdateStrength.SMALL);
    assertThat(UpdateStrength.forDisplacement(1.79, 10)).isEqualTo(UpdateStrength.SMALL);
    assertThat(UpdateStrength.forDisplacement(1.8, 10)).isEqualTo(UpdateStrength.MODERATE);
    assertThat(UpdateStrength.forDisplacement(4.5, 10)).isEqualTo(UpdateStrength.LARGE);
    assertThat(UpdateStrength.forDisplacement(0, 1)).isEqualTo(UpdateStrength.SMALL);
    assertThat(UpdateStrength.forScore(0.9)).isEqualTo(UpdateStrength.SMALL);
    assertThat(UpdateStrength.forScore(0.6)).isEqualTo(UpdateStrength.MODERATE);
    assertThat(UpdateStrength.forScore(0.2)).isEqualTo(UpdateStrength.LARGE);
    assertThatThrownBy(() -> UpdateStrength.forDisplacement(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UpdateStrength.forScore(1.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void candidateLabels_roundTrip() {
    for (int i = 0; i < CandidateLabels.MAX_CANDIDATES; i++) {
      assertThat(CandidateLabels.index(CandidateLabels.label(i))).hasValue(i);
    }
    assertThat(CandidateLabels.label(0)).isEqualTo("A");
    assertThat(CandidateLabels.label(25)).isEqualTo("Z");
    assertThat(CandidateLabels.label(26)).isEqualTo("AA");
    // never the identity order a copying model would return unnoticed
    assertThat(CandidateLabels.example(10)).isEqualTo("C, A, B");
    assertThat(CandidateLabels.example(2)).isEqualTo("B, A");
    assertThat(CandidateLabels.example(1)).isEqualTo("A");
    assertThatThrownBy(() -> CandidateLabels.example(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(CandidateLabels.index("a")).isEmpty();
    assertThat(CandidateLabels.index("ABC")).isEmpty();
    assertThatThrownBy(() -> CandidateLabels.label(CandidateLabels.MAX_CANDIDATES)).isInstanceOf(IllegalArgumentException.class);
  }
}
