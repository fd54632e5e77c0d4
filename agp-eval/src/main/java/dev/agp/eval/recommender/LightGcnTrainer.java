package dev.agp.eval.recommender;

import dev.agp.internal.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/** One LightGCN fit: the graph, the parameters, Adam's moments and the loop. */
final class LightGcnTrainer {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;
  private static final double INIT_STD = 0.1;
  private static final int EVAL_K = 10;
  private static final long INIT_STREAM = 11;
  private static final long EPOCH_STREAM = 1_000;

  private final LightGcn cfg;
  private final TrainingSet t;
  private final int nu;
  private final int ni;
  private final int d;
  // normalised adjacency, both directions, in CSR form
  private final int[] uPtr;
  private final int[] uCol;
  private final float[] uW;
  private final int[] iPtr;
  private final int[] iCol;
  private final float[] iW;
  private final int[] edgeUser;
  private final int[] edgeItem;

  private final float[] eu;
  private final float[] ei;
  private final float[] mu;
  private final float[] vu;
  private final float[] mi;
  private final float[] vi;

  LightGcnTrainer(LightGcn cfg, TrainingSet t) {
    this.cfg = cfg;
    this.t = t;
    this.nu = t.users.length;
    this.ni = t.items.length;
    this.d = cfg.dimension;
    int edges = Math.toIntExact(t.edges());
    int[] itemDeg = new int[ni];
    for (int[] p : t.positives) {
      for (int i : p) {
        itemDeg[i]++;
      }
    }
    uPtr = new int[nu + 1];
    uCol = new int[edges];
    uW = new float[edges];
    edgeUser = new int[edges];
    edgeItem = new int[edges];
    int e = 0;
    for (int u = 0; u < nu; u++) {
      uPtr[u] = e;
      for (int i : t.positives[u]) {
        uCol[e] = i;
        uW[e] = (float) (1.0 / Math.sqrt((double) t.positives[u].length * itemDeg[i]));
        edgeUser[e] = u;
        edgeItem[e] = i;
        e++;
      }
    }
    uPtr[nu] = e;
    iPtr = new int[ni + 1];
    for (int i = 0; i < ni; i++) {
      iPtr[i + 1] = iPtr[i] + itemDeg[i];
    }
    iCol = new int[edges];
    iW = new float[edges];
    int[] fill = Arrays.copyOf(iPtr, ni);
    for (int u = 0; u < nu; u++) { // users ascending: each item's row lists users ascending
      for (int k = uPtr[u]; k < uPtr[u + 1]; k++) {
        int i = uCol[k];
        iCol[fill[i]] = u;
        iW[fill[i]] = uW[k];
        fill[i]++;
      }
    }
    SplittableRandom r = new SplittableRandom(Seeds.mix(cfg.seed, INIT_STREAM));
    eu = new float[nu * d];
    ei = new float[ni * d];
    for (int k = 0; k < eu.length; k++) {
      eu[k] = (float) (r.nextGaussian() * INIT_STD);
    }
    for (int k = 0; k < ei.length; k++) {
      ei[k] = (float) (r.nextGaussian() * INIT_STD);
    }
    mu = new float[eu.length];
    vu = new float[eu.length];
    mi = new float[ei.length];
    vi = new float[ei.length];
  }

