package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void wilcoxon_allPositiveFive_exactP() {
    // n = 5 untied, W+ = 15 = the maximum: P(W+ >= 15) = 1/32, two-sided 2/32
    double[] w = Statistics.wilcoxon(new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
    assertThat(w[0]).isEqualTo(15);
    assertThat(w[2]).isCloseTo(0.0625, within(1e-12));
    assertThat(w[3]).isEqualTo(5);
  }

  @Test
  void wilcoxon_exactTenPairs_matchesTable() {
    // n = 10, W+ = 10: P(W+ <= 10) = 43/1024, two-sided 86/1024 = 0.083984375
    // ranks 1..10, the positive ones 1 and 9: W+ = 10
    double[] d = {1, -2, -3, -4, -5, -6, -7, -8, 9, -10};
    double[] w = Statistics.wilcoxon(d);
    assertThat(w[0]).isEqualTo(10);
    assertThat(w[2]).isCloseTo(0.083984375, within(1e-12));
  }

  @Test
  void wilcoxon_tiesAndZeros_normalApproximationByHand() {
    // zeros dropped: |d| = 0.5, 0.5, 0.5, 1, 2, 2 -> ranks 2, 2, 2, 4, 5.5, 5.5
    double[] d = {0.5, -0.5, 0.5, 1, 0, 2, -2, 0};
    double[] w = Statistics.wilcoxon(d);
    // W+ = 2 + 2 + 4 + 5.5 = 13.5; n = 6; mean = 10.5; var = 6*7*13/24 - ((27-3) + (8-2))/48 = 22.75 - 0.625
    double var = 22.75 - 0.625;
    double z = (13.5 - 10.5 - 0.5) / Math.sqrt(var);
    assertThat(w[0]).isEqualTo(13.5);
    assertThat(w[1]).isCloseTo(z, within(1e-12));
    // p = 2 * (1 - Phi(z)) with z = 0.531494
    assertThat(w[2]).isCloseTo(2 * (1 - Statistics.normalCdf(z)), within(1e-15));
    assertThat(w[2]).isCloseTo(0.5950765, within(1e-7)); // 2 * (1 - Phi(0.531494))
    assertThat(w[3]).isEqualTo(6);
  }

  @Test
  void wilcoxon_allZero_pIsOne() {
    assertThat(Statistics.wilcoxon(new double[] {0, 0, 0})).containsExactly(0, 0, 1, 0);
  }

  @Test
  void erfc_knownValues() {
    assertThat(Statistics.erfc(0)).isEqualTo(1.0);
    assertThat(Statistics.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-14));
    assertThat(Statistics.erfc(1)).isCloseTo(0.15729920705028513, within(1e-14));
    assertThat(Statistics.erfc(2)).isCloseTo(0.004677734981047266, within(1e-15));
    assertThat(Statistics.erfc(4)).isCloseTo(1.541725790028002e-08, within(1e-20));
    assertThat(Statistics.erfc(-1)).isCloseTo(1.842700792949715, within(1e-14));
    assertThat(Statistics.normalCdf(1.959963984540054)).isCloseTo(0.975, within(1e-12));
  }

  @Test
  void bootstrap_constantValues_degenerateInterval() {
    double[] m = Statistics.bootstrapMeans(new double[] {0.5, 0.5, 0.5}, 200, 1, 1);
    assertThat(Statistics.quantile(m, 0.025)).isEqualTo(0.5);
    assertThat(Statistics.quantile(m, 0.975)).isEqualTo(0.5);
  }

  @Test
  void bootstrap_seeded_reproducibleAndCoversTheMean() {
    double[] x = new double[100];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) / 7.0;
    }
    double[] a = Statistics.bootstrapMeans(x, 2000, 42, 3);
    double[] b = Statistics.bootstrapMeans(x, 2000, 42, 3);
    assertThat(a).containsExactly(b);
    double mean = Statistics.mean(x);
    assertThat(Statistics.quantile(a, 0.025)).isLessThan(mean);
    assertThat(Statistics.quantile(a, 0.975)).isGreaterThan(mean);
  }

  @Test
  void quantile_interpolatesLinearly() {
    double[] s = {1, 2, 3, 4, 5};
    assertThat(Statistics.quantile(s, 0.5)).isEqualTo(3);
    assertThat(Statistics.quantile(s, 0.1)).isCloseTo(1.4, within(1e-12));
    assertThat(Statistics.quantile(new double[] {7}, 0.9)).isEqualTo(7);
  }

  @Test
  void bootstrapP_sides() {
    assertThat(Statistics.bootstrapP(new double[] {0, 0, 0})).isEqualTo(1.0);
    assertThat(Statistics.bootstrapP(new double[] {0.1, 0.2, 0.3, 0.4})).isZero();
    assertThat(Statistics.bootstrapP(new double[] {-0.1, 0.2, 0.3, 0.4})).isEqualTo(0.5);
  }
}
