package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class AgentTest {

  private static final int INPUTS = 12;
  private static final int HIDDEN = 7;
  private static final int BASE = 5;
  private static final int CAPACITY = 8;
  private static final double STEP = 1e-5;

  /** An agent whose every parameter is random, so that no gradient is trivially zero. */
  private static Agent randomAgent(long seed) {
    Agent a = new Agent(INPUTS, HIDDEN, BASE, CAPACITY, 1e-3, 1e-3, seed);
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (double[] p : new double[][] {a.actor.params, a.critic.params}) {
      for (int i = 0; i < p.length; i++) {
        p[i] = r.nextDouble(-0.8, 0.8);
      }
    }
    return a;
  }

  private static double[] randomInput(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      x[i] = r.nextDouble(-1.5, 1.5);
    }
    return x;
  }

  /**
   * Compares {@code analytic} with central differences of {@code f}: returns {norm-wise relative
   * error ‖a − n‖ / (‖a‖ + ‖n‖), largest per-parameter |a − n| / max(|a| + |n|, 1e-8)}.
   */
  private static double[] relativeErrors(double[] params, double[] analytic, ToDoubleFunction<double[]> f) {
    double worst = 0;
    double diff = 0;
    double na = 0;
    double nn = 0;
    for (int i = 0; i < params.length; i++) {
      double keep = params[i];
      params[i] = keep + STEP;
      double up = f.applyAsDouble(params);
      params[i] = keep - STEP;
      double down = f.applyAsDouble(params);
      params[i] = keep;
      double numeric = (up - down) / (2 * STEP);
      double scale = Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-8);
      worst = Math.max(worst, Math.abs(analytic[i] - numeric) / scale);
      diff += (analytic[i] - numeric) * (analytic[i] - numeric);
      na += analytic[i] * analytic[i];
      nn += numeric * numeric;
    }
    return new double[] {Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn)), worst};
  }

  @Test
  void logProbabilityGradient_centralDifferences_agree() {
    double norm = 0;
    double worst = 0;
    for (long seed = 1; seed <= 5; seed++) {
      Agent a = randomAgent(seed);
      a.adopt(BASE, 2); // 6 of 8 outputs active: the masked units must get no gradient
      double[] x = randomInput(seed * 31);
      for (int action = 0; action < a.active(); action++) {
        int act = action;
        double[] g = a.logProbabilityGradient(x, act);
        double[] e = relativeErrors(a.actor.params, g, p -> a.logProbability(x, act));
        norm = Math.max(norm, e[0]);
        worst = Math.max(worst, e[1]);
        for (int k = a.active(); k < CAPACITY; k++) {
          for (int i : a.actor.outputIndices(k)) {
            assertThat(g[i]).isZero();
          }
        }
      }
    }
    System.out.printf("actor gradient check: norm-wise relative error %.2e, worst parameter %.2e%n", norm, worst);
    assertThat(norm).isLessThan(1e-8);
    assertThat(worst).isLessThan(1e-5);
  }

  @Test
  void criticLossGradient_centralDifferences_agree() {
    double norm = 0;
    double worst = 0;
    for (long seed = 1; seed <= 5; seed++) {
      Agent a = randomAgent(seed);
      double[] x = randomInput(seed * 17);
      double target = 0.3 * seed;
      double[] g = a.criticLossGradient(x, target);
      double[] e = relativeErrors(a.critic.params, g, p -> a.criticLoss(x, target));
      norm = Math.max(norm, e[0]);
      worst = Math.max(worst, e[1]);
    }
    System.out.printf("critic gradient check: norm-wise relative error %.2e, worst parameter %.2e%n", norm, worst);
    assertThat(norm).isLessThan(1e-8);
    assertThat(worst).isLessThan(1e-5);
  }

  @Test
  void probabilities_freshAgent_uniformOverActiveActions() {
    Agent a = new Agent(INPUTS, HIDDEN, BASE, CAPACITY, 1e-3, 1e-3, 3);
    assertThat(a.probabilities(randomInput(4))).containsExactly(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(a.value(randomInput(4))).isZero();
  }

  @Test
  void update_returnsTdErrorOfRewardPlusDiscountedNextValueMinusValue() {
    Agent a = randomAgent(9);
    double[] s = randomInput(1);
    double[] next = randomInput(2);
    double expected = 0.7 + 0.95 * a.value(next) - a.value(s);
    assertThat(a.update(s, 1, 0.7, next, 0.95)).isEqualTo(expected);
  }

  @Test
  void update_positiveTdError_raisesProbabilityOfChosenAction() {
    Agent a = new Agent(INPUTS, HIDDEN, BASE, CAPACITY, 1e-2, 1e-2, 5);
    double[] s = randomInput(1);
    double before = a.probabilities(s)[3];
    for (int i = 0; i < 20; i++) {
      a.update(s, 3, 1.0, s, 0.0);
    }
    assertThat(a.probabilities(s)[3]).isGreaterThan(before + 0.1);
  }

  @Test
  void update_negativeTdError_lowersProbabilityOfChosenAction() {
    Agent a = new Agent(INPUTS, HIDDEN, BASE, CAPACITY, 1e-2, 1e-2, 5);
    double[] s = randomInput(1);
    a.critic.params[a.critic.params.length - 1] = 2.0; // V(s) = 2 > any reward: δ < 0
    double before = a.probabilities(s)[3];
    for (int i = 0; i < 20; i++) {
      a.update(s, 3, 0.0, s, 0.0);
    }
    assertThat(a.probabilities(s)[3]).isLessThan(before - 0.05);
  }

  @Test
  void adopt_newAction_startsWithTheParentsPreference() {
    Agent a = randomAgent(7);
    double[] x = randomInput(3);
    double[] before = a.probabilities(x);
    a.adopt(BASE, 1);
    double[] after = a.probabilities(x);
    assertThat(after).hasSize(BASE + 1);
    assertThat(after[BASE]).isCloseTo(after[1], org.assertj.core.data.Offset.offset(1e-12));
    assertThat(after[0] / after[2]).isCloseTo(before[0] / before[2], org.assertj.core.data.Offset.offset(1e-9));
    assertThatThrownBy(() -> a.adopt(BASE + 2, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sample_sameStream_sameAction() {
    Agent a = randomAgent(2);
    double[] x = randomInput(5);
    for (long seed = 0; seed < 20; seed++) {
      assertThat(a.sample(x, new SplittableRandom(seed))).isEqualTo(a.sample(x, new SplittableRandom(seed)));
    }
  }

  @Test
  void best_isTheMostProbableAction() {
    Agent a = randomAgent(4);
    double[] x = randomInput(6);
    double[] p = a.probabilities(x);
    int best = a.best(x);
    for (double q : p) {
      assertThat(p[best]).isGreaterThanOrEqualTo(q);
    }
  }

  @Test
  void mlp_wrongParameterCount_throwsIae() {
    assertThatThrownBy(() -> new Mlp(3, 2, 1, new double[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameters");
  }
}
