package dev.agp.eval.recommender;

/** {@link Kernel} in plain Java: the reference the vector kernel must match bit for bit. */
final class ScalarKernel implements Kernel {

  static final ScalarKernel INSTANCE = new ScalarKernel();

  private ScalarKernel() {}

  @Override
  public String name() {
    return "scalar (start the JVM with --add-modules jdk.incubator.vector for the SIMD kernel)";
  }

  @Override
  public void layer(int[] ptr, int[] col, float[] w, float[] in, int d, int from, int to,
      float[] next, float[] base, float[] out, float scale) {
    // the sums go straight to next's row, or to a scratch row
    float[] acc = next != null ? next : new float[d];
    int step = next != null ? d : 0;
    for (int r = from; r < to; r++) {
      int a = r * step;
      java.util.Arrays.fill(acc, a, a + d, 0f);
      for (int e = ptr[r]; e < ptr[r + 1]; e++) {
        float we = w[e];
        int c = col[e] * d;
        for (int k = 0; k < d; k++) {
          acc[a + k] += we * in[c + k];
        }
      }
      int o = r * d;
      for (int k = 0; k < d; k++) {
        float sum = base[o + k] + acc[a + k];
        out[o + k] = sum * scale;
      }
    }
  }

  @Override
  public void scores(float[] fu, int[] users, int count, float[] fi, float[] fiT, int items, int stride, int d,
      float[] out) {
    for (int k = 0; k < count; k++) {
      int uo = users[k] * d;
      int o = k * stride;
      for (int i = 0; i < items; i++) {
        int io = i * d;
        float s = 0;
        for (int c = 0; c < d; c++) {
          s += fu[uo + c] * fi[io + c];
        }
        out[o + i] = s;
      }
    }
  }

  @Override
  public int itemBlock() {
    return 1;
  }

  @Override
  public int countAbove(float[] s, int off, int n, float t, int tieBefore) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      float x = s[off + i];
      if (x > t || (x == t && i < tieBefore)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void addScaled(float[] acc, int ao, float a, float[] x, int xo, int d) {
    for (int c = 0; c < d; c++) {
      acc[ao + c] += a * x[xo + c];
    }
  }

  @Override
  public void subtractScaled(float[] acc, int ao, float a, float[] x, int xo, int d) {
    for (int c = 0; c < d; c++) {
      acc[ao + c] -= a * x[xo + c];
    }
  }

  @Override
  public void addScaledDifference(float[] acc, int ao, float a, float[] x, int xo, int yo, int d) {
    for (int c = 0; c < d; c++) {
      acc[ao + c] += a * (x[xo + c] - x[yo + c]);
    }
  }

  @Override
  public void adam(float[] p, float[] m, float[] v, float[] g, int from, int to, float b1, float b2, float lr, float eps) {
    for (int k = from; k < to; k++) {
      float gk = g[k];
      m[k] = b1 * m[k] + (1 - b1) * gk;
      v[k] = b2 * v[k] + (1 - b2) * gk * gk;
      p[k] -= lr * m[k] / ((float) Math.sqrt(v[k]) + eps);
    }
  }
}
