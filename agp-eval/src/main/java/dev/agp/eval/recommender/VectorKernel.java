package dev.agp.eval.recommender;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernel} on the Java Vector API. Propagation puts one lane on each embedding dimension;
 * scoring puts one lane on each item, several users at a time against the same item vectors.
 * Each lane performs exactly the scalar kernel's operations in the scalar kernel's order:
 * {@code mul} then {@code add}, never {@code fma}, and no reduction across lanes.
 *
 * <p>Loaded by reflection only after {@link Kernel#select()} found {@code jdk.incubator.vector}
 * in the boot layer; nothing else refers to this class.
 */
final class VectorKernel implements Kernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  VectorKernel() {
    if (L < 4) {
      throw new UnsupportedOperationException("the preferred float vector has only " + L + " lanes");
    }
  }

  @Override
  public String name() {
    return "Vector API (jdk.incubator.vector, " + S.vectorBitSize() + "-bit, " + L + " float lanes)";
  }

  @Override
  public int itemBlock() {
    return 2 * L;
  }

  /**
   * Calls every method on tiny inputs until the JIT has compiled them. Vector code runs several
   * hundred times slower before C2 compiles it (each operation allocates in the interpreter), so
   * a fit's first batches on a cold kernel would take seconds; tiny calls get there in a fraction
   * of that. {@link Kernel.Kernels} runs this on a background thread; fits use the scalar kernel,
   * which computes the same bits, until it is done.
   */
  void warmUp() {
    int d = 4 * L + 3; // the four-vector path, the one-vector path and the scalar tail
    int[] ptr = {0, 2, 3};
    int[] col = {0, 1, 1};
    float[] w = {0.5f, 0.25f, 0.125f};
    float[] in = new float[2 * d];
    float[] base = new float[2 * d];
    float[] out = new float[2 * d];
    float[] next = new float[2 * d];
    float[] p = new float[d];
    float[] m = new float[d];
    float[] v = new float[d];
    int stride = 2 * L;
    float[] fiT = new float[d * stride];
    float[] fi = new float[stride * d];
    float[] scores = new float[4 * stride];
    int[] users = {0, 1, 0, 1};
    float sink = 0;
    long first = -1;
    int i = 0;
    while (i < WARM_UP_CALLS) {
      long t = System.nanoTime();
      for (int j = 0; j < WARM_UP_ROUND; j++, i++) {
        layer(ptr, col, w, in, d, 0, 2, (i & 1) == 0 ? next : null, base, out, (i & 2) == 0 ? 1f : 0.25f);
        addScaled(base, 0, 0.5f, in, d, d);
        subtractScaled(base, d, 0.5f, in, 0, d);
        addScaledDifference(base, 0, 0.5f, in, 0, d, d);
        adam(p, m, v, out, 0, d, 0.9f, 0.999f, 0.01f, 1e-8f);
        sink += countAbove(out, 0, d, 0f, i % d);
        if (i % 4 == 0) {
          scores(in, users, 1 + (i / 4) % 4, fi, fiT, stride, stride, d, scores);
        }
      }
      long took = System.nanoTime() - t;
      if (first < 0) {
        first = took;
      } else if (i >= WARM_UP_MIN_CALLS && took * WARM_UP_SPEED_UP < first) {
        break; // compiled: a round now runs many times faster than the first, interpreted one
      }
    }
    if (Float.isNaN(sink)) {
      throw new AssertionError(); // keeps the calls from being optimised away
    }
  }

  /** Most calls of each method in {@link #warmUp()}: past C2's thresholds with room to spare. */
  static final int WARM_UP_CALLS = 24_000;
  /** Fewest calls of each method in {@link #warmUp()}. */
  static final int WARM_UP_MIN_CALLS = 4_000;
  /** Calls between two looks at the clock. */
  static final int WARM_UP_ROUND = 250;
  /** How much faster than the first round a round must be to count as compiled. */
  static final int WARM_UP_SPEED_UP = 40;

  // ---------------------------------------------------------------- propagation

  @Override
  public void layer(int[] ptr, int[] col, float[] w, float[] in, int d, int from, int to,
      float[] next, float[] base, float[] out, float scale) {
    // the sums go to next, or to a scratch row; out = (base + sum) * scale. No branch on the
    // arguments inside the loops: a branch the JIT has seen go one way only is compiled as a trap,
    // and the first layer that goes the other way would send the loop back to the interpreter
    float[] dst = next != null ? next : new float[d];
    int step = next != null ? d : 0;
    int wide = d - d % L;
    for (int r = from; r < to; r++) {
      int e0 = ptr[r];
      int e1 = ptr[r + 1];
      int o = r * d;
      int so = r * step;
      int k = 0;
      for (; k + 4 * L <= wide; k += 4 * L) {
        four(col, w, in, d, e0, e1, k, dst, so + k, base, out, o + k, scale);
      }
      for (; k + L <= wide; k += L) {
        one(col, w, in, d, e0, e1, k, dst, so + k);
        FloatVector sum = FloatVector.fromArray(S, base, o + k).add(FloatVector.fromArray(S, dst, so + k));
        sum.mul(scale).intoArray(out, o + k);
      }
      for (; k < d; k++) {
        float acc = 0f;
        for (int e = e0; e < e1; e++) {
          acc += w[e] * in[col[e] * d + k];
        }
        dst[so + k] = acc;
        float sum = base[o + k] + acc;
        out[o + k] = sum * scale;
      }
    }
  }

  /**
   * Dimensions {@code [k, k + 4L)} of one row, the edges walked once: the sums to {@code
   * dst[at, at + 4L)}, and {@code out = (base + sum) * scale} at {@code o}.
   */
  private static void four(int[] col, float[] w, float[] in, int d, int e0, int e1, int k, float[] dst, int at,
      float[] base, float[] out, int o, float scale) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    for (int e = e0; e < e1; e++) {
      float we = w[e];
      int c = col[e] * d + k;
      a0 = a0.add(FloatVector.fromArray(S, in, c).mul(we));
      a1 = a1.add(FloatVector.fromArray(S, in, c + L).mul(we));
      a2 = a2.add(FloatVector.fromArray(S, in, c + 2 * L).mul(we));
      a3 = a3.add(FloatVector.fromArray(S, in, c + 3 * L).mul(we));
    }
    a0.intoArray(dst, at);
    a1.intoArray(dst, at + L);
    a2.intoArray(dst, at + 2 * L);
    a3.intoArray(dst, at + 3 * L);
    FloatVector.fromArray(S, base, o).add(a0).mul(scale).intoArray(out, o);
    FloatVector.fromArray(S, base, o + L).add(a1).mul(scale).intoArray(out, o + L);
    FloatVector.fromArray(S, base, o + 2 * L).add(a2).mul(scale).intoArray(out, o + 2 * L);
    FloatVector.fromArray(S, base, o + 3 * L).add(a3).mul(scale).intoArray(out, o + 3 * L);
  }

  private static void one(int[] col, float[] w, float[] in, int d, int e0, int e1, int k, float[] dst, int at) {
    FloatVector a = FloatVector.zero(S);
    for (int e = e0; e < e1; e++) {
      a = a.add(FloatVector.fromArray(S, in, col[e] * d + k).mul(w[e]));
    }
    a.intoArray(dst, at);
  }

  // ---------------------------------------------------------------- scoring

  @Override
  public void scores(float[] fu, int[] users, int count, float[] fi, float[] fiT, int items, int stride, int d,
      float[] out) {
    if (count == 4) {
      int u0 = users[0] * d;
      int u1 = users[1] * d;
      int u2 = users[2] * d;
      int u3 = users[3] * d;
      for (int i = 0; i < items; i += 2 * L) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        for (int c = 0, t = i; c < d; c++, t += stride) {
          FloatVector x0 = FloatVector.fromArray(S, fiT, t);
          FloatVector x1 = FloatVector.fromArray(S, fiT, t + L);
          float f0 = fu[u0 + c];
          float f1 = fu[u1 + c];
          float f2 = fu[u2 + c];
          float f3 = fu[u3 + c];
          s00 = s00.add(x0.mul(f0));
          s01 = s01.add(x1.mul(f0));
          s10 = s10.add(x0.mul(f1));
          s11 = s11.add(x1.mul(f1));
          s20 = s20.add(x0.mul(f2));
          s21 = s21.add(x1.mul(f2));
          s30 = s30.add(x0.mul(f3));
          s31 = s31.add(x1.mul(f3));
        }
        s00.intoArray(out, i);
        s01.intoArray(out, i + L);
        s10.intoArray(out, stride + i);
        s11.intoArray(out, stride + i + L);
        s20.intoArray(out, 2 * stride + i);
        s21.intoArray(out, 2 * stride + i + L);
        s30.intoArray(out, 3 * stride + i);
        s31.intoArray(out, 3 * stride + i + L);
      }
      return;
    }
    for (int k = 0; k < count; k++) {
      int u = users[k] * d;
      int o = k * stride;
      for (int i = 0; i < items; i += 2 * L) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int c = 0, t = i; c < d; c++, t += stride) {
          float f = fu[u + c];
          s0 = s0.add(FloatVector.fromArray(S, fiT, t).mul(f));
          s1 = s1.add(FloatVector.fromArray(S, fiT, t + L).mul(f));
        }
        s0.intoArray(out, o + i);
        s1.intoArray(out, o + i + L);
      }
    }
  }

  @Override
  public int countAbove(float[] s, int off, int n, float t, int tieBefore) {
    int split = Math.max(0, Math.min(n, tieBefore));
    return atLeast(s, off, split, t) + above(s, off + split, n - split, t);
  }

  private static int atLeast(float[] s, int off, int n, float t) {
    int c = 0;
    int i = 0;
    for (; i + L <= n; i += L) {
      VectorMask<Float> m = FloatVector.fromArray(S, s, off + i).compare(VectorOperators.GE, t);
      c += m.trueCount();
    }
    for (; i < n; i++) {
      c += s[off + i] >= t ? 1 : 0;
    }
    return c;
  }

  private static int above(float[] s, int off, int n, float t) {
    int c = 0;
    int i = 0;
    for (; i + L <= n; i += L) {
      VectorMask<Float> m = FloatVector.fromArray(S, s, off + i).compare(VectorOperators.GT, t);
      c += m.trueCount();
    }
    for (; i < n; i++) {
      c += s[off + i] > t ? 1 : 0;
    }
    return c;
  }

  // ---------------------------------------------------------------- gradient rows

  @Override
  public void addScaled(float[] acc, int ao, float a, float[] x, int xo, int d) {
    int c = 0;
    for (; c + L <= d; c += L) {
      FloatVector.fromArray(S, acc, ao + c).add(FloatVector.fromArray(S, x, xo + c).mul(a)).intoArray(acc, ao + c);
    }
    for (; c < d; c++) {
      acc[ao + c] += a * x[xo + c];
    }
  }

  @Override
  public void subtractScaled(float[] acc, int ao, float a, float[] x, int xo, int d) {
    int c = 0;
    for (; c + L <= d; c += L) {
      FloatVector.fromArray(S, acc, ao + c).sub(FloatVector.fromArray(S, x, xo + c).mul(a)).intoArray(acc, ao + c);
    }
    for (; c < d; c++) {
      acc[ao + c] -= a * x[xo + c];
    }
  }

  @Override
  public void addScaledDifference(float[] acc, int ao, float a, float[] x, int xo, int yo, int d) {
    int c = 0;
    for (; c + L <= d; c += L) {
      FloatVector diff = FloatVector.fromArray(S, x, xo + c).sub(FloatVector.fromArray(S, x, yo + c));
      FloatVector.fromArray(S, acc, ao + c).add(diff.mul(a)).intoArray(acc, ao + c);
    }
    for (; c < d; c++) {
      acc[ao + c] += a * (x[xo + c] - x[yo + c]);
    }
  }

  // ---------------------------------------------------------------- Adam

  @Override
  public void adam(float[] p, float[] m, float[] v, float[] g, int from, int to, float b1, float b2, float lr, float eps) {
    float c1 = 1 - b1;
    float c2 = 1 - b2;
    int k = from;
    for (; k + L <= to; k += L) {
      FloatVector gk = FloatVector.fromArray(S, g, k);
      FloatVector mk = FloatVector.fromArray(S, m, k).mul(b1).add(gk.mul(c1));
      FloatVector vk = FloatVector.fromArray(S, v, k).mul(b2).add(gk.mul(c2).mul(gk));
      mk.intoArray(m, k);
      vk.intoArray(v, k);
      FloatVector step = mk.mul(lr).div(vk.lanewise(VectorOperators.SQRT).add(eps));
      FloatVector.fromArray(S, p, k).sub(step).intoArray(p, k);
    }
    for (; k < to; k++) {
      float gk = g[k];
      m[k] = b1 * m[k] + c1 * gk;
      v[k] = b2 * v[k] + c2 * gk * gk;
      p[k] -= lr * m[k] / ((float) Math.sqrt(v[k]) + eps);
    }
  }
}
