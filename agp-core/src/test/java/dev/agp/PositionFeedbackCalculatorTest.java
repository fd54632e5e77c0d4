package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PositionFeedbackCalculatorTest {

  private final PositionFeedbackCalculator calc = new PositionFeedbackCalculator(10, 200, "movie");

  @Test
  void feedback_singleItemBelowTarget_placementAndText() {
    UserCase u = Fixtures.user("u", "i5");
    PositionFeedback f = calc.feedback(u, Fixtures.ranking(u, "i2", "i7", "i1", "i5"));

    assertThat(f.placements()).singleElement().satisfies(p -> {
      assertThat(p.position()).isEqualTo(4);
      assertThat(p.targetPosition()).isEqualTo(1);
      assertThat(p.rankedAbove()).containsExactly("Title 2", "Title 7", "Title 1");
      assertThat(p.atTarget()).isFalse();
    });
    assertThat(f.averagePosition()).isEqualTo(4.0);
    assertThat(f.ndcg()).isCloseTo(1 / (Math.log(5) / Math.log(2)), within(1e-12));
    assertThat(f.atTarget()).isFalse();
    assertThat(f.text())
        .contains("\"Title 5\"", "placed it 4 of 10", "should have been at position 1",
            "Ranked above it: \"Title 2\", \"Title 7\", \"Title 1\".");
  }

  @Test
  void feedback_twoRelevantItems_targetsFollowTheirPlaceAmongRelevant() {
    UserCase u = Fixtures.user("u", "i8", "i3");
    PositionFeedback f = calc.feedback(u, Fixtures.ranking(u, "i0", "i3", "i1", "i2", "i8"));

    assertThat(f.placements()).extracting(ItemPlacement::itemId).containsExactly("i3", "i8");
    assertThat(f.placements()).extracting(ItemPlacement::position).containsExactly(2, 5);
    assertThat(f.placements()).extracting(ItemPlacement::targetPosition).containsExactly(1, 2);
    assertThat(f.placements().get(1).rankedAbove()).containsExactly("Title 0", "Title 1", "Title 2");
    assertThat(f.averagePosition()).isEqualTo(3.5);
    double dcg = 1 / log2(3) + 1 / log2(6);
    double idcg = 1 + 1 / log2(3);
    assertThat(f.ndcg()).isCloseTo(dcg / idcg, within(1e-12));
  }

  @Test
  void feedback_atTarget_saysSo() {
    UserCase u = Fixtures.user("u", "i0");
    PositionFeedback f = calc.feedback(u, Ranking.base(u));

    assertThat(f.atTarget()).isTrue();
    assertThat(f.ndcg()).isEqualTo(1.0);
    assertThat(f.text()).contains("placed it 1 of 10, on target.");
  }

  @Test
  void feedback_manyItemsAbove_namesFiveAndCountsTheRest() {
    UserCase u = Fixtures.user("u", "i0");
    PositionFeedback f = calc.feedback(u, Fixtures.ranking(u, "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i0"));

    assertThat(f.text()).contains("\"Title 5\" and 2 more.").doesNotContain("Title 6\"");
    assertThat(f.ndcg()).isCloseTo(1 / log2(9), within(1e-12));
  }

  @Test
  void feedback_relevantBeyondCutoff_scoresZero() {
    UserCase u = Fixtures.user("u", "i0");
    PositionFeedback f = new PositionFeedbackCalculator(3, 200, "movie")
        .feedback(u, Fixtures.ranking(u, "i1", "i2", "i3", "i0"));
    assertThat(f.ndcg()).isZero();
    assertThat(f.averagePosition()).isEqualTo(4.0);
  }

  @Test
  void feedback_invalidInput_throwsNamingTheUser() {
    UserCase serving = Fixtures.user("s1");
    assertThatThrownBy(() -> calc.feedback(serving, Ranking.base(serving)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s1");
    UserCase u = Fixtures.user("u2", "i0");
    assertThatThrownBy(() -> calc.feedback(u, Ranking.of("u2", List.of("i0", "i1"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u2").hasMessageContaining("permutation");
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
