package dev.agp.rpp;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron {@code out = W2 tanh(W1 x + b1) + b2} with its parameters in one
 * flat array (W1 row-major, b1, W2 row-major, b2), and the Adam optimiser that trains it. Not
 * thread-safe: the fit updates networks on one thread, and serving only reads them.
 */
final class Mlp {

  final int inputs;
  final int hidden;
  final int outputs;
  final double[] params;
  private final int b1;
  private final int w2;
  private final int b2;

  /**
   * Glorot-uniform first layer drawn from {@code seed}, zero biases, and a zero output layer: a
   * policy starts uniform and a value function at 0.
   */
  Mlp(int inputs, int hidden, int outputs, long seed) {
    this(inputs, hidden, outputs, new double[size(inputs, hidden, outputs)]);
    SplittableRandom r = new SplittableRandom(seed);
    double limit = Math.sqrt(6.0 / (inputs + hidden));
    for (int i = 0; i < hidden * inputs; i++) {
      params[i] = (2 * r.nextDouble() - 1) * limit;
    }
  }

  /**
   * A network over existing parameters (not copied).
   *
   * @throws IllegalArgumentException if the array has the wrong length or a non-finite value
   */
  Mlp(int inputs, int hidden, int outputs, double[] params) {
    if (params.length != size(inputs, hidden, outputs)) {
      throw new IllegalArgumentException(
          "a " + inputs + "-" + hidden + "-" + outputs + " network has " + size(inputs, hidden, outputs)
              + " parameters, not " + params.length);
    }
    for (double p : params) {
      if (!Double.isFinite(p)) {
        throw new IllegalArgumentException("network parameters must be finite");
      }
    }
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.params = params;
    this.b1 = hidden * inputs;
    this.w2 = b1 + hidden;
    this.b2 = w2 + outputs * hidden;
  }

  static int size(int inputs, int hidden, int outputs) {
    return hidden * inputs + hidden + outputs * hidden + outputs;
  }

  /** The hidden activations for input {@code x}. */
  double[] hidden(double[] x) {
    double[] h = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      double s = params[b1 + j];
      int row = j * inputs;
      for (int i = 0; i < inputs; i++) {
        s += params[row + i] * x[i];
      }
      h[j] = Math.tanh(s);
    }
    return h;
  }

  /** The first {@code n} outputs for hidden activations {@code h}. */
  double[] output(double[] h, int n) {
    double[] z = new double[n];
    for (int k = 0; k < n; k++) {
      double s = params[b2 + k];
      int row = w2 + k * hidden;
      for (int j = 0; j < hidden; j++) {
        s += params[row + j] * h[j];
      }
      z[k] = s;
    }
    return z;
  }

  /**
   * Adds to {@code grad} the gradient of a loss whose derivative with respect to the first
   * {@code dOut.length} outputs is {@code dOut}, at input {@code x} with activations {@code h}.
   */
  void accumulate(double[] x, double[] h, double[] dOut, double[] grad) {
    double[] dh = new double[hidden];
    for (int k = 0; k < dOut.length; k++) {
      double d = dOut[k];
      if (d == 0) {
        continue;
      }
      grad[b2 + k] += d;
      int row = w2 + k * hidden;
      for (int j = 0; j < hidden; j++) {
        grad[row + j] += d * h[j];
        dh[j] += d * params[row + j];
      }
    }
    for (int j = 0; j < hidden; j++) {
      double da = dh[j] * (1 - h[j] * h[j]);
      if (da == 0) {
        continue;
      }
      grad[b1 + j] += da;
      int row = j * inputs;
      for (int i = 0; i < inputs; i++) {
        grad[row + i] += da * x[i];
      }
    }
  }

  /** Copies output unit {@code from}'s weights and bias to unit {@code to}. */
  void copyOutput(int from, int to) {
    System.arraycopy(params, w2 + from * hidden, params, w2 + to * hidden, hidden);
    params[b2 + to] = params[b2 + from];
  }

  /** The parameter indices of output unit {@code k} (its weights and its bias). */
  int[] outputIndices(int k) {
    int[] idx = new int[hidden + 1];
    for (int j = 0; j < hidden; j++) {
      idx[j] = w2 + k * hidden + j;
    }
    idx[hidden] = b2 + k;
    return idx;
  }

  /** Adam (Kingma and Ba, 2015) with bias correction, minimising. */
  static final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    final double learningRate;
    final double[] m;
    final double[] v;
    long steps;

    Adam(double learningRate, int size) {
      this(learningRate, new double[size], new double[size], 0);
    }

    Adam(double learningRate, double[] m, double[] v, long steps) {
      if (m.length != v.length || steps < 0) {
        throw new IllegalArgumentException("inconsistent optimiser state");
      }
      this.learningRate = learningRate;
      this.m = m;
      this.v = v;
      this.steps = steps;
    }

    /** One step of {@code params} against {@code grad}. */
    void step(double[] params, double[] grad) {
      steps++;
      double c1 = 1 - Math.pow(BETA1, steps);
      double c2 = 1 - Math.pow(BETA2, steps);
      for (int i = 0; i < params.length; i++) {
        double g = grad[i];
        m[i] = BETA1 * m[i] + (1 - BETA1) * g;
        v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
        params[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
      }
    }

    /** Forgets the moments of the given parameters (a reused output unit starts afresh). */
    void reset(int[] indices) {
      for (int i : indices) {
        m[i] = 0;
        v[i] = 0;
      }
    }

    double[] moments1() {
      return Arrays.copyOf(m, m.length);
    }

    double[] moments2() {
      return Arrays.copyOf(v, v.length);
    }
  }
}
