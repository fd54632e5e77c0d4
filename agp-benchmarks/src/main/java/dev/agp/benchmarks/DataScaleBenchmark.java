package dev.agp.benchmarks;


import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.BaseRecommender;
import dev.agp.eval.recommender.LightGcn;
import dev.agp.eval.recommender.LightGcnModel;
import dev.agp.eval.recommender.Recommenders;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Data-scale benchmark: loading a generated MovieLens-format dataset of 1,000,000 interactions by
 * 100,000 users, the leave-one-out split and candidate building (popularity base, the paper's
 * 100/20/300 users), timed end to end with the peak heap; then one LightGCN epoch on the same
 * split. Targets: at most 3 s and 1.5 GB for loading + split + candidates.
 *
 * <pre>
 * java -Xmx1536m -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.DataScaleBenchmark \
 *     [data dir (target/scale-bench)] [iterations (3)] [popularity|transitions]
 * </pre>
 *
 * The data (about 25 MB) is generated once into the data folder with a fixed seed: users have 3
 * to 17 interactions (mean 10), items (20,000) are drawn from a Zipf-like law, timestamps grow per
 * user. Each iteration runs the whole pipeline from the files; the first one includes JIT warm-up.
 * The peak is the sum of the heap pools' peak usage since the iteration started (after a GC), so it
 * includes garbage not yet collected; running under {@code -Xmx1536m} shows the pipeline fits in
 * 1.5 GB.
 */
public final class DataScaleBenchmark {

  static final int USERS = 100_000;
  static final int INTERACTIONS = 1_000_000;
  static final int ITEMS = 20_000;


  /** Runs the benchmark; args: [data dir] [iterations] [popularity|transitions]. */
  public static void main(String[] args) {
    run(Path.of(args.length > 0 ? args[0] : "target/scale-bench"), args.length > 1 ? Integer.parseInt(args[1]) : 3,
        args.length > 2 ? args[2] : "popularity");
  }

  record Result(
      long loadMs, long splitMs, long candidatesMs, long totalMs, long cpuMs, long peakHeapMb, int interactions, int eligible) {}

