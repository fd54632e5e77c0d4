package dev.agp.eval;

import dev.agp.internal.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The experiment's statistics: percentile bootstrap intervals, the paired bootstrap and the
 * Wilcoxon signed-rank test.
 */
final class Statistics {

  private Statistics() {}

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return x.length == 0 ? Double.NaN : s / x.length;
  }

  /**
   * Means of {@code samples} resamples of {@code x} (users drawn with replacement), seeded; the
   * same indices for every array of the same length and seed, which makes paired resampling.
   */
  static double[] bootstrapMeans(double[] x, int samples, long seed, long stream) {
    double[] means = new double[samples];
    SplittableRandom r = new SplittableRandom(Seeds.mix(seed, stream));
    int n = x.length;
    for (int b = 0; b < samples; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += x[r.nextInt(n)];
      }
      means[b] = s / n;
    }
    Arrays.sort(means);
    return means;
  }

  /** The q-quantile of sorted values, linearly interpolated (R's type 7). */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Two-sided percentile-bootstrap p value of a mean: twice the smaller share on either side of 0. */
  static double bootstrapP(double[] sortedMeans) {
    int below = 0;
    int above = 0;
    for (double m : sortedMeans) {
      if (m <= 0) {
        below++;
      }
      if (m >= 0) {
        above++;
      }
    }
    double p = 2.0 * Math.min(below, above) / sortedMeans.length;
    return Math.min(1, p);
  }

  /**
   * The Wilcoxon signed-rank test of paired differences {@code d}: zero differences are dropped
   * (Wilcoxon's convention), absolute differences ranked with ties averaged, {@code W+} the rank
   * sum of the positive ones. Exact two-sided p value for up to {@value #EXACT_MAX} non-zero pairs
   * without ties; otherwise the normal approximation with tie-corrected variance and a continuity
   * correction. Returns {W+, z, p, n}; z is 0 and p is 1 when every difference is 0.
   */
  static double[] wilcoxon(double[] d) {
    int n = 0;
    for (double v : d) {
      if (v != 0) {
        n++;
      }
    }
    if (n == 0) {
      return new double[] {0, 0, 1, 0};
    }
    double[] abs = new double[n];
    boolean[] positive = new boolean[n];
    int k = 0;
    for (double v : d) {
      if (v != 0) {
        abs[k] = Math.abs(v);
        positive[k] = v > 0;
        k++;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(abs[a], abs[b]));
    double[] rank = new double[n];
    double tieTerm = 0;
    boolean ties = false;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && abs[order[j + 1]] == abs[order[i]]) {
        j++;
      }
      double avg = (i + j + 2) / 2.0; // ranks i+1 .. j+1
      for (int m = i; m <= j; m++) {
        rank[order[m]] = avg;
      }
      int t = j - i + 1;
      if (t > 1) {
        ties = true;
        tieTerm += (double) t * t * t - t;
      }
      i = j + 1;
    }
    double wPlus = 0;
    for (int i = 0; i < n; i++) {
      if (positive[i]) {
        wPlus += rank[i];
      }
    }
    double mean = n * (n + 1) / 4.0;
    double var = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieTerm / 48.0;
    double z = var > 0 ? (wPlus - mean - 0.5 * Math.signum(wPlus - mean)) / Math.sqrt(var) : 0;
    double p;
    if (!ties && n <= EXACT_MAX) {
      p = exactP(n, (int) Math.round(wPlus));
    } else {
      p = var > 0 ? Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) : 1;
    }
    return new double[] {wPlus, z, p, n};
  }

  static final int EXACT_MAX = 30;

  /** Two-sided exact p value of W+ = w for n untied pairs: 2 * P(W+ at least as extreme). */
  static double exactP(int n, int w) {
    int max = n * (n + 1) / 2;
    double[] count = new double[max + 1];
    count[0] = 1;
    for (int r = 1; r <= n; r++) {
      for (int s = max; s >= r; s--) {
        count[s] += count[s - r];
      }
    }
    double total = Math.pow(2, n);
    int lowTail = Math.min(w, max - w); // symmetric distribution
    double tail = 0;
    for (int s = 0; s <= lowTail; s++) {
      tail += count[s];
    }
    return Math.min(1, 2 * tail / total);
  }

  /** The standard normal CDF, via {@link #erfc}. */
  static double normalCdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /**
   * The complementary error function: the Maclaurin series of erf below |x| = 3, the continued
   * fraction {@code exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))} above (relative
   * error about 1e-12 or better).
   */
  static double erfc(double x) {
    if (x < -3) {
      return 2 - erfc(-x);
    }
    if (x < 3) {
      double x2 = x * x;
      double term = x;
      double sum = x;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    double f = x;
    for (int k = 120; k >= 1; k--) {
      f = x + (k / 2.0) / f;
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
}
