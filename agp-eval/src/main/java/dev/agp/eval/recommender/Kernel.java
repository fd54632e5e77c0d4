package dev.agp.eval.recommender;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dense inner loops of LightGCN: one propagation layer over rows of a sparse matrix, dot
 * products of users against all items, and counting scores above a threshold.
 *
 * <p>Two implementations compute the same bits: {@link ScalarKernel} (plain Java) and {@code
 * VectorKernel} (the Java Vector API, {@code jdk.incubator.vector}, one lane per embedding
 * dimension or per item). Every float is produced by the same sequence of IEEE operations in
 * both: products rounded before they are added (never a fused multiply-add), sums accumulated in
 * edge order or dimension order from {@code +0}. The vector kernel is used when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}; {@link #select()} probes for it at run
 * time and falls back to the scalar kernel otherwise.
 */
interface Kernel {

  /** System property choosing the kernel: {@code auto} (default), {@code vector} or {@code scalar}. */
  String PROPERTY = "agp.lightgcn.kernel";

  /** What ran, for logs and training reports, e.g. "Vector API, 16 float lanes". */
  String name();

  /**
   * One propagation layer for rows {@code [from, to)} of a CSR matrix, fused with the running
   * layer mean. For each row r, {@code acc = sum over r's edges e, in order, of w[e] * in[col[e]]}
   * (per dimension, starting from +0); then {@code next[r] = acc} when {@code next} is not null;
   * then {@code out[r] = (base[r] + acc) * scale} ({@code scale} 1 leaves the sum as it is: {@code
   * x * 1f == x} for every float). Row r of an array spans {@code [r * d, (r + 1) * d)}.
   */
  void layer(int[] ptr, int[] col, float[] w, float[] in, int d, int from, int to,
      float[] next, float[] base, float[] out, float scale);

  /**
   * Scores of {@code count <= 4} users against every item: {@code out[k * stride + i] = sum over
   * c in order of fu[users[k] * d + c] * fi[i * d + c]} for {@code i < items}, starting from +0.
   * {@code fiT} holds the same item embeddings dimension-major ({@code fiT[c * stride + i]}, zero
   * beyond {@code items}); {@code stride >= items} is a multiple of {@link #itemBlock()}; entries
   * of {@code out} beyond {@code items} are undefined.
   */
  void scores(float[] fu, int[] users, int count, float[] fi, float[] fiT, int items, int stride, int d, float[] out);

  /** Items the scoring loop handles at once; the item stride of {@link #scores} is a multiple of it. */
  int itemBlock();

  /**
   * How many {@code i} in {@code [0, n)} have {@code s[off + i] > t}, or {@code s[off + i] == t}
   * and {@code i < tieBefore}.
   */
  int countAbove(float[] s, int off, int n, float t, int tieBefore);

  /** {@code acc[ao + c] = acc[ao + c] + a * x[xo + c]} for {@code c < d}. */
  void addScaled(float[] acc, int ao, float a, float[] x, int xo, int d);

  /** {@code acc[ao + c] = acc[ao + c] - a * x[xo + c]} for {@code c < d}. */
  void subtractScaled(float[] acc, int ao, float a, float[] x, int xo, int d);

  /** {@code acc[ao + c] = acc[ao + c] + a * (x[xo + c] - x[yo + c])} for {@code c < d}. */
  void addScaledDifference(float[] acc, int ao, float a, float[] x, int xo, int yo, int d);

  /**
   * Adam on {@code [from, to)}: {@code m = b1 * m + (1 - b1) * g}, {@code v = b2 * v + (1 - b2)
   * * g * g}, {@code p = p - lr * m / (sqrt(v) + eps)}, in float, left to right.
   */
  void adam(float[] p, float[] m, float[] v, float[] g, int from, int to, float b1, float b2, float lr, float eps);

  /**
   * The kernel to use: the vector kernel when {@code jdk.incubator.vector} is in the boot layer
   * (and {@value #PROPERTY} is not {@code scalar}), else the scalar one.
   *
   * @throws IllegalStateException if {@value #PROPERTY} is {@code vector} and the module is missing
   */
  static Kernel select() {
    String wanted = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "scalar":
        return ScalarKernel.INSTANCE;
      case "vector":
        return Kernels.vector().orElseThrow(() -> new IllegalStateException(
            "-D" + PROPERTY + "=vector but the Vector API is not available: " + Kernels.whyNoVector()));
      case "auto":
      case "":
        return Kernels.vector().orElse(ScalarKernel.INSTANCE);
      default:
        throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, vector or scalar but was " + wanted);
    }
  }

  /** The probe, done once, and the vector kernel's warm-up. */
  final class Kernels {
    private static final Logger log = LoggerFactory.getLogger(Kernel.class);
    private static final String MODULE = "jdk.incubator.vector";
    private static volatile String why = "";
    private static volatile java.util.@Nullable Optional<Kernel> vector;
    private static volatile boolean warm;

    private Kernels() {}

    /**
     * The vector kernel when this JVM has the module; the first call starts its JIT warm-up on a
     * background thread (see {@link #warm()}).
     */
    static java.util.Optional<Kernel> vector() {
      java.util.Optional<Kernel> v = vector;
      if (v == null) {
        synchronized (Kernels.class) {
          v = vector;
          if (v == null) {
            v = probe();
            vector = v;
            v.ifPresent(Kernels::startWarmUp);
          }
        }
      }
      return v;
    }

    /** Whether the vector kernel's warm-up has finished (fits use the scalar kernel until then). */
    static boolean warm() {
      return warm;
    }

    static String whyNoVector() {
      vector();
      return why;
    }

    private static void startWarmUp(Kernel k) {
      Thread t = new Thread(() -> {
        try {
          ((VectorKernel) k).warmUp();
        } catch (RuntimeException | LinkageError e) {
          log.warn("The vector kernel's warm-up failed; fits go on with it regardless", e);
        } finally {
          warm = true;
        }
      }, "agp-lightgcn-warmup");
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY);
      t.start();
    }

    private static java.util.Optional<Kernel> probe() {
      if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
        why = "the JVM was started without --add-modules " + MODULE;
        return java.util.Optional.empty();
      }
      try {
        Kernel k = (Kernel) Class.forName("dev.agp.eval.recommender.VectorKernel").getDeclaredConstructor().newInstance();
        return java.util.Optional.of(k);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        why = "the vector kernel could not be loaded: " + e;
        log.warn("LightGCN falls back to the scalar kernel: {}", why);
        return java.util.Optional.empty();
      }
    }
  }
}
