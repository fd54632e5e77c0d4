package dev.agp.eval.recommender;

import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.data.Datasets;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The propagation kernel's peak on a real graph: LightGCN's layers alone (users from items, then
 * items from users), warm, on the graph of a MovieLens folder, in GFLOP/s of wall time and per
 * CPU-second (the latter holds on a shared machine). The floor of a LightGCN epoch is its
 * propagation work at this rate (BENCHMARKS.md, section 8).
 *
 * <p>Not a unit test (its name does not end in Test). Run it with
 *
 * <pre>
 * mvn -B -ntp -pl agp-eval -am test -Djacoco.skip=true -Dtest=PropagationPeakBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dagp.peak.data=DIR [-Dagp.peak.threads=2] [-Dagp.lightgcn.kernel=scalar]
 * </pre>
 *
 * where DIR holds ratings.csv and movies.csv, for example {@code agp-benchmarks/target/scale-bench}
 * after section 4's benchmark has generated it.
 */
class PropagationPeakBenchmark {

  private static final int D = LightGcn.DEFAULT_DIMENSION;

  @Test
  void propagation_peak() {
    String data = System.getProperty("agp.peak.data");
    if (data == null) {
      System.out.println("PropagationPeakBenchmark: set -Dagp.peak.data=DIR to run it");
      return;
    }
    int threads = Integer.getInteger("agp.peak.threads", Runtime.getRuntime().availableProcessors());
    TrainingSet t = TrainingSet.of(LeaveOneOut.split(Datasets.movieLens(Path.of(data)).interactions()));
    Kernel kernel = Kernel.select();
    int nu = t.users.length;
    int ni = t.items.length;
    int edges = Math.toIntExact(t.edges());
    LightGcnTrainer graph = new LightGcnTrainer(LightGcn.builder().dimension(D).build(), t); // the trainer's adjacency
    int[] uPtr = graph.uPtr;
    int[] uCol = graph.uCol;
    float[] uW = graph.uW;
    int[] iPtr = graph.iPtr;
    int[] iCol = graph.iCol;
    float[] iW = graph.iW;
    SplittableRandom r = new SplittableRandom(1);
    float[] users = new float[nu * D];
    float[] items = new float[ni * D];
    for (int k = 0; k < users.length; k++) {
      users[k] = (float) r.nextGaussian();
    }
    for (int k = 0; k < items.length; k++) {
      items[k] = (float) r.nextGaussian();
    }
    float[] nextU = new float[nu * D];
    float[] nextI = new float[ni * D];
    float[] outU = new float[nu * D];
    float[] outI = new float[ni * D];
    double flopsPerLayer = 2.0 * 2 * edges * D;
    System.out.printf(Locale.ROOT, "%s; %d users, %d items, %d edges, d=%d, %d threads%n", kernel.name(), nu, ni, edges,
        D, threads);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Parallel par = new Parallel(threads, "peak")) {
      for (int round = 0; round < 8; round++) {
        long t0 = System.nanoTime();
        long c0 = os.getProcessCpuTime();
        int layers = 0;
        while (System.nanoTime() - t0 < 2_000_000_000L) {
          par.forRows(nu, (from, to) -> kernel.layer(uPtr, uCol, uW, items, D, from, to, nextU, users, outU, 1f));
          par.forRows(ni, (from, to) -> kernel.layer(iPtr, iCol, iW, users, D, from, to, nextI, items, outI, 1f));
          layers++;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - c0) / 1e9;
        System.out.printf(Locale.ROOT, "round %d%s: %.1f GFLOP/s wall, %.1f GFLOP/s per CPU-second%n", round + 1,
            round < 3 ? " (warm-up)" : "", layers * flopsPerLayer / wall / 1e9, layers * flopsPerLayer / cpu / 1e9);
      }
    }
  }
}
