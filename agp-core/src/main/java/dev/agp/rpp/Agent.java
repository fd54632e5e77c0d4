package dev.agp.rpp;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One pattern's actor-critic: a softmax policy over the pattern's actions and a value function,
 * each a {@link Mlp} with its own Adam optimiser.
 *
 * <p>The actor has {@code capacity} output units; the first {@code active} are actions (RPP+
 * appends refined sentences up to the capacity), the rest are masked out of the softmax. After a
 * step {@code s --a--> (r, s')} the TD error {@code δ = r + γ V(s') − V(s)} drives both updates:
 * the critic descends {@code ½ (V(s) − (r + γ V(s')))²} with the target held fixed
 * (semi-gradient TD(0)), and the actor ascends {@code δ · log π(a | s)}.
 */
final class Agent {

  final Mlp actor;
  final Mlp critic;
  final Mlp.Adam actorAdam;
  final Mlp.Adam criticAdam;
  private int active;

  /** A fresh agent, initialised from {@code seed}. */
  Agent(int inputs, int hidden, int baseActions, int capacity, double actorRate, double criticRate, long seed) {
    this.actor = new Mlp(inputs, hidden, capacity, seed);
    this.critic = new Mlp(inputs, hidden, 1, seed ^ 0x5DEECE66DL);
    this.actorAdam = new Mlp.Adam(actorRate, actor.params.length);
    this.criticAdam = new Mlp.Adam(criticRate, critic.params.length);
    this.active = baseActions;
  }

  /** An agent restored from saved parameters and optimiser state. */
  Agent(Mlp actor, Mlp.Adam actorAdam, Mlp critic, Mlp.Adam criticAdam, int active) {
    if (active < 1 || active > actor.outputs) {
      throw new IllegalArgumentException("active actions " + active + " outside [1, " + actor.outputs + "]");
    }
    this.actor = actor;
    this.critic = critic;
    this.actorAdam = actorAdam;
    this.criticAdam = criticAdam;
    this.active = active;
  }

  /** Actions the policy chooses among. */
  int active() {
    return active;
  }

  /** Sets the number of active actions when restoring a saved agent. */
  void restoreActive(int n) {
    if (n < 1 || n > actor.outputs) {
      throw new IllegalArgumentException("active actions " + n + " outside [1, " + actor.outputs + "]");
    }
    this.active = n;
  }

  /** Output units, active or not. */
  int capacity() {
    return actor.outputs;
  }

  /** π(· | x) over the active actions. */
  double[] probabilities(double[] x) {
    return softmax(actor.output(actor.hidden(x), active));
  }

  /** An action drawn from π(· | x). */
  int sample(double[] x, SplittableRandom random) {
    double[] p = probabilities(x);
    double u = random.nextDouble();
    double c = 0;
    for (int a = 0; a < p.length; a++) {
      c += p[a];
      if (u < c) {
        return a;
      }
    }
    return p.length - 1;
  }

  /** The most likely action under π(· | x); ties go to the lowest index. */
  int best(double[] x) {
    double[] z = actor.output(actor.hidden(x), active);
    int best = 0;
    for (int a = 1; a < z.length; a++) {
      if (z[a] > z[best]) {
        best = a;
      }
    }
    return best;
  }

  /** log π(a | x). */
  double logProbability(double[] x, int a) {
    double[] z = actor.output(actor.hidden(x), active);
    double max = Arrays.stream(z).max().orElse(0);
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return z[a] - max - Math.log(sum);
  }

  /** ∂ log π(a | x) / ∂θ over the actor's parameters. */
  double[] logProbabilityGradient(double[] x, int a) {
    double[] h = actor.hidden(x);
    double[] p = softmax(actor.output(h, active));
    double[] dz = new double[active];
    for (int k = 0; k < active; k++) {
      dz[k] = (k == a ? 1 : 0) - p[k];
    }
    double[] grad = new double[actor.params.length];
    actor.accumulate(x, h, dz, grad);
    return grad;
  }

  /** V(x). */
  double value(double[] x) {
    return critic.output(critic.hidden(x), 1)[0];
  }

  /** ½ (V(x) − target)². */
  double criticLoss(double[] x, double target) {
    double d = value(x) - target;
    return 0.5 * d * d;
  }

  /** ∂ ½ (V(x) − target)² / ∂θ over the critic's parameters, the target held fixed. */
  double[] criticLossGradient(double[] x, double target) {
    double[] h = critic.hidden(x);
    double v = critic.output(h, 1)[0];
    double[] grad = new double[critic.params.length];
    critic.accumulate(x, h, new double[] {v - target}, grad);
    return grad;
  }

  /**
   * One actor-critic update for the transition {@code s --a--> (reward, next)}.
   *
   * @return the TD error δ the update used
   */
  double update(double[] s, int a, double reward, double[] next, double discount) {
    double target = reward + discount * value(next);
    double delta = target - value(s);
    criticAdam.step(critic.params, criticLossGradient(s, target));
    double[] g = logProbabilityGradient(s, a);
    for (int i = 0; i < g.length; i++) {
      g[i] = -delta * g[i];
    }
    actorAdam.step(actor.params, g);
    return delta;
  }

  /**
   * Makes output unit {@code slot} an action that starts with the preferences of action {@code
   * parent}: appended when {@code slot == active()}, else reused.
   *
   * @throws IllegalArgumentException if slot is beyond the active actions or the capacity
   */
  void adopt(int slot, int parent) {
    if (slot > active || slot >= actor.outputs || parent < 0 || parent >= active) {
      throw new IllegalArgumentException("cannot place action " + slot + " from " + parent);
    }
    actor.copyOutput(parent, slot);
    actorAdam.reset(actor.outputIndices(slot));
    if (slot == active) {
      active++;
    }
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double[] p = new double[z.length];
    double sum = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= sum;
    }
    return p;
  }
}
