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
import java.io.BufferedReader;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Data-scale benchmark on a generated MovieLens-format dataset of 1,000,000 interactions by
 * 100,000 users on 20,000 items.
 *
 * <ol>
 *   <li><b>The data pipeline against its floor</b>: loading ({@code Datasets.movieLens}) and the
 *       leave-one-out split, against the <em>plain-Java floor</em> measured in the same run: the
 *       same two files read line by line with {@code BufferedReader}, each rating line cut at its
 *       commas ({@code indexOf}, {@code substring}, {@code Double.parseDouble}, {@code
 *       Long.parseLong}), grouped by user in a {@code LinkedHashMap} of lists, each list sorted by
 *       time (no validation, no duplicate handling, no report). Cold: each in a fresh JVM (class
 *       loading and JIT included), interleaved; warm: alternating in this JVM after two rounds of
 *       each. Medians, with the peak heap.
 *   <li><b>The whole data step</b>: load, split and candidates (popularity base, the paper's
 *       100/20/300 users), per iteration, with the peak heap.
 *   <li><b>LightGCN</b> on the same split (d = 64, 3 layers, batch 8192): three epochs, validation
 *       after the third; the first epoch (cold) and the second (warm) timed, with the time in
 *       propagation and its GFLOP/s (2 x layers x 2 directions x edges x d multiply-adds per
 *       propagation, one forward and one backward per batch), and the validation pass (NDCG@10
 *       of every user's validation item over all items). The floor of an epoch is its propagation
 *       work at the propagation kernel's measured rate.
 * </ol>
 *
 * <pre>
 * java -Xmx1536m --add-modules jdk.incubator.vector -cp agp-benchmarks/target/benchmarks.jar \
 *     dev.agp.benchmarks.DataScaleBenchmark [data dir (target/scale-bench)] [runs (3)] [popularity|transitions]
 * </pre>
 *
 * The data (about 25 MB) is generated once into the data folder with a fixed seed: users have 3
 * to 17 interactions (mean 10), items (20,000) are drawn from a Zipf-like law, timestamps grow per
 * user. The peak heap is the sum of the heap pools' peak usage since the measurement started
 * (after a GC), so it includes garbage not yet collected; {@code -Xmx1536m} shows the pipeline
 * fits in 1.5 GB. The machine's 1-minute load average is printed with every measurement.
 */
public final class DataScaleBenchmark {

  static final int USERS = 100_000;
  static final int INTERACTIONS = 1_000_000;
  static final int ITEMS = 20_000;
  private static final String CHILD = "--once";

  /** Runs the benchmark; args: [data dir] [runs] [popularity|transitions], or {@value #CHILD} floor|pipeline dir. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length > 0 && args[0].equals(CHILD)) {
      Path dir = Path.of(args[2]);
      Measured m = measure(args[1].equals("floor") ? () -> floor(dir) : () -> pipeline(dir));
      System.out.printf(Locale.ROOT, "RESULT %d %d %d%n", m.wallMs(), m.cpuMs(), m.peakHeapMb());
      return;
    }
    run(Path.of(args.length > 0 ? args[0] : "target/scale-bench"), args.length > 1 ? Integer.parseInt(args[1]) : 3,
        args.length > 2 ? args[2] : "popularity");
  }

  record Result(
      long loadMs, long splitMs, long candidatesMs, long totalMs, long cpuMs, long peakHeapMb, int interactions, int eligible) {}

  /** One timed piece of work: wall and process CPU time, peak heap. */
  record Measured(long wallMs, long cpuMs, long peakHeapMb) {}

  /** CPU time of the whole process (all threads: ours, JIT, GC), to tell work from waiting on a shared machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static Measured measure(java.util.function.IntSupplier work) {
    System.gc();
    resetPeaks();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    int sink = work.getAsInt();
    long wall = System.nanoTime() - t0;
    long cpu = processCpuNanos() - cpu0;
    if (sink < 0) {
      throw new IllegalStateException();
    }
    return new Measured(wall / 1_000_000, cpu / 1_000_000, peakHeap() >> 20);
  }

  /** Loading and the leave-one-out split, as the SDK does them. */
  static int pipeline(Path dir) {
    Dataset d = Datasets.movieLens(dir);
    return LeaveOneOut.split(d.interactions()).report().trainInteractions();
  }

  /** One rating as the floor keeps it. */
  private record Rating(String item, double rating, long time) {}

  /**
   * The plain-Java floor: both files read and cut at their commas, ratings grouped by user and
   * sorted by time, nothing checked, counted or reported.
   */
  static int floor(Path dir) {
    try {
      Map<String, String> titles = new HashMap<>();
      try (BufferedReader r = Files.newBufferedReader(dir.resolve("movies.csv"))) {
        r.readLine();
        for (String line; (line = r.readLine()) != null; ) {
          titles.put(line.substring(0, line.indexOf(',')), line.substring(line.indexOf(',') + 1, line.lastIndexOf(',')));
        }
      }
      Map<String, List<Rating>> byUser = new LinkedHashMap<>();
      try (BufferedReader r = Files.newBufferedReader(dir.resolve("ratings.csv"))) {
        r.readLine();
        for (String line; (line = r.readLine()) != null; ) {
          int a = line.indexOf(',');
          int b = line.indexOf(',', a + 1);
          int c = line.indexOf(',', b + 1);
          byUser.computeIfAbsent(line.substring(0, a), k -> new ArrayList<>()).add(new Rating(
              line.substring(a + 1, b), Double.parseDouble(line.substring(b + 1, c)), Long.parseLong(line.substring(c + 1))));
        }
      }
      int train = 0;
      for (List<Rating> l : byUser.values()) {
        l.sort(Comparator.comparingLong(Rating::time));
        train += l.size() >= 3 ? l.size() - 2 : l.size();
      }
      return train + titles.size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code floor} or {@code pipeline} as the first work of a fresh JVM. */
  private static Measured cold(String what, Path dir) throws IOException, InterruptedException {
    String[] f = FreshJvm.result(DataScaleBenchmark.class, List.of("-Xmx1536m"), CHILD, what, dir.toString());
    return new Measured(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
  }

  static List<Result> run(Path dir, int runs, String base) throws IOException, InterruptedException {
    generate(dir);
    System.out.printf(Locale.ROOT, "max heap %d MB, %d processors, base %s%n", Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors(), base);
    System.out.printf(Locale.ROOT, "%n## Load + leave-one-out split against the plain-Java floor (medians of %d)%n%n", runs);
    System.out.println("| | floor wall (ms) | SDK wall (ms) | wall ratio | floor CPU (ms) | SDK CPU (ms) | CPU ratio"
        + " | floor peak heap (MB) | SDK peak heap (MB) | load (1 min) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    List<Measured> coldFloor = new ArrayList<>();
    List<Measured> coldSdk = new ArrayList<>();
    List<Double> coldLoads = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      coldLoads.add(FreshJvm.load());
      if (r % 2 == 0) {
        coldFloor.add(cold("floor", dir));
        coldSdk.add(cold("pipeline", dir));
      } else {
        coldSdk.add(cold("pipeline", dir));
        coldFloor.add(cold("floor", dir));
      }
    }
    row("cold (fresh JVM)", coldFloor, coldSdk, coldLoads);
    List<Measured> warmFloor = new ArrayList<>();
    List<Measured> warmSdk = new ArrayList<>();
    List<Double> warmLoads = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      measure(() -> floor(dir));
      measure(() -> pipeline(dir));
    }
    for (int r = 0; r < runs; r++) {
      warmLoads.add(FreshJvm.load());
      if (r % 2 == 0) {
        warmFloor.add(measure(() -> floor(dir)));
        warmSdk.add(measure(() -> pipeline(dir)));
      } else {
        warmSdk.add(measure(() -> pipeline(dir)));
        warmFloor.add(measure(() -> floor(dir)));
      }
    }
    row("warm (this JVM)", warmFloor, warmSdk, warmLoads);

    System.out.printf(Locale.ROOT, "%n## Load, split and candidates%n%n");
    List<Result> out = new ArrayList<>();
    for (int it = 1; it <= runs; it++) {
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
          "iteration %d (this JVM): load %d ms, split %d ms, candidates %d ms, total %d ms (process CPU %d ms); peak heap %d MB;"
              + " %d interactions, %d split users, %d eligible (%s), %d/%d/%d selected; load %.1f%n",
          it, r.loadMs, r.splitMs, r.candidatesMs, r.totalMs, r.cpuMs, r.peakHeapMb, r.interactions,
          split.report().splitUsers(), r.eligible, sets.report().base(), sets.train().size(), sets.validation().size(),
          sets.test().size(), FreshJvm.load());
    }
    lightGcnEpoch(dir);
    return out;
  }

  private static void row(String what, List<Measured> floor, List<Measured> sdk, List<Double> loads) {
    double fw = median(floor, Measured::wallMs);
    double sw = median(sdk, Measured::wallMs);
    double fc = median(floor, Measured::cpuMs);
    double sc = median(sdk, Measured::cpuMs);
    System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | **%.2f** | %.0f | %.0f | %.2f | %.0f | %.0f | %.1f |%n", what, fw, sw,
        sw / fw, fc, sc, sc / fc, median(floor, Measured::peakHeapMb), median(sdk, Measured::peakHeapMb),
        FreshJvm.median(loads));
  }

  private static double median(List<Measured> xs, java.util.function.ToLongFunction<Measured> f) {
    return FreshJvm.median(xs.stream().map(m -> (double) f.applyAsLong(m)).toList());
  }

  /**
   * LightGCN on the same data: three epochs, validation after the third; epoch 1 (cold) and 2
   * (warm) timed with their propagation share, and the validation pass.
   */
  static void lightGcnEpoch(Path dir) {
    Dataset d = Datasets.movieLens(dir);
    LooSplit split = LeaveOneOut.split(d.interactions());
    System.gc();
    resetPeaks();
    List<LightGcn.EpochStats> epochs = new ArrayList<>();
    List<Long> cpuAtEpochEnd = new ArrayList<>();
    long cpuStart = processCpuNanos();
    LightGcnModel model = Recommenders.lightGcn().epochs(3).evalEvery(3)
        .threads(Runtime.getRuntime().availableProcessors()).listener(e -> {
          epochs.add(e);
          cpuAtEpochEnd.add(processCpuNanos());
        }).build().fit(split);
    LightGcn.TrainingLog log = model.trainingLog();
    int d64 = LightGcn.DEFAULT_DIMENSION;
    long batches = (log.edges() + LightGcn.DEFAULT_BATCH_SIZE - 1) / LightGcn.DEFAULT_BATCH_SIZE;
    // per propagation: layers x (user rows + item rows) edges x d multiply-adds; forward and back per batch
    double flops = 2.0 * LightGcn.DEFAULT_LAYERS * 2 * log.edges() * d64 * 2 * batches;
    System.out.printf(Locale.ROOT, "%n## LightGCN: %d users, %d items, %d edges (d=%d, %d layers, batch %d, %d batches)"
            + " on %d threads; kernel: %s%n%n", log.users(), log.items(), log.edges(), d64, LightGcn.DEFAULT_LAYERS,
        LightGcn.DEFAULT_BATCH_SIZE, batches, log.threads(), log.kernel());
    System.out.printf(Locale.ROOT, "propagation work per epoch: %.1f GFLOP%n", flops / 1e9);
    for (int e = 0; e < 2; e++) {
      LightGcn.EpochStats s = epochs.get(e);
      double epochS = s.trainingTime().toNanos() / 1e9;
      double propS = s.propagationTime().toNanos() / 1e9;
      double cpuS = (cpuAtEpochEnd.get(e) - (e == 0 ? cpuStart : cpuAtEpochEnd.get(e - 1))) / 1e9;
      System.out.printf(Locale.ROOT, "epoch %d (%s): %.2f s (process CPU %.1f s), of which propagation %.2f s = %.1f GFLOP/s;"
              + " epoch / propagation floor %.2f; load %.1f%n", e + 1, e == 0 ? "cold" : "warm", epochS, cpuS, propS,
          flops / propS / 1e9, epochS / propS, FreshJvm.load());
    }
    System.out.printf(Locale.ROOT, "validation pass (%d users over all %d items): %.2f s; peak heap %d MB%n",
        log.validationUsers(), log.items(), epochs.get(2).validationTime().toNanos() / 1e9, peakHeap() >> 20);
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