  LightGcnModel train() {
    long start = System.nanoTime();
    List<LightGcn.EpochStats> log = new ArrayList<>();
    int validationUsers = 0;
    for (int v : t.validation) {
      validationUsers += v >= 0 ? 1 : 0;
    }
    long withValidationItem = validationUsers;
    float[] bestU = null;
    float[] bestI = null;
    int bestEpoch = 0;
    double bestNdcg = -1;
    int sinceBest = 0;
    float[] fu = new float[nu * d];
    float[] fi = new float[ni * d];
    Buffers buf = new Buffers();
    long step = 0;
    try (Parallel par = new Parallel(cfg.threads, "agp-lightgcn")) {
      for (int epoch = 1; epoch <= cfg.epochs; epoch++) {
        SplittableRandom r = new SplittableRandom(Seeds.mix(cfg.seed, EPOCH_STREAM + epoch));
        int[] order = shuffledEdges(r);
        double lossSum = 0;
        for (int from = 0; from < order.length; from += cfg.batchSize) {
          int to = Math.min(order.length, from + cfg.batchSize);
          int b = to - from;
          int[] us = new int[b];
          int[] pos = new int[b];
          int[] neg = new int[b];
          for (int k = 0; k < b; k++) {
            int e = order[from + k];
            us[k] = edgeUser[e];
            pos[k] = edgeItem[e];
            neg[k] = negative(us[k], r);
          }
          propagate(par, eu, ei, fu, fi, buf);
          lossSum += gradient(us, pos, neg, fu, fi, buf);
          backPropagate(par, buf);
          step++;
          adam(par, step, b, us, pos, neg, buf);
        }
        boolean evaluate = epoch % cfg.evalEvery == 0 || epoch == cfg.epochs;
        OptionalDouble ndcg = OptionalDouble.empty();
        OptionalDouble recall = OptionalDouble.empty();
        boolean stop = false;
        if (evaluate && withValidationItem > 0) {
          propagate(par, eu, ei, fu, fi, buf);
          double[] m = validate(par, fu, fi);
          ndcg = OptionalDouble.of(m[0]);
          recall = OptionalDouble.of(m[1]);
          if (m[0] > bestNdcg) {
            bestNdcg = m[0];
            bestEpoch = epoch;
            bestU = fu.clone();
            bestI = fi.clone();
            sinceBest = 0;
          } else if (++sinceBest >= cfg.patience) {
            stop = true;
          }
        }
        LightGcn.EpochStats stats =
            new LightGcn.EpochStats(epoch, lossSum / order.length, ndcg, recall, Duration.ofNanos(System.nanoTime() - start));
        log.add(stats);
        cfg.listener.accept(stats);
        if (stop) {
          break;
        }
      }
      if (bestU == null) { // no validation users: the last epoch
        propagate(par, eu, ei, fu, fi, buf);
        bestU = fu;
        bestI = fi;
        bestEpoch = log.size();
        bestNdcg = 0;
      }
    }
    LightGcn.TrainingLog tl =
        new LightGcn.TrainingLog(
            log, bestEpoch, Math.max(0, bestNdcg), validationUsers, nu, ni, uCol.length, cfg.threads,
            Duration.ofNanos(System.nanoTime() - start));
    return new Model(t, d, bestU, bestI, tl, cfg);
  }

