package dev.agp.eval.recommender;

import dev.agp.internal.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/** One LightGCN fit: the graph, the parameters, Adam's moments and the loop. */
final class LightGcnTrainer {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LightGcn.class);
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;
  private static final double INIT_STD = 0.1;
  private static final int EVAL_K = 10;
  private static final long INIT_STREAM = 11;
  private static final long EPOCH_STREAM = 1_000;
  /** Most ranges a propagation layer is cut into (the threads take them in turn). */
  private static final int LAYER_PARTS = 256;
  /** Least work (edges plus rows) of a range, so that small graphs are not cut into slivers. */
  private static final long MIN_PART_COST = 4_096;
  /** Largest user x item grid kept as bits for sampling negatives (16 MB). */
  private static final long MAX_CONSUMED_BITS = 1L << 27;
  /** Validation users scored in one pass over the item embeddings. */
  private static final int USERS_PER_PASS = 4;

  private final LightGcn cfg;
  private final TrainingSet t;
  private final int nu;
  private final int ni;
  private final int d;
  // normalised adjacency, both directions, in CSR form (read by PropagationPeakBenchmark)
  final int[] uPtr;
  final int[] uCol;
  final float[] uW;
  final int[] iPtr;
  final int[] iCol;
  final float[] iW;
  private final int[] edgeUser;
  private final int[] edgeItem;

  private final float[] eu;
  private final float[] ei;
  private final float[] mu;
  private final float[] vu;
  private final float[] mi;
  private final float[] vi;
  /** The kernel chosen for this fit. */
  private final Kernel preferred;
  /** Whether the preferred kernel waits on its warm-up (chosen by the probe, not forced by a test). */
  private final boolean warming;
  /** The kernel of the current step: the scalar one while the vector kernel warms up (same bits). */
  private Kernel kernel;
  private int scalarSteps;
  private final int[] layerParts;
  /** User x item bits of the consumed pairs, for sampling negatives; null for a large graph. */
  private final long @Nullable [] consumedBits;

  LightGcnTrainer(LightGcn cfg, TrainingSet t) {
    this.cfg = cfg;
    this.preferred = cfg.kernel != null ? cfg.kernel : Kernel.select();
    this.warming = cfg.kernel == null && preferred != ScalarKernel.INSTANCE;
    this.kernel = preferred;
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
    layerParts = layerParts(uPtr, iPtr, nu, ni, d);
    if ((long) nu * ni <= MAX_CONSUMED_BITS) {
      consumedBits = new long[(int) (((long) nu * ni + 63) >>> 6)];
      for (int u = 0; u < nu; u++) {
        for (int i : t.positives[u]) {
          long bit = (long) u * ni + i;
          consumedBits[(int) (bit >>> 6)] |= 1L << bit;
        }
      }
    } else {
      consumedBits = null;
    }
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
    try (Parallel par = new Parallel(cfg.threads, "agp-lightgcn");
        Sampler sampler = new Sampler(cfg.threads > 1)) {
      for (int epoch = 1; epoch <= cfg.epochs; epoch++) {
        long epochStart = System.nanoTime();
        SplittableRandom r = new SplittableRandom(Seeds.mix(cfg.seed, EPOCH_STREAM + epoch));
        int[] order = shuffledEdges(r);
        double lossSum = 0;
        long propagating = 0;
        // batch k + 1's negatives are drawn while batch k trains; one draw after another, as before
        Future<Batch> nextBatch = sampler.submit(() -> batch(order, 0, r));
        for (int from = 0; from < order.length; from += cfg.batchSize) {
          Batch bt = sampler.get(nextBatch);
          step();
          int to = from + bt.size();
          if (to < order.length) {
            nextBatch = sampler.submit(() -> batch(order, to, r));
          }
          long p0 = System.nanoTime();
          propagate(par, eu, ei, fu, fi, buf);
          long p1 = System.nanoTime();
          lossSum += gradient(par, bt, fu, fi, buf);
          long p2 = System.nanoTime();
          backPropagate(par, buf);
          propagating += p1 - p0 + System.nanoTime() - p2;
          step++;
          adam(par, step, bt, buf);
        }
        long trained = System.nanoTime();
        boolean evaluate = epoch % cfg.evalEvery == 0 || epoch == cfg.epochs;
        OptionalDouble ndcg = OptionalDouble.empty();
        OptionalDouble recall = OptionalDouble.empty();
        boolean stop = false;
        if (evaluate && withValidationItem > 0) {
          step();
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
        long now = System.nanoTime();
        LightGcn.EpochStats stats = new LightGcn.EpochStats(epoch, lossSum / order.length, ndcg, recall,
            Duration.ofNanos(now - start), Duration.ofNanos(trained - epochStart), Duration.ofNanos(propagating),
            Duration.ofNanos(now - trained));
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
            Duration.ofNanos(System.nanoTime() - start), kernelReport());
    return new Model(t, d, bestU, bestI, tl, cfg, preferred);
  }

  /** Picks the kernel of the next step. */
  private void step() {
    if (warming && !Kernel.Kernels.warm()) {
      kernel = ScalarKernel.INSTANCE;
      scalarSteps++;
    } else {
      kernel = preferred;
    }
  }

  private String kernelReport() {
    if (scalarSteps > 0) {
      log.info("LightGCN ran its first {} steps on the scalar kernel (the same results) while the vector kernel"
          + " was being compiled", scalarSteps);
    }
    return preferred.name();
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

  /**
   * One batch's triples: the edges {@code order[from, from + batchSize)} and a negative for each;
   * and which triples touch each row (users 0..nu-1, then items), in batch order: row r's are
   * {@code slots[rowStart[r], rowStart[r + 1])}, each {@code 3k} (triple k's user), {@code 3k + 1}
   * (its item) or {@code 3k + 2} (its negative).
   */
  private record Batch(int[] us, int[] pos, int[] neg, int[] rowStart, int[] slots) {
    int size() {
      return us.length;
    }
  }

  private Batch batch(int[] order, int from, SplittableRandom r) {
    int b = Math.min(order.length, from + cfg.batchSize) - from;
    int[] us = new int[b];
    int[] pos = new int[b];
    int[] neg = new int[b];
    for (int k = 0; k < b; k++) {
      int e = order[from + k];
      us[k] = edgeUser[e];
      pos[k] = edgeItem[e];
      neg[k] = negative(us[k], r);
    }
    // a counting sort of the triples' rows, stable: each row sees its triples in batch order
    int[] rowStart = new int[nu + ni + 1];
    for (int k = 0; k < b; k++) {
      rowStart[us[k] + 1]++;
      rowStart[nu + pos[k] + 1]++;
      rowStart[nu + neg[k] + 1]++;
    }
    for (int row = 0; row < nu + ni; row++) {
      rowStart[row + 1] += rowStart[row];
    }
    int[] next = Arrays.copyOf(rowStart, nu + ni);
    int[] slots = new int[3 * b];
    for (int k = 0; k < b; k++) {
      slots[next[us[k]]++] = 3 * k;
      slots[next[nu + pos[k]]++] = 3 * k + 1;
      slots[next[nu + neg[k]]++] = 3 * k + 2;
    }
    return new Batch(us, pos, neg, rowStart, slots);
  }

  /** A uniformly drawn item the user has not consumed (any item if the user consumed nearly all). */
  private int negative(int u, SplittableRandom r) {
    int j = r.nextInt(ni);
    for (int tries = 0; tries < 100 && consumed(u, j); tries++) {
      j = r.nextInt(ni);
    }
    return j;
  }

  /** Whether user u consumed item i: a bit of {@link #consumedBits} when the graph is small, else a search. */
  private boolean consumed(int u, int i) {
    if (consumedBits != null) {
      long bit = (long) u * ni + i;
      return (consumedBits[(int) (bit >>> 6)] & (1L << bit)) != 0;
    }
    return Arrays.binarySearch(t.positives[u], i) >= 0;
  }

  /**
   * Draws batches on one background thread, one after another, so the random numbers come in the
   * same order as when drawn inline; inline when the fit runs on one thread.
   */
  private static final class Sampler implements AutoCloseable {
    private final ExecutorService thread;

    Sampler(boolean background) {
      this.thread = background
          ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agp-lightgcn-sampler");
            t.setDaemon(true);
            return t;
          })
          : null;
    }

    Future<Batch> submit(Callable<Batch> task) {
      if (thread != null) {
        return thread.submit(task);
      }
      FutureTask<Batch> f = new FutureTask<>(task);
      f.run();
      return f;
    }

    Batch get(Future<Batch> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error er) {
          throw er;
        }
        throw new IllegalStateException(c);
      }
    }

    @Override
    public void close() {
      if (thread != null) {
        thread.shutdownNow();
      }
    }
  }

  /**
   * Scratch buffers of the propagation: {@code t1}/{@code t2} hold intermediate layers, {@code g}
   * the gradient (swapped with {@code t2} after back-propagation, which writes its result there).
   */
  private final class Buffers {
    final float[] t1U = new float[nu * d];
    final float[] t1I = new float[ni * d];
    float[] t2U = new float[nu * d];
    float[] t2I = new float[ni * d];
    float[] gU = new float[nu * d];
    float[] gI = new float[ni * d];
  }

  /** Final embeddings: the mean of layers 0..K. */
  private void propagate(Parallel par, float[] u0, float[] i0, float[] fu, float[] fi, Buffers b) {
    average(par, u0, i0, fu, fi, b.t1U, b.t1I, b.t2U, b.t2I);
  }

  /** Gradients wrt layer 0 from gradients wrt the final embeddings (held in b.gU/b.gI), in place. */
  private void backPropagate(Parallel par, Buffers b) {
    // the propagation is linear and symmetric: dL/dE0 = 1/(K+1) sum_k A^k G; the result goes to t2,
    // and the gradient's arrays, free after the first layer, serve as t2 meanwhile
    float[] outU = b.t2U;
    float[] outI = b.t2I;
    average(par, b.gU, b.gI, outU, outI, b.t1U, b.t1I, b.gU, b.gI);
    b.t2U = b.gU;
    b.t2I = b.gI;
    b.gU = outU;
    b.gI = outI;
  }

  /**
   * out = 1/(K+1) * sum_{k=0..K} A^k in. Layer k reads layer k - 1 (layer 0: in) and writes layer
   * k to t1 (k even) or t2 (k odd), fused with the running sum in out; {@code in} is read only by
   * the first layer, so t2 may be {@code in} itself.
   */
  private void average(Parallel par, float[] inU, float[] inI, float[] outU, float[] outI,
      float[] t1U, float[] t1I, float[] t2U, float[] t2I) {
    float scale = 1f / (cfg.layers + 1);
    if (cfg.layers == 0) {
      par.forRows(nu, (from, to) -> scaled(inU, outU, scale, from * d, to * d));
      par.forRows(ni, (from, to) -> scaled(inI, outI, scale, from * d, to * d));
      return;
    }
    float[] srcU = inU;
    float[] srcI = inI;
    for (int k = 0; k < cfg.layers; k++) {
      boolean last = k == cfg.layers - 1;
      float[] dstU = last ? null : k % 2 == 0 ? t1U : t2U;
      float[] dstI = last ? null : k % 2 == 0 ? t1I : t2I;
      float[] baseU = k == 0 ? inU : outU;
      float[] baseI = k == 0 ? inI : outI;
      float[] fromU = srcU;
      float[] fromI = srcI;
      float s = last ? scale : 1f; // x * 1f == x: the running sum stays as it is until the last layer
      par.forParts(layerParts, (from, to) -> {
        if (from < nu) {
          kernel.layer(uPtr, uCol, uW, fromI, d, from, Math.min(to, nu), dstU, baseU, outU, s);
        }
        if (to > nu) {
          kernel.layer(iPtr, iCol, iW, fromU, d, Math.max(from, nu) - nu, to - nu, dstI, baseI, outI, s);
        }
      });
      srcU = dstU;
      srcI = dstI;
    }
  }

  private static void scaled(float[] in, float[] out, float s, int from, int to) {
    for (int k = from; k < to; k++) {
      out[k] = in[k] * s;
    }
  }

  /**
   * Ranges of the rows of both directions (users 0..nu-1, then items as nu..nu+ni-1) with about
   * equal work each, so that no thread waits on one with the popular items.
   */
  private static int[] layerParts(int[] uPtr, int[] iPtr, int nu, int ni, int d) {
    int rows = nu + ni;
    long rowCost = Math.max(1, d / 16);
    long total = (long) uPtr[nu] + iPtr[ni] + rows * rowCost;
    int parts = (int) Math.max(1, Math.min(rows, Math.min(LAYER_PARTS, total / MIN_PART_COST)));
    List<Integer> bounds = new ArrayList<>(parts + 1);
    bounds.add(0);
    long acc = 0;
    long target = (total + parts - 1) / parts;
    for (int r = 0; r < rows; r++) {
      acc += (r < nu ? uPtr[r + 1] - uPtr[r] : iPtr[r - nu + 1] - iPtr[r - nu]) + rowCost;
      if (acc >= target && r + 1 < rows) {
        bounds.add(r + 1);
        acc = 0;
      }
    }
    bounds.add(rows);
    return bounds.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * BPR gradient wrt the final embeddings into b.gU/b.gI; returns the summed loss. The triples'
   * scores are computed in parallel; the gradient rows are then added up by row ranges, each
   * range taking the triples in batch order, so every row receives its terms in the same order as
   * one loop over the batch would give them.
   */
  private double gradient(Parallel par, Batch bt, float[] fu, float[] fi, Buffers b) {
    float[] gU = b.gU;
    float[] gI = b.gI;
    int[] us = bt.us;
    int[] pos = bt.pos;
    int[] neg = bt.neg;
    int n = bt.size();
    double[] losses = new double[n];
    float[] coefs = new float[n];
    float inv = 1f / n;
    par.forRows(n, (from, to) -> {
      for (int k = from; k < to; k++) {
        int u = us[k] * d;
        int i = pos[k] * d;
        int j = neg[k] * d;
        double x = 0;
        for (int c = 0; c < d; c++) {
          x += fu[u + c] * (fi[i + c] - fi[j + c]);
        }
        // -log sigmoid(x) = softplus(-x), computed stably
        losses[k] = x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
        coefs[k] = (float) (-1.0 / (1.0 + Math.exp(x))) * inv; // d loss / d x, over the batch
      }
    });
    double loss = 0;
    for (int k = 0; k < n; k++) {
      loss += losses[k];
    }
    int[] rowStart = bt.rowStart;
    int[] slots = bt.slots;
    par.forRows(nu + ni, (from, to) -> {
      Arrays.fill(gU, Math.min(from, nu) * d, Math.min(to, nu) * d, 0f);
      Arrays.fill(gI, (Math.max(from, nu) - nu) * d, (Math.max(to, nu) - nu) * d, 0f);
      for (int q = rowStart[from]; q < rowStart[to]; q++) {
        int slot = slots[q];
        int k = slot / 3;
        int u = us[k] * d;
        int i = pos[k] * d;
        int j = neg[k] * d;
        switch (slot - 3 * k) {
          case 0 -> kernel.addScaledDifference(gU, u, coefs[k], fi, i, j, d);
          case 1 -> kernel.addScaled(gI, i, coefs[k], fu, u, d);
          default -> kernel.subtractScaled(gI, j, coefs[k], fu, u, d);
        }
      }
    });
    return loss;
  }

  /**
   * The L2 term, then Adam, by row ranges of users and items; each range adds the batch's L2
   * terms to its rows in batch order before updating them.
   */
  private void adam(Parallel par, long step, Batch bt, Buffers b) {
    // L2 on the batch's layer-0 embeddings: l2/2 * ||e||^2 / batch per occurrence
    float reg = (float) (cfg.l2 / bt.size());
    float[] gU = b.gU;
    float[] gI = b.gI;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    float lr = (float) (cfg.learningRate * Math.sqrt(c2) / c1);
    float eps = (float) (ADAM_EPS * Math.sqrt(c2));
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    int[] rowStart = bt.rowStart;
    par.forRows(nu + ni, (from, to) -> {
      if (reg > 0) {
        // every term a row receives here is the same (its layer-0 embedding times reg), once per triple
        for (int row = from; row < to; row++) {
          for (int q = rowStart[row]; q < rowStart[row + 1]; q++) {
            if (row < nu) {
              kernel.addScaled(gU, row * d, reg, eu, row * d, d);
            } else {
              kernel.addScaled(gI, (row - nu) * d, reg, ei, (row - nu) * d, d);
            }
          }
        }
      }
      if (from < nu) {
        kernel.adam(eu, mu, vu, gU, from * d, Math.min(to, nu) * d, b1, b2, lr, eps);
      }
      if (to > nu) {
        kernel.adam(ei, mi, vi, gI, (Math.max(from, nu) - nu) * d, (to - nu) * d, b1, b2, lr, eps);
      }
    });
  }

  /**
   * {NDCG@10, Recall@10} of the validation items over all unconsumed items; misses count 0. Users
   * are scored four at a time against every item (one kernel pass over the item embeddings);
   * each score is the same dot product, summed in the same order, as one user at a time.
   */
  private double[] validate(Parallel par, float[] fu, float[] fi) {
    int block = kernel.itemBlock();
    int stride = (ni + block - 1) / block * block;
    float[] fiT = block > 1 ? new float[d * stride] : fi;
    if (block > 1) {
      par.forRows(ni, (from, to) -> {
        for (int i = from; i < to; i++) {
          for (int c = 0; c < d; c++) {
            fiT[c * stride + i] = fi[i * d + c];
          }
        }
      });
    }
    int[] users = IntStream.range(0, nu).filter(u -> t.validation[u] >= 0).toArray();
    double[] ndcg = new double[nu];
    double[] hit = new double[nu];
    int groups = (users.length + USERS_PER_PASS - 1) / USERS_PER_PASS;
    par.forRows(groups, (from, to) -> {
      float[] score = new float[USERS_PER_PASS * stride];
      int[] group = new int[USERS_PER_PASS];
      for (int g = from; g < to; g++) {
        int first = g * USERS_PER_PASS;
        int count = Math.min(USERS_PER_PASS, users.length - first);
        System.arraycopy(users, first, group, 0, count);
        kernel.scores(fu, group, count, fi, fiT, ni, stride, d, score);
        for (int k = 0; k < count; k++) {
          int u = group[k];
          int v = t.validation[u];
          int off = k * stride;
          float sv = score[off + v];
          // items ranked above v: scores above it, and equal ones with a lower index, consumed ones excluded
          int better = kernel.countAbove(score, off, ni, sv, v);
          for (int p : t.positives[u]) {
            float x = score[off + p];
            if (p != v && (x > sv || (x == sv && p < v))) {
              better--;
            }
          }
          if (better < EVAL_K) {
            hit[u] = 1;
            ndcg[u] = 1 / (Math.log(better + 2) / Math.log(2));
          }
        }
      }
    });
    double n = 0;
    double h = 0;
    for (int u : users) {
      n += ndcg[u];
      h += hit[u];
    }
    return new double[] {n / users.length, h / users.length};
  }

  /** The trained model: final embeddings of the best epoch. */
  static final class Model implements LightGcnModel {
    private final TrainingSet t;
    private final int d;
    private final float[] fu;
    private final float[] fi;
    private final LightGcn.TrainingLog log;
    private final String name;
    private final Kernel kernel;
    /** The item embeddings dimension-major, for the kernel's scoring (fi itself for the scalar kernel). */
    private final float[] fiT;
    private final int stride;

    Model(TrainingSet t, int d, float[] fu, float[] fi, LightGcn.TrainingLog log, LightGcn cfg, Kernel kernel) {
      this.t = t;
      this.d = d;
      this.fu = fu;
      this.fi = fi;
      this.log = log;
      this.kernel = kernel;
      int ni = t.items.length;
      int block = kernel.itemBlock();
      this.stride = (ni + block - 1) / block * block;
      if (block > 1) {
        fiT = new float[d * stride];
        for (int i = 0; i < ni; i++) {
          for (int c = 0; c < d; c++) {
            fiT[c * stride + i] = fi[i * d + c];
          }
        }
      } else {
        fiT = fi;
      }
      this.name =
          "LightGCN(d=" + cfg.dimension + ", layers=" + cfg.layers + ", lr=" + cfg.learningRate + ", l2=" + cfg.l2
              + ", batch=" + cfg.batchSize + ", seed=" + cfg.seed + ", best epoch " + log.bestEpoch() + ")";
    }

    @Override
    public String name() {
      return name;
    }

    /** The final user embeddings, row-major (tests compare them bit for bit). */
    float[] users() {
      return fu.clone();
    }

    /** The final item embeddings, row-major. */
    float[] items() {
      return fi.clone();
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
      return TopK.ids(TopK.select(scores(u), t.excluded(history), k), t.items);
    }

    /** One pass over the scores: how many unconsumed items rank above the item (ties to the lower index). */
    @Override
    public OptionalInt rankOf(String userId, List<String> history, String itemId) {
      java.util.Objects.requireNonNull(userId, "userId");
      java.util.Objects.requireNonNull(history, "history");
      java.util.Objects.requireNonNull(itemId, "itemId");
      Integer u = t.userIndex.get(userId);
      Integer item = t.itemIndex.get(itemId);
      if (u == null || item == null) {
        return OptionalInt.empty();
      }
      boolean[] excluded = t.excluded(history);
      if (excluded[item]) {
        return OptionalInt.empty();
      }
      float[] score = scores(u);
      float s = score[item];
      int above = kernel.countAbove(score, 0, score.length, s, item);
      for (int i = 0; i < excluded.length; i++) {
        if (excluded[i] && TopK.better(i, item, score)) {
          above--;
        }
      }
      return OptionalInt.of(above);
    }

    /** Every item's score for user {@code u}: the same dot products as training's validation. */
    private float[] scores(int u) {
      float[] out = new float[stride];
      kernel.scores(fu, new int[] {u}, 1, fi, fiT, t.items.length, stride, d, out);
      return out.length == t.items.length ? out : java.util.Arrays.copyOf(out, t.items.length);
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