  /** CPU time of the whole process (all threads: ours, JIT, GC), to tell work from waiting on a shared machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static List<Result> run(Path dir, int iterations, String base) {
    generate(dir);
    System.out.printf(Locale.ROOT, "max heap %d MB, %d processors, base %s%n",
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), base);
    List<Result> out = new ArrayList<>();
    for (int it = 1; it <= iterations; it++) {
      System.gc();
      resetPeaks();
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      Dataset d = Datasets.movieLens(dir);
      long t1 = System.nanoTime();
      LooSplit split = LeaveOneOut.split(d.interactions());
      long t2 = System.nanoTime();
      BaseRecommender rec = base.equals("transitions") ? Recommenders.transitions(split) : Recommenders.popularity(split);
      CandidateSets sets = CandidateProtocol.builder().build().apply(d.items(), split, rec);
      long t3 = System.nanoTime();
      long cpu = (processCpuNanos() - cpu0) / 1_000_000;
      long peak = peakHeap();
      Result r = new Result((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t3 - t0) / 1_000_000,
          cpu, peak >> 20, d.interactions().size(), sets.report().eligibleUsers());
      out.add(r);
      System.out.printf(Locale.ROOT,
          "iteration %d: load %d ms, split %d ms, candidates %d ms, total %d ms (process CPU %d ms); peak heap %d MB;"
              + " %d interactions, %d split users, %d eligible (%s), %d/%d/%d selected%n",
          it, r.loadMs, r.splitMs, r.candidatesMs, r.totalMs, r.cpuMs, r.peakHeapMb, r.interactions,
          split.report().splitUsers(), r.eligible, sets.report().base(), sets.train().size(), sets.validation().size(),
          sets.test().size());
    }
    lightGcnEpoch(dir);
    return out;
  }

  /**
   * One LightGCN training epoch on the same data, then the validation pass (NDCG@10 of every
   * user's validation item over all items), timed apart: two epochs with validation only after the
   * second, the first epoch's time read from the listener.
   */
  static void lightGcnEpoch(Path dir) {
    Dataset d = Datasets.movieLens(dir);
    LooSplit split = LeaveOneOut.split(d.interactions());
    System.gc();
    resetPeaks();
    long[] firstEpochNanos = {0};
    long t0 = System.nanoTime();
    LightGcnModel model = Recommenders.lightGcn().epochs(2).evalEvery(2)
        .threads(Runtime.getRuntime().availableProcessors())
        .listener(e -> {
          if (e.epoch() == 1) {
            firstEpochNanos[0] = e.elapsed().toNanos();
          }
        })
        .build().fit(split);
    long total = System.nanoTime() - t0;
    long epoch = firstEpochNanos[0];
    LightGcn.TrainingLog log = model.trainingLog();
    System.out.printf(Locale.ROOT,
        "LightGCN on %d users, %d items, %d edges (d=%d, %d layers, batch %d) on %d threads: one training epoch %d ms;"
            + " validation pass over all items %d ms; peak heap %d MB%n",
        log.users(), log.items(), log.edges(), LightGcn.DEFAULT_DIMENSION, LightGcn.DEFAULT_LAYERS,
        LightGcn.DEFAULT_BATCH_SIZE, log.threads(), epoch / 1_000_000, Math.max(0, total - 2 * epoch) / 1_000_000,
        peakHeap() >> 20);
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Writes ratings.csv and movies.csv (MovieLens format) unless they are already there. */
  static void generate(Path dir) {
    Path ratings = dir.resolve("ratings.csv");
    Path movies = dir.resolve("movies.csv");
    if (Files.exists(ratings) && Files.exists(movies)) {
      return;
    }
    SplittableRandom r = new SplittableRandom(20250101L);
    // Zipf-like item popularity: cumulative weights 1/(rank+10)^0.9
    double[] cdf = new double[ITEMS];
    double acc = 0;
    for (int i = 0; i < ITEMS; i++) {
      acc += 1 / Math.pow(i + 10, 0.9);
      cdf[i] = acc;
    }
    try {
      Files.createDirectories(dir);
      try (BufferedWriter w = Files.newBufferedWriter(movies, StandardCharsets.UTF_8)) {
        w.write("movieId,title,genres\n");
        String[] genres = {"Action", "Comedy", "Drama", "Horror", "Sci-Fi", "Romance", "Thriller", "Animation"};
        for (int i = 0; i < ITEMS; i++) {
          int year = 1950 + r.nextInt(75);
          String title = i % 7 == 0 ? "\"Movie " + i + ", The (" + year + ")\"" : "Movie " + i + " (" + year + ")";
          w.write((i + 1) + "," + title + "," + genres[r.nextInt(genres.length)] + "|" + genres[r.nextInt(genres.length)] + "\n");
        }
      }
      try (BufferedWriter w = Files.newBufferedWriter(ratings, StandardCharsets.UTF_8)) {
        w.write("userId,movieId,rating,timestamp\n");
        int written = 0;
        for (int u = 1; u <= USERS; u++) {
          int n = u == USERS ? INTERACTIONS - written : 3 + r.nextInt(15);
          n = Math.max(1, Math.min(n, INTERACTIONS - written - (USERS - u)));
          long t = 1_000_000_000L + r.nextInt(100_000_000);
          for (int k = 0; k < n; k++) {
            double x = r.nextDouble() * acc;
            int lo = 0;
            int hi = ITEMS - 1;
            while (lo < hi) {
              int mid = (lo + hi) >>> 1;
              if (cdf[mid] < x) {
                lo = mid + 1;
              } else {
                hi = mid;
              }
            }
            t += 1 + r.nextInt(86_400);
            w.write(u + "," + (lo + 1) + "," + (1 + r.nextInt(10)) / 2.0 + "," + t + "\n");
          }
          written += n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
