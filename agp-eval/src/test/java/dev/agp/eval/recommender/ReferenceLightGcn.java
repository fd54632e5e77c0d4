package dev.agp.eval.recommender;

import dev.agp.internal.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The test oracle: LightGCN as the trainer computed it before its kernels were fused, blocked and
 * vectorised, in the plainest loops (one thread, one step after another: separate propagation,
 * add and scale passes, sampling inline, the gradient and L2 term in one loop over the batch,
 * each validation user scored alone). The trainer must reproduce its floats bit for bit.
 */
final class ReferenceLightGcn {

  /** One validation scoring: the epoch, {NDCG@10, Recall@10}, and the final embeddings scored. */
  record Scoring(int epoch, double[] metrics, float[] fu, float[] fi) {}

  /** What the oracle computed: per-epoch loss and every validation scoring. */
  record Result(List<Double> losses, List<Scoring> scorings) {}

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final long INIT_STREAM = 11;
  private static final long EPOCH_STREAM = 1_000;

  private ReferenceLightGcn() {}

  /** Trains {@code cfg.epochs} epochs (no early stop), scoring validation every {@code cfg.evalEvery}. */
  static Result fit(LightGcn cfg, TrainingSet t) {
    int nu = t.users.length;
    int ni = t.items.length;
    int d = cfg.dimension;
    int edges = Math.toIntExact(t.edges());
    int[] itemDeg = new int[ni];
    for (int[] p : t.positives) {
      for (int i : p) {
        itemDeg[i]++;
      }
    }
    int[] uPtr = new int[nu + 1];
    int[] uCol = new int[edges];
    float[] uW = new float[edges];
    int[] edgeUser = new int[edges];
    int e = 0;
    for (int u = 0; u < nu; u++) {
      uPtr[u] = e;
      for (int i : t.positives[u]) {
        uCol[e] = i;
        uW[e] = (float) (1.0 / Math.sqrt((double) t.positives[u].length * itemDeg[i]));
        edgeUser[e] = u;
        e++;
      }
    }
    uPtr[nu] = e;
    int[] iPtr = new int[ni + 1];
    for (int i = 0; i < ni; i++) {
      iPtr[i + 1] = iPtr[i] + itemDeg[i];
    }
    int[] iCol = new int[edges];
    float[] iW = new float[edges];
    int[] fill = Arrays.copyOf(iPtr, ni);
    for (int u = 0; u < nu; u++) {
      for (int k = uPtr[u]; k < uPtr[u + 1]; k++) {
        int i = uCol[k];
        iCol[fill[i]] = u;
        iW[fill[i]] = uW[k];
        fill[i]++;
      }
    }
    SplittableRandom init = new SplittableRandom(Seeds.mix(cfg.seed, INIT_STREAM));
    float[] eu = new float[nu * d];
    float[] ei = new float[ni * d];
    for (int k = 0; k < eu.length; k++) {
      eu[k] = (float) (init.nextGaussian() * 0.1);
    }
    for (int k = 0; k < ei.length; k++) {
      ei[k] = (float) (init.nextGaussian() * 0.1);
    }
    float[] mu = new float[eu.length];
    float[] vu = new float[eu.length];
    float[] mi = new float[ei.length];
    float[] vi = new float[ei.length];
    float[] fu = new float[nu * d];
    float[] fi = new float[ni * d];
    float[] gU = new float[nu * d];
    float[] gI = new float[ni * d];
    Graph g = new Graph(uPtr, uCol, uW, iPtr, iCol, iW, nu, ni, d, cfg.layers);
    List<Double> losses = new ArrayList<>();
    List<Scoring> scorings = new ArrayList<>();
    long step = 0;
    for (int epoch = 1; epoch <= cfg.epochs; epoch++) {
      SplittableRandom r = new SplittableRandom(Seeds.mix(cfg.seed, EPOCH_STREAM + epoch));
      int[] order = new int[edges];
      for (int k = 0; k < edges; k++) {
        order[k] = k;
      }
      for (int k = edges - 1; k > 0; k--) {
        int j = r.nextInt(k + 1);
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
      }
      double lossSum = 0;
      for (int from = 0; from < edges; from += cfg.batchSize) {
        int b = Math.min(edges, from + cfg.batchSize) - from;
        int[] us = new int[b];
        int[] pos = new int[b];
        int[] neg = new int[b];
        for (int k = 0; k < b; k++) {
          us[k] = edgeUser[order[from + k]];
          pos[k] = uCol[order[from + k]];
          int[] p = t.positives[us[k]];
          int j = r.nextInt(ni);
          for (int tries = 0; tries < 100 && Arrays.binarySearch(p, j) >= 0; tries++) {
            j = r.nextInt(ni);
          }
          neg[k] = j;
        }
        g.average(eu, ei, fu, fi);
        Arrays.fill(gU, 0f);
        Arrays.fill(gI, 0f);
        float inv = 1f / b;
        double batchLoss = 0;
        for (int k = 0; k < b; k++) {
          int u = us[k] * d;
          int i = pos[k] * d;
          int j = neg[k] * d;
          double x = 0;
          for (int c = 0; c < d; c++) {
            x += fu[u + c] * (fi[i + c] - fi[j + c]);
          }
          batchLoss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
          float coef = (float) (-1.0 / (1.0 + Math.exp(x))) * inv;
          for (int c = 0; c < d; c++) {
            float fuc = fu[u + c];
            gU[u + c] += coef * (fi[i + c] - fi[j + c]);
            gI[i + c] += coef * fuc;
            gI[j + c] -= coef * fuc;
          }
        }
        lossSum += batchLoss;
        g.average(gU.clone(), gI.clone(), gU, gI);
        float reg = (float) (cfg.l2 / b);
        for (int k = 0; k < b; k++) {
          int u = us[k] * d;
          int i = pos[k] * d;
          int j = neg[k] * d;
          for (int c = 0; c < d; c++) {
            gU[u + c] += reg * eu[u + c];
            gI[i + c] += reg * ei[i + c];
            gI[j + c] += reg * ei[j + c];
          }
        }
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        float lr = (float) (cfg.learningRate * Math.sqrt(c2) / c1);
        float eps = (float) (1e-8 * Math.sqrt(c2));
        adam(eu, mu, vu, gU, lr, eps);
        adam(ei, mi, vi, gI, lr, eps);
      }
      losses.add(lossSum / edges);
      if (epoch % cfg.evalEvery == 0 || epoch == cfg.epochs) {
        g.average(eu, ei, fu, fi);
        scorings.add(new Scoring(epoch, validate(t, fu, fi, d), fu.clone(), fi.clone()));
      }
    }
    return new Result(losses, scorings);
  }

