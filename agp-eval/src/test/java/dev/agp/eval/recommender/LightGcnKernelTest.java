package dev.agp.eval.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel against the scalar one, and the trainer against the plain reference loops:
 * every float the same bits. The build runs these tests twice: with {@code --add-modules
 * jdk.incubator.vector} (where {@code agp.test.vectorRequired=true} makes a missing vector kernel
 * a failure, not a skip) and without it (the scalar fallback alone).
 */
class LightGcnKernelTest {

  private static final int[] DIMENSIONS = {1, 3, 8, 16, 17, 31, 64, 67, 128};

  /** The vector kernel, or the test is skipped where the module is absent (and allowed to be). */
  private static Kernel vector() {
    Optional<Kernel> v = Kernel.Kernels.vector();
    if (Boolean.getBoolean("agp.test.vectorRequired")) {
      assertThat(v).as("the Vector API kernel (%s)", Kernel.Kernels.whyNoVector()).isPresent();
    }
    assumeTrue(v.isPresent(), "jdk.incubator.vector is not in this JVM");
    return v.get();
  }

  @Test
  void select_followsTheModuleAndTheProperty() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    Kernel k = Kernel.select();
    if (module) {
      assertThat(k.name()).startsWith("Vector API");
    } else {
      assertThat(k).isSameAs(ScalarKernel.INSTANCE);
      assertThat(k.name()).contains("--add-modules jdk.incubator.vector");
      assertThat(Kernel.Kernels.whyNoVector()).contains("without --add-modules");
    }
    String old = System.getProperty(Kernel.PROPERTY);
    try {
      System.setProperty(Kernel.PROPERTY, "scalar");
      assertThat(Kernel.select()).isSameAs(ScalarKernel.INSTANCE);
      System.setProperty(Kernel.PROPERTY, "vector");
      if (module) {
        assertThat(Kernel.select().name()).startsWith("Vector API");
      } else {
        assertThatThrownBy(Kernel::select).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("--add-modules jdk.incubator.vector");
      }
      System.setProperty(Kernel.PROPERTY, "fast");
      assertThatThrownBy(Kernel::select).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, vector or scalar");
    } finally {
      if (old == null) {
        System.clearProperty(Kernel.PROPERTY);
      } else {
        System.setProperty(Kernel.PROPERTY, old);
      }
    }
  }

  /** Values that exercise rounding: mixed signs and magnitudes, zeros of both signs, subnormals. */
  private static float value(SplittableRandom r) {
    return switch (r.nextInt(12)) {
      case 0 -> 0f;
      case 1 -> -0f;
      case 2 -> Float.MIN_VALUE * r.nextInt(1, 100);
      case 3 -> (float) (r.nextGaussian() * 1e6);
      case 4 -> (float) (r.nextGaussian() * 1e-6);
      default -> (float) r.nextGaussian();
    };
  }

  private static float[] values(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int k = 0; k < n; k++) {
      x[k] = value(r);
    }
    return x;
  }

  @Test
  void layer_vectorAndScalar_sameBits() {
    Kernel vector = vector();
    SplittableRandom r = new SplittableRandom(5);
    for (int d : DIMENSIONS) {
      int rows = 23;
      int cols = 17;
      int[] ptr = new int[rows + 1];
      List<Integer> colList = new ArrayList<>();
      for (int row = 0; row < rows; row++) {
        int deg = row % 7 == 0 ? 0 : r.nextInt(1, 40); // some rows without edges
        for (int e = 0; e < deg; e++) {
          colList.add(r.nextInt(cols));
        }
        ptr[row + 1] = colList.size();
      }
      int[] col = colList.stream().mapToInt(Integer::intValue).toArray();
      float[] w = values(r, col.length);
      float[] in = values(r, cols * d);
      float[] base = values(r, rows * d);
      for (boolean last : new boolean[] {false, true}) {
        for (boolean withNext : new boolean[] {false, true}) {
          float[] nextS = withNext ? new float[rows * d] : null;
          float[] nextV = withNext ? new float[rows * d] : null;
          float[] outS = new float[rows * d];
          float[] outV = new float[rows * d];
          float scale = last ? 0.25f : 1f;
          ScalarKernel.INSTANCE.layer(ptr, col, w, in, d, 0, rows, nextS, base, outS, scale);
          vector.layer(ptr, col, w, in, d, 3, rows, nextV, base, outV, scale); // two ranges,
          vector.layer(ptr, col, w, in, d, 0, 3, nextV, base, outV, scale); // either order
          assertThat(bits(outV)).as("d=%d last=%s", d, last).containsExactly(bits(outS));
          if (withNext) {
            assertThat(bits(nextV)).as("next, d=%d", d).containsExactly(bits(nextS));
          }
        }
      }
      // in place: out is base, as from the second layer on
      float[] s = base.clone();
      float[] v = base.clone();
      ScalarKernel.INSTANCE.layer(ptr, col, w, in, d, 0, rows, null, s, s, 1f);
      vector.layer(ptr, col, w, in, d, 0, rows, null, v, v, 1f);
      assertThat(bits(v)).containsExactly(bits(s));
    }
  }

  @Test
  void scores_vectorAndScalar_sameBits() {
    Kernel vector = vector();
    SplittableRandom r = new SplittableRandom(9);
    for (int d : DIMENSIONS) {
      for (int items : new int[] {1, 5, vector.itemBlock(), vector.itemBlock() + 3, 101}) {
        int users = 9;
        float[] fu = values(r, users * d);
        float[] fi = values(r, items * d);
        int stride = (items + vector.itemBlock() - 1) / vector.itemBlock() * vector.itemBlock();
        float[] fiT = new float[d * stride];
        for (int i = 0; i < items; i++) {
          for (int c = 0; c < d; c++) {
            fiT[c * stride + i] = fi[i * d + c];
          }
        }
        for (int count = 1; count <= 4; count++) {
          int[] group = {8, 2, 5, 0};
          float[] s = new float[4 * stride];
          float[] v = new float[4 * stride];
          ScalarKernel.INSTANCE.scores(fu, group, count, fi, fiT, items, stride, d, s);
          vector.scores(fu, group, count, fi, fiT, items, stride, d, v);
          for (int k = 0; k < count; k++) {
            for (int i = 0; i < items; i++) {
              assertThat(Float.floatToRawIntBits(v[k * stride + i]))
                  .as("d=%d items=%d count=%d user %d item %d", d, items, count, k, i)
                  .isEqualTo(Float.floatToRawIntBits(s[k * stride + i]));
            }
          }
        }
      }
    }
  }

  @Test
  void countAbove_vectorAndScalar_sameCounts() {
    Kernel vector = vector();
    SplittableRandom r = new SplittableRandom(13);
    for (int n : new int[] {0, 1, 7, 16, 33, 100, 1000}) {
      float[] s = new float[n + 5];
      for (int i = 0; i < s.length; i++) {
        s[i] = switch (r.nextInt(6)) { // many ties, and NaN
          case 0 -> 0.5f;
          case 1 -> Float.NaN;
          case 2 -> -0f;
          default -> r.nextInt(4) / 4f;
        };
      }
      for (float t : new float[] {0.5f, 0f, -0f, Float.NaN, 2f}) {
        for (int tie : new int[] {-1, 0, 3, n / 2, n, n + 10}) {
          assertThat(vector.countAbove(s, 2, n, t, tie)).as("n=%d t=%s tie=%d", n, t, tie)
              .isEqualTo(ScalarKernel.INSTANCE.countAbove(s, 2, n, t, tie));
        }
      }
    }
  }

  @Test
  void adam_vectorAndScalar_sameBits() {
    Kernel vector = vector();
    SplittableRandom r = new SplittableRandom(17);
    int n = 1000;
    float[] p = values(r, n);
    float[] m = values(r, n);
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      v[k] = Math.abs(value(r)); // second moments are never negative
    }
    float[] g = values(r, n);
    float[] ps = p.clone();
    float[] ms = m.clone();
    float[] vs = v.clone();
    ScalarKernel.INSTANCE.adam(ps, ms, vs, g, 3, n - 2, 0.9f, 0.999f, 0.01f, 1e-8f);
    vector.adam(p, m, v, g, 3, n - 2, 0.9f, 0.999f, 0.01f, 1e-8f);
    assertThat(bits(p)).containsExactly(bits(ps));
    assertThat(bits(m)).containsExactly(bits(ms));
    assertThat(bits(v)).containsExactly(bits(vs));
  }

  @Test
  void rowUpdates_vectorAndScalar_sameBits() {
    Kernel vector = vector();
    SplittableRandom r = new SplittableRandom(19);
    for (int d : DIMENSIONS) {
      float[] x = values(r, 5 * d);
      float[] acc = values(r, 3 * d);
      float a = value(r);
      float[] s = acc.clone();
      float[] v = acc.clone();
      ScalarKernel.INSTANCE.addScaled(s, d, a, x, 2 * d, d);
      vector.addScaled(v, d, a, x, 2 * d, d);
      ScalarKernel.INSTANCE.subtractScaled(s, 2 * d, a, x, 4 * d, d);
      vector.subtractScaled(v, 2 * d, a, x, 4 * d, d);
      ScalarKernel.INSTANCE.addScaledDifference(s, 0, a, x, 3 * d, d, d);
      vector.addScaledDifference(v, 0, a, x, 3 * d, d, d);
      assertThat(bits(v)).as("d=%d", d).containsExactly(bits(s));
    }
  }

  /** 300 users over 120 items in a few taste groups, 5 to 40 interactions each (seeded). */
  static LooSplit graph() {
    SplittableRandom r = new SplittableRandom(21);
    List<Interaction> xs = new ArrayList<>();
    long t = 0;
    for (int u = 0; u < 300; u++) {
      int group = u % 4;
      int n = r.nextInt(5, 40);
      for (int k = 0; k < n; k++) {
        int item = r.nextInt(10) < 7 ? group * 30 + r.nextInt(30) : r.nextInt(120);
        xs.add(new Interaction("u" + u, "i" + item, 1, Instant.ofEpochSecond(t++)));
      }
    }
    return LeaveOneOut.split(xs);
  }

  private static LightGcn.Builder config() {
    return LightGcn.builder().dimension(24).layers(3).epochs(6).batchSize(500).learningRate(0.05).evalEvery(2)
        .patience(100).seed(3);
  }

  @Test
  void fit_vectorKernel_sameModelAsScalar() {
    Kernel vector = vector();
    LooSplit split = graph();
    LightGcnTrainer.Model s = (LightGcnTrainer.Model) config().threads(2).kernel(ScalarKernel.INSTANCE).build().fit(split);
    LightGcnTrainer.Model v = (LightGcnTrainer.Model) config().threads(2).kernel(vector).build().fit(split);
    assertThat(bits(v.users())).containsExactly(bits(s.users()));
    assertThat(bits(v.items())).containsExactly(bits(s.items()));
    assertThat(v.trainingLog().epochs()).extracting(LightGcn.EpochStats::loss)
        .containsExactlyElementsOf(s.trainingLog().epochs().stream().map(LightGcn.EpochStats::loss).toList());
    assertThat(v.trainingLog().epochs()).extracting(LightGcn.EpochStats::validationNdcg)
        .containsExactlyElementsOf(s.trainingLog().epochs().stream().map(LightGcn.EpochStats::validationNdcg).toList());
    assertThat(v.trainingLog().kernel()).startsWith("Vector API");
    assertThat(s.trainingLog().kernel()).startsWith("scalar");
  }

  @Test
  void fit_anyKernelAndThreads_matchesTheReferenceLoops() {
    LooSplit split = graph();
    TrainingSet t = TrainingSet.of(split);
    LightGcn cfg = config().build();
    ReferenceLightGcn.Result ref = ReferenceLightGcn.fit(cfg, t);
    List<Kernel> kernels = new ArrayList<>(List.of(ScalarKernel.INSTANCE));
    Kernel.Kernels.vector().ifPresent(kernels::add);
    for (Kernel k : kernels) {
      for (int threads : new int[] {1, 3}) {
        LightGcnTrainer.Model m = (LightGcnTrainer.Model) config().threads(threads).kernel(k).build().fit(split);
        LightGcn.TrainingLog log = m.trainingLog();
        String as = k.name() + ", " + threads + " threads";
        assertThat(log.epochs()).as(as).extracting(LightGcn.EpochStats::loss).containsExactlyElementsOf(ref.losses());
        List<ReferenceLightGcn.Scoring> scored = ref.scorings();
        assertThat(log.epochs().stream().filter(e -> e.validationNdcg().isPresent()).map(e -> e.validationNdcg().getAsDouble()))
            .as(as).containsExactlyElementsOf(scored.stream().map(x -> x.metrics()[0]).toList());
        assertThat(log.epochs().stream().filter(e -> e.validationRecall().isPresent()).map(e -> e.validationRecall().getAsDouble()))
            .as(as).containsExactlyElementsOf(scored.stream().map(x -> x.metrics()[1]).toList());
        ReferenceLightGcn.Scoring best = scored.stream().filter(x -> x.epoch() == log.bestEpoch()).findFirst().orElseThrow();
        assertThat(bits(m.users())).as(as).containsExactly(bits(best.fu()));
        assertThat(bits(m.items())).as(as).containsExactly(bits(best.fi()));
      }
    }
  }

  @Test
  void fit_reportsTheKernelThatRan() {
    LightGcn.TrainingLog log = config().epochs(1).build().fit(graph()).trainingLog();
    assertThat(log.kernel()).isEqualTo(Kernel.select().name());
  }

  @Test
  void warmUp_finishesAndLaterFitsRunOnTheVectorKernelAlone() throws InterruptedException {
    vector();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Kernel.Kernels.warm() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Kernel.Kernels.warm()).isTrue();
    assertThat(config().epochs(1).build().fit(graph()).trainingLog().kernel()).isEqualTo(Kernel.select().name());
  }

  private static int[] bits(float[] x) {
    int[] b = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      b[i] = Float.floatToRawIntBits(x[i]);
    }
    return b;
  }
}