  private int[] shuffledEdges(SplittableRandom r) {
    int[] order = new int[edgeUser.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    for (int k = order.length - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int tmp = order[k];
      order[k] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** A uniformly drawn item the user has not consumed (any item if the user consumed nearly all). */
  private int negative(int u, SplittableRandom r) {
    int[] p = t.positives[u];
    int j = r.nextInt(ni);
    for (int tries = 0; tries < 100 && Arrays.binarySearch(p, j) >= 0; tries++) {
      j = r.nextInt(ni);
    }
    return j;
  }

  private final class Buffers {
    final float[] curU = new float[nu * d];
    final float[] curI = new float[ni * d];
    final float[] nextU = new float[nu * d];
    final float[] nextI = new float[ni * d];
    final float[] gU = new float[nu * d];
    final float[] gI = new float[ni * d];
  }

  /** Final embeddings: the mean of layers 0..K. */
  private void propagate(Parallel par, float[] u0, float[] i0, float[] fu, float[] fi, Buffers b) {
    average(par, u0, i0, fu, fi, b);
  }

  /** Gradients wrt layer 0 from gradients wrt the final embeddings (held in b.gU/b.gI), in place. */
  private void backPropagate(Parallel par, Buffers b) {
    // the propagation is linear and symmetric: dL/dE0 = 1/(K+1) sum_k A^k G
    float[] gu = b.gU.clone();
    float[] gi = b.gI.clone();
    average(par, gu, gi, b.gU, b.gI, b);
  }

  /** out = 1/(K+1) * sum_{k=0..K} A^k in, using b's cur/next buffers. */
  private void average(Parallel par, float[] inU, float[] inI, float[] outU, float[] outI, Buffers b) {
    System.arraycopy(inU, 0, outU, 0, inU.length);
    System.arraycopy(inI, 0, outI, 0, inI.length);
    System.arraycopy(inU, 0, b.curU, 0, inU.length);
    System.arraycopy(inI, 0, b.curI, 0, inI.length);
    for (int k = 0; k < cfg.layers; k++) {
      spmm(par, uPtr, uCol, uW, b.curI, b.nextU, nu);
      spmm(par, iPtr, iCol, iW, b.curU, b.nextI, ni);
      par.forRows(nu, (from, to) -> add(outU, b.nextU, from * d, to * d));
      par.forRows(ni, (from, to) -> add(outI, b.nextI, from * d, to * d));
      System.arraycopy(b.nextU, 0, b.curU, 0, b.curU.length);
      System.arraycopy(b.nextI, 0, b.curI, 0, b.curI.length);
    }
    float scale = 1f / (cfg.layers + 1);
    par.forRows(nu, (from, to) -> scale(outU, scale, from * d, to * d));
    par.forRows(ni, (from, to) -> scale(outI, scale, from * d, to * d));
  }

  private static void add(float[] acc, float[] x, int from, int to) {
    for (int k = from; k < to; k++) {
      acc[k] += x[k];
    }
  }

  private static void scale(float[] x, float s, int from, int to) {
    for (int k = from; k < to; k++) {
      x[k] *= s;
    }
  }

  /** out[r] = sum over row r's edges of w * in[col]. */
  private void spmm(Parallel par, int[] ptr, int[] col, float[] w, float[] in, float[] out, int rows) {
    par.forRows(rows, (from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * d;
        Arrays.fill(out, o, o + d, 0f);
        for (int e = ptr[r]; e < ptr[r + 1]; e++) {
          float we = w[e];
          int c = col[e] * d;
          for (int k = 0; k < d; k++) {
            out[o + k] += we * in[c + k];
          }
        }
      }
    });
  }

  /** BPR gradient wrt the final embeddings into b.gU/b.gI; returns the summed loss. */
  private double gradient(int[] us, int[] pos, int[] neg, float[] fu, float[] fi, Buffers b) {
    Arrays.fill(b.gU, 0f);
    Arrays.fill(b.gI, 0f);
    double loss = 0;
    float inv = 1f / us.length;
    for (int k = 0; k < us.length; k++) {
      int u = us[k] * d;
      int i = pos[k] * d;
      int j = neg[k] * d;
      double x = 0;
      for (int c = 0; c < d; c++) {
        x += fu[u + c] * (fi[i + c] - fi[j + c]);
      }
      // -log sigmoid(x) = softplus(-x), computed stably
      loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      float coef = (float) (-1.0 / (1.0 + Math.exp(x))) * inv; // d loss / d x, over the batch
      for (int c = 0; c < d; c++) {
        float fuc = fu[u + c];
        b.gU[u + c] += coef * (fi[i + c] - fi[j + c]);
        b.gI[i + c] += coef * fuc;
        b.gI[j + c] -= coef * fuc;
      }
    }
    return loss;
  }

  private void adam(Parallel par, long step, int batch, int[] us, int[] pos, int[] neg, Buffers b) {
    // L2 on the batch's layer-0 embeddings: l2/2 * ||e||^2 / batch per occurrence
    float reg = (float) (cfg.l2 / batch);
    if (reg > 0) {
      for (int k = 0; k < us.length; k++) {
        int u = us[k] * d;
        int i = pos[k] * d;
        int j = neg[k] * d;
        for (int c = 0; c < d; c++) {
          b.gU[u + c] += reg * eu[u + c];
          b.gI[i + c] += reg * ei[i + c];
          b.gI[j + c] += reg * ei[j + c];
        }
      }
    }
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    float lr = (float) (cfg.learningRate * Math.sqrt(c2) / c1);
    float eps = (float) (ADAM_EPS * Math.sqrt(c2));
    par.forRows(nu, (from, to) -> adamRows(eu, mu, vu, b.gU, from * d, to * d, lr, eps));
    par.forRows(ni, (from, to) -> adamRows(ei, mi, vi, b.gI, from * d, to * d, lr, eps));
  }

  private static void adamRows(float[] p, float[] m, float[] v, float[] g, int from, int to, float lr, float eps) {
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    for (int k = from; k < to; k++) {
      float gk = g[k];
      m[k] = b1 * m[k] + (1 - b1) * gk;
      v[k] = b2 * v[k] + (1 - b2) * gk * gk;
      p[k] -= lr * m[k] / ((float) Math.sqrt(v[k]) + eps);
    }
  }

  /** {NDCG@10, Recall@10} of the validation items over all unconsumed items; misses count 0. */
  private double[] validate(Parallel par, float[] fu, float[] fi) {
    double[] ndcg = new double[nu];
    double[] hit = new double[nu];
    par.forRows(nu, (from, to) -> {
      float[] score = new float[ni];
      for (int u = from; u < to; u++) {
        int v = t.validation[u];
        if (v < 0) {
          continue;
        }
        scores(fu, fi, u, score);
        int[] p = t.positives[u];
        float sv = score[v];
        int better = 0;
        for (int i = 0; i < ni && better < EVAL_K; i++) {
          if (i != v && Arrays.binarySearch(p, i) < 0 && (score[i] > sv || (score[i] == sv && i < v))) {
            better++;
          }
        }
        if (better < EVAL_K) {
          hit[u] = 1;
          ndcg[u] = 1 / (Math.log(better + 2) / Math.log(2));
        }
      }
    });
    double n = 0;
    double h = 0;
    int users = 0;
    for (int u = 0; u < nu; u++) {
      if (t.validation[u] >= 0) {
        n += ndcg[u];
        h += hit[u];
        users++;
      }
    }
    return new double[] {n / users, h / users};
  }

  private void scores(float[] fu, float[] fi, int u, float[] out) {
    int uo = u * d;
    for (int i = 0; i < ni; i++) {
      int io = i * d;
      float s = 0;
      for (int c = 0; c < d; c++) {
        s += fu[uo + c] * fi[io + c];
      }
      out[i] = s;
    }
  }

  /** The trained model: final embeddings of the best epoch. */
  private static final class Model implements LightGcnModel {
    private final TrainingSet t;
    private final int d;
    private final float[] fu;
    private final float[] fi;
    private final LightGcn.TrainingLog log;
    private final String name;

    Model(TrainingSet t, int d, float[] fu, float[] fi, LightGcn.TrainingLog log, LightGcn cfg) {
      this.t = t;
      this.d = d;
      this.fu = fu;
      this.fi = fi;
      this.log = log;
      this.name =
          "LightGCN(d=" + cfg.dimension + ", layers=" + cfg.layers + ", lr=" + cfg.learningRate + ", l2=" + cfg.l2
              + ", batch=" + cfg.batchSize + ", seed=" + cfg.seed + ", best epoch " + log.bestEpoch() + ")";
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<String> recommend(String userId, List<String> history, int k) {
      java.util.Objects.requireNonNull(userId, "userId");
      java.util.Objects.requireNonNull(history, "history");
      TopK.checkK(k);
      Integer u = t.userIndex.get(userId);
      if (u == null) {
        return List.of();
      }
      float[] score = new float[t.items.length];
      int uo = u * d;
      for (int i = 0; i < score.length; i++) {
        int io = i * d;
        float s = 0;
        for (int c = 0; c < d; c++) {
          s += fu[uo + c] * fi[io + c];
        }
        score[i] = s;
      }
      return TopK.ids(TopK.select(score, t.excluded(history), k), t.items);
    }

    @Override
    public Optional<double[]> userEmbedding(String userId) {
      Integer u = t.userIndex.get(java.util.Objects.requireNonNull(userId, "userId"));
      if (u == null) {
        return Optional.empty();
      }
      double[] e = new double[d];
      for (int c = 0; c < d; c++) {
        e[c] = fu[u * d + c];
      }
      return Optional.of(e);
    }

    @Override
    public int embeddingDimension() {
      return d;
    }

    @Override
    public LightGcn.TrainingLog trainingLog() {
      return log;
    }
  }
}
