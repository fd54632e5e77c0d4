package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import dev.agp.llm.Stage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.testing.ScriptedLlmClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RPP's fit and serving against one hostile answer, a faulty client and an oversized case. */
class RppServingHardeningTest {

  private static final List<UserCase> TRAIN = RppTesting.mixed("t", 4, 41);
  private static final String LONG_LINE = "B, C, " + "A, D, ".repeat(2_000) + "E";

  @Test
  void fit_someAnswersAreLongLinesOfLabels_theFitCompletesAndReadsThem() {
    ScriptedLlmClient llm = RppWorld.llm().when(r -> r.stage() == Stage.RPP_RANK && r.lastUserText().hashCode() % 3 == 0,
        r -> LONG_LINE).build();

    RppModel model = RppTesting.small(llm).build().fit(TRAIN);

    assertThat(model.history().batches()).isNotEmpty();
    assertThat(model.history().batches().stream().mapToInt(b -> b.failures().size()).sum()).isZero();
  }

  @Test
  void rerank_longLineOfLabels_isRead() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN)
        .withLlm(ScriptedLlmClient.always(LONG_LINE));
    UserCase u = TRAIN.get(0);

    Ranking r = model.rerank(u);

    assertThat(r.fallback()).isFalse();
    assertThat(r.itemIds().get(0)).isEqualTo(u.candidates().get(1).id());
  }

  @Test
  void rerank_clientThrowingAPlainRuntimeException_propagatesItAndCountsTheCall() {
    UnsupportedOperationException bug = new UnsupportedOperationException("not wired");
    LlmClient broken = r -> {
      throw bug;
    };
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN).withLlm(broken);
    long before = model.usage().stage(Stage.RPP_RANK).failures();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.rerank(TRAIN.get(1))).isSameAs(bug);
    assertThat(model.usage().stage(Stage.RPP_RANK).failures()).isEqualTo(before + 1);
  }

  @Test
  void rerank_moreCandidatesThanLabels_namesTheUser() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    List<Item> many = new ArrayList<>();
    for (int i = 0; i <= CandidateLabels.MAX_CANDIDATES; i++) {
      many.add(Item.of("c" + i, "Candidate " + i));
    }
    UserCase big = UserCase.forServing("huge-list-user", TRAIN.get(0).history(), many);

    assertThatThrownBy(() -> model.rerank(big))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("huge-list-user").hasMessageContaining("703");
  }
}
