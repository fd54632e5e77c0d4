package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agp.eval.RankingMetrics.MeanMetrics;
import dev.agp.eval.RankingMetrics.UserMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected values are derived by hand from trec_eval's definitions (ndcg_cut, P, recall,
 * recip_rank, success); the formula of each is in the comment beside it. They were cross-checked
 * against trec_eval 10.0-rc3 run on the same qrels and run (printing 15 digits).
 *
 * <p>Notation: lg(x) = log2(x); a relevant item at rank r contributes grade / lg(r + 1).
 */
class RankingMetricsTest {

  private static final double EPS = 1e-9;

  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
  }

  private static double lg(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static Map<String, Integer> grades(Object... pairs) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return m;
  }

  // ---- case 1: one relevant item at rank 3 of 10

  @Test
  void evaluate_oneRelevantAtRank3_matchesTrecEval() {
    UserMetrics m = RankingMetrics.evaluate(ids("i", 1, 10), grades("i3", 1), 10);
    assertThat(m.ndcg()).isCloseTo(0.5, within(EPS)); // (1/lg 4) / (1/lg 2) = 1/2
    assertThat(m.mrr()).isCloseTo(1.0 / 3, within(EPS)); // 1/3
    assertThat(m.mrrAtK()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(m.precision()).isCloseTo(0.1, within(EPS)); // 1/10
    assertThat(m.recall()).isCloseTo(1.0, within(EPS)); // 1/1
    assertThat(m.hitRate()).isEqualTo(1.0);
    assertThat(m.position()).hasValue(3);
    assertThat(RankingMetrics.ndcg(ids("i", 1, 10), grades("i3", 1), 3)).isCloseTo(0.5, within(EPS));
    assertThat(RankingMetrics.precision(ids("i", 1, 10), grades("i3", 1), 5)).isCloseTo(0.2, within(EPS)); // 1/5
  }

  // ---- case 2: one relevant item at rank 12 of 15, outside the cutoff

  @Test
  void evaluate_relevantBelowCutoff_onlyWholeListMrrCounts() {
    UserMetrics m = RankingMetrics.evaluate(ids("i", 1, 15), grades("i12", 1), 10);
    assertThat(m.ndcg()).isZero();
    assertThat(m.mrr()).isCloseTo(0.083333333333333, within(EPS)); // 1/12: recip_rank sees the whole list
    assertThat(m.mrrAtK()).isZero(); // 12 > 10
    assertThat(m.precision()).isZero();
    assertThat(m.recall()).isZero();
    assertThat(m.hitRate()).isZero();
    assertThat(m.position()).hasValue(12);
  }

  // ---- case 3: several binary relevant items, one of them not ranked, one judged 0

  @Test
  void ndcg_severalBinaryRelevant_idealCountsUnrankedItems() {
    List<String> r = ids("i", 1, 10);
    Map<String, Integer> rel = grades("i1", 1, "i4", 1, "i7", 1, "x", 1, "i2", 0);
    // DCG@10 = 1/lg2 + 1/lg5 + 1/lg8; IDCG@10 = 1/lg2 + 1/lg3 + 1/lg4 + 1/lg5 (4 relevant)
    assertThat(RankingMetrics.ndcg(r, rel, 10)).isCloseTo(0.688634269593920, within(EPS));
    // DCG@3 = 1/lg2; IDCG@3 = 1/lg2 + 1/lg3 + 1/lg4
    assertThat(RankingMetrics.ndcg(r, rel, 3)).isCloseTo(0.469278726022756, within(EPS));
    // DCG@5 = 1/lg2 + 1/lg5; IDCG@5 = IDCG@4 = 1/lg2 + 1/lg3 + 1/lg4 + 1/lg5
    assertThat(RankingMetrics.ndcg(r, rel, 5)).isCloseTo(0.558507586263219, within(EPS));
    assertThat(RankingMetrics.precision(r, rel, 10)).isCloseTo(0.3, within(EPS)); // 3/10
    assertThat(RankingMetrics.precision(r, rel, 5)).isCloseTo(0.4, within(EPS)); // 2/5
    assertThat(RankingMetrics.recall(r, rel, 10)).isCloseTo(0.75, within(EPS)); // 3/4
    assertThat(RankingMetrics.recall(r, rel, 5)).isCloseTo(0.5, within(EPS)); // 2/4
    assertThat(RankingMetrics.mrr(r, rel)).isEqualTo(1.0); // first relevant at rank 1
    // the same values from the formulas, to show the derivation
    double dcg = 1 / lg(2) + 1 / lg(5) + 1 / lg(8);
    double idcg = 1 / lg(2) + 1 / lg(3) + 1 / lg(4) + 1 / lg(5);
    assertThat(RankingMetrics.ndcg(r, rel, 10)).isCloseTo(dcg / idcg, within(EPS));
  }

  // ---- case 4: graded relevance, a relevant item left out of the ranking

  @Test
  void ndcg_graded_usesLinearGainAndIdealOverAllGrades() {
    List<String> r = List.of("a", "b", "c", "d", "e", "g", "h");
    Map<String, Integer> rel = grades("a", 0, "b", 2, "c", 3, "d", 0, "e", 1, "f", 2);
    // DCG@3 = 2/lg3 + 3/lg4; IDCG@3 = 3/lg2 + 2/lg3 + 2/lg4 (ideal grades 3,2,2,1)
    assertThat(RankingMetrics.ndcg(r, rel, 3)).isCloseTo(0.524882791605082, within(EPS));
    // DCG@5 = 2/lg3 + 3/lg4 + 1/lg6; IDCG@5 = 3/lg2 + 2/lg3 + 2/lg4 + 1/lg5
    assertThat(RankingMetrics.ndcg(r, rel, 5)).isCloseTo(0.553129972002700, within(EPS));
    // nothing more is gained after rank 5 and the ideal has only 4 items: same at 10
    assertThat(RankingMetrics.ndcg(r, rel, 10)).isCloseTo(0.553129972002700, within(EPS));
    assertThat(RankingMetrics.precision(r, rel, 5)).isCloseTo(0.6, within(EPS)); // b,c,e: 3/5
    assertThat(RankingMetrics.precision(r, rel, 10)).isCloseTo(0.3, within(EPS)); // 3/10 though only 7 ranked
    assertThat(RankingMetrics.recall(r, rel, 10)).isCloseTo(0.75, within(EPS)); // 3 of b,c,e,f
    assertThat(RankingMetrics.mrr(r, rel)).isCloseTo(0.5, within(EPS)); // b at rank 2
    assertThat(RankingMetrics.hitRate(r, rel, 1)).isZero();
    assertThat(RankingMetrics.position(r, rel)).hasValue(2);
  }

  // ---- case 5: graded, more relevant items than the cutoff reaches

  @Test
  void ndcg_gradedMany_cutsTheIdealAtK() {
    List<String> r = ids("p", 1, 12);
    Map<String, Integer> rel = grades("p2", 3, "p5", 1, "p9", 2, "p11", 3, "p12", 1, "q1", 2);
    // DCG@3 = 3/lg3; IDCG@3 = 3/lg2 + 3/lg3 + 2/lg4 (ideal grades 3,3,2,2,1,1)
    assertThat(RankingMetrics.ndcg(r, rel, 3)).isCloseTo(0.321204301897080, within(EPS));
    // DCG@5 = 3/lg3 + 1/lg6; IDCG@5 = 3/lg2 + 3/lg3 + 2/lg4 + 2/lg5 + 1/lg6
    assertThat(RankingMetrics.ndcg(r, rel, 5)).isCloseTo(0.319233105355692, within(EPS));
    // DCG@10 = 3/lg3 + 1/lg6 + 2/lg10; IDCG@10 = 3/lg2 + 3/lg3 + 2/lg4 + 2/lg5 + 1/lg6 + 1/lg7
    assertThat(RankingMetrics.ndcg(r, rel, 10)).isCloseTo(0.384370317966247, within(EPS));
    assertThat(RankingMetrics.precision(r, rel, 10)).isCloseTo(0.3, within(EPS)); // p2,p5,p9: 3/10
    assertThat(RankingMetrics.recall(r, rel, 10)).isCloseTo(0.5, within(EPS)); // 3/6
    assertThat(RankingMetrics.recall(r, rel, 5)).isCloseTo(0.333333333333333, within(EPS)); // 2/6
    assertThat(RankingMetrics.mrr(r, rel)).isCloseTo(0.5, within(EPS)); // p2
  }

  // ---- case 6: a list shorter than the cutoff

  @Test
  void evaluate_shortList_precisionStillDividesByK() {
    UserMetrics m = RankingMetrics.evaluate(List.of("s1", "s2", "s3"), grades("s2", 1), 10);
    assertThat(m.ndcg()).isCloseTo(0.630929753571458, within(EPS)); // (1/lg3) / (1/lg2)
    assertThat(m.precision()).isCloseTo(0.1, within(EPS)); // 1/10
    assertThat(RankingMetrics.precision(List.of("s1", "s2", "s3"), grades("s2", 1), 5))
        .isCloseTo(0.2, within(EPS)); // 1/5
    assertThat(m.recall()).isEqualTo(1.0);
    assertThat(m.mrr()).isCloseTo(0.5, within(EPS));
  }

  // ---- case 7: nothing relevant (only grade-0 judgements, or none at all)

  @Test
  void evaluate_noRelevantItems_allZero() {
    for (Map<String, Integer> rel : List.of(grades("n1", 0, "n2", 0), Map.<String, Integer>of())) {
      UserMetrics m = RankingMetrics.evaluate(List.of("n1", "n2", "n3", "n4"), rel, 10);
      assertThat(m.ndcg()).isZero();
      assertThat(m.mrr()).isZero();
      assertThat(m.mrrAtK()).isZero();
      assertThat(m.precision()).isZero();
      assertThat(m.recall()).isZero();
      assertThat(m.hitRate()).isZero();
      assertThat(m.position()).isEmpty();
    }
  }

  // ---- case 8: the relevant item is not ranked at all

  @Test
  void evaluate_relevantNotRanked_allZeroAndNoPosition() {
    UserMetrics m = RankingMetrics.evaluate(ids("i", 1, 10), grades("zz", 1), 10);
    assertThat(m.ndcg()).isZero();
    assertThat(m.recall()).isZero();
    assertThat(m.mrr()).isZero();
    assertThat(m.position()).isEmpty();
  }

  // ---- case 9: relevant at the top

  @Test
  void evaluate_relevantAtTop_perfectScores() {
    UserMetrics m = RankingMetrics.evaluate(ids("t", 1, 10), grades("t1", 1), 10);
    assertThat(m.ndcg()).isEqualTo(1.0);
    assertThat(m.mrr()).isEqualTo(1.0);
    assertThat(m.hitRate()).isEqualTo(1.0);
    assertThat(m.precision()).isCloseTo(0.1, within(EPS));
    assertThat(RankingMetrics.hitRate(ids("t", 1, 10), grades("t1", 1), 1)).isEqualTo(1.0);
  }

  // ---- the summary over the 9 cases above: trec_eval's "all" line

  @Test
  void mean_nineCases_matchesTrecEvalSummary() {
    List<List<String>> rankings = new ArrayList<>();
    List<Map<String, Integer>> rels = new ArrayList<>();
    rankings.add(ids("i", 1, 10));
    rels.add(grades("i3", 1));
    rankings.add(ids("i", 1, 15));
    rels.add(grades("i12", 1));
    rankings.add(ids("i", 1, 10));
    rels.add(grades("i1", 1, "i4", 1, "i7", 1, "x", 1, "i2", 0));
    rankings.add(List.of("a", "b", "c", "d", "e", "g", "h"));
    rels.add(grades("a", 0, "b", 2, "c", 3, "d", 0, "e", 1, "f", 2));
    rankings.add(List.of("s1", "s2", "s3"));
    rels.add(grades("s2", 1));
    rankings.add(List.of("n1", "n2", "n3", "n4"));
    rels.add(grades("n1", 0, "n2", 0));
    rankings.add(ids("i", 1, 10));
    rels.add(grades("zz", 1));
    rankings.add(ids("t", 1, 10));
    rels.add(grades("t1", 1));
    rankings.add(ids("p", 1, 12));
    rels.add(grades("p2", 3, "p5", 1, "p9", 2, "p11", 3, "p12", 1, "q1", 2));
    List<UserMetrics> at10 = new ArrayList<>();
    List<UserMetrics> at5 = new ArrayList<>();
    for (int i = 0; i < rankings.size(); i++) {
      at10.add(RankingMetrics.evaluate(rankings.get(i), rels.get(i), 10));
      at5.add(RankingMetrics.evaluate(rankings.get(i), rels.get(i), 5));
    }
    MeanMetrics m10 = RankingMetrics.mean(at10);
    MeanMetrics m5 = RankingMetrics.mean(at5);
    // each: the sum of the per-case values above divided by 9
    assertThat(m10.ndcg()).isCloseTo(0.417451590348258, within(EPS));
    assertThat(m5.ndcg()).isCloseTo(0.395755601910341, within(EPS));
    assertThat(m10.precision()).isCloseTo(0.133333333333333, within(EPS)); // 1.2/9
    assertThat(m5.precision()).isCloseTo(0.222222222222222, within(EPS)); // 2.0/9
    assertThat(m10.recall()).isCloseTo(0.555555555555556, within(EPS)); // 5/9
    assertThat(m5.recall()).isCloseTo(0.509259259259259, within(EPS)); // (1+0.5+0.75+1+1+1/3)/9
    assertThat(m10.mrr()).isCloseTo(0.435185185185185, within(EPS)); // (1/3+1/12+1+1/2+1/2+1+1/2)/9
    assertThat(m10.hitRate()).isCloseTo(0.666666666666667, within(EPS)); // 6/9 (success_10)
    assertThat(m5.hitRate()).isCloseTo(0.666666666666667, within(EPS)); // 6/9 (success_5)
    assertThat(m10.users()).isEqualTo(9);
    // positions 3, 12, 1, 2, 2, 1, 2 (two cases rank nothing relevant)
    assertThat(m10.positioned()).isEqualTo(7);
    assertThat(m10.meanPosition()).isCloseTo(23.0 / 7, within(EPS));
  }

  // ---- contract details

  @Test
  void mrr_withCutoff_countsOnlyTopK() {
    List<String> r = ids("i", 1, 10);
    assertThat(RankingMetrics.mrr(r, grades("i4", 1), 3)).isZero();
    assertThat(RankingMetrics.mrr(r, grades("i4", 1), 4)).isCloseTo(0.25, within(EPS));
  }

  @Test
  void binary_ids_gradeOneEach() {
    assertThat(RankingMetrics.binary(List.of("a", "b"))).containsExactly(Map.entry("a", 1), Map.entry("b", 1));
  }

  @Test
  void ndcg_repeatedId_throwsNamingTheItem() {
    assertThatThrownBy(() -> RankingMetrics.ndcg(List.of("a", "b", "a"), grades("a", 1), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item a is ranked twice");
  }

  @Test
  void ndcg_negativeGrade_throws() {
    assertThatThrownBy(() -> RankingMetrics.ndcg(List.of("a"), grades("a", -1), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative grade");
  }

  @Test
  void precision_zeroCutoff_throws() {
    assertThatThrownBy(() -> RankingMetrics.precision(List.of("a"), grades("a", 1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be >= 1");
  }

  @Test
  void recall_nullArguments_throwNpe() {
    assertThatThrownBy(() -> RankingMetrics.recall(null, Map.of(), 1)).isInstanceOf(NullPointerException.class);
    Map<String, Integer> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> RankingMetrics.recall(List.of("a"), withNull, 1))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void mean_emptyOrMixedCutoffs_throws() {
    assertThatThrownBy(() -> RankingMetrics.mean(List.of())).isInstanceOf(IllegalArgumentException.class);
    UserMetrics a = RankingMetrics.evaluate(List.of("a"), grades("a", 1), 5);
    UserMetrics b = RankingMetrics.evaluate(List.of("a"), grades("a", 1), 10);
    assertThatThrownBy(() -> RankingMetrics.mean(List.of(a, b)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cutoff");
  }

  @Test
  void mean_nobodyRanked_meanPositionIsNaN() {
    UserMetrics m = RankingMetrics.evaluate(List.of("a"), grades("b", 1), 5);
    assertThat(RankingMetrics.mean(List.of(m)).meanPosition()).isNaN();
    assertThat(m.position()).isEqualTo(OptionalInt.empty());
  }
}