  private static void adam(float[] p, float[] m, float[] v, float[] g, float lr, float eps) {
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    for (int k = 0; k < p.length; k++) {
      float gk = g[k];
      m[k] = b1 * m[k] + (1 - b1) * gk;
      v[k] = b2 * v[k] + (1 - b2) * gk * gk;
      p[k] -= lr * m[k] / ((float) Math.sqrt(v[k]) + eps);
    }
  }

  private static double[] validate(TrainingSet t, float[] fu, float[] fi, int d) {
    int nu = t.users.length;
    int ni = t.items.length;
    double n = 0;
    double h = 0;
    int users = 0;
    float[] score = new float[ni];
    for (int u = 0; u < nu; u++) {
      int v = t.validation[u];
      if (v < 0) {
        continue;
      }
      for (int i = 0; i < ni; i++) {
        float s = 0;
        for (int c = 0; c < d; c++) {
          s += fu[u * d + c] * fi[i * d + c];
        }
        score[i] = s;
      }
      float sv = score[v];
      int better = 0;
      for (int i = 0; i < ni && better < 10; i++) {
        if (i != v && Arrays.binarySearch(t.positives[u], i) < 0 && (score[i] > sv || (score[i] == sv && i < v))) {
          better++;
        }
      }
      if (better < 10) {
        h += 1;
        n += 1 / (Math.log(better + 2) / Math.log(2));
      }
      users++;
    }
    return new double[] {n / users, h / users};
  }

  /** The normalised adjacency and its propagation: separate passes, as first written. */
  private record Graph(int[] uPtr, int[] uCol, float[] uW, int[] iPtr, int[] iCol, float[] iW, int nu, int ni, int d,
      int layers) {

    void average(float[] inU, float[] inI, float[] outU, float[] outI) {
      float[] curU = inU.clone();
      float[] curI = inI.clone();
      System.arraycopy(inU, 0, outU, 0, inU.length);
      System.arraycopy(inI, 0, outI, 0, inI.length);
      for (int k = 0; k < layers; k++) {
        float[] nextU = spmm(uPtr, uCol, uW, curI, nu);
        float[] nextI = spmm(iPtr, iCol, iW, curU, ni);
        for (int x = 0; x < outU.length; x++) {
          outU[x] += nextU[x];
        }
        for (int x = 0; x < outI.length; x++) {
          outI[x] += nextI[x];
        }
        curU = nextU;
        curI = nextI;
      }
      float scale = 1f / (layers + 1);
      for (int x = 0; x < outU.length; x++) {
        outU[x] *= scale;
      }
      for (int x = 0; x < outI.length; x++) {
        outI[x] *= scale;
      }
    }

    private float[] spmm(int[] ptr, int[] col, float[] w, float[] in, int rows) {
      float[] out = new float[rows * d];
      for (int r = 0; r < rows; r++) {
        for (int e = ptr[r]; e < ptr[r + 1]; e++) {
          for (int k = 0; k < d; k++) {
            out[r * d + k] += w[e] * in[col[e] * d + k];
          }
        }
      }
      return out;
    }
  }
}
