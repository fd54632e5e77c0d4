package dev.agp.benchmarks;


import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.RankingMetrics;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.LightGcn;
import dev.agp.eval.recommender.LightGcnModel;
import dev.agp.examples.SampleData;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LightGCN on the bundled MovieLens sample (or {@code -Dagp.data=DIR}): Recall@10 and NDCG@10
 * over all items on the leave-one-out test, the share of users whose held-out item is in the top
 * 10, the Base NDCG@10 on those eligible users, and the training time. Settings through {@code
 * -Dagp.dim -Dagp.layers -Dagp.lr -Dagp.epochs -Dagp.batch -Dagp.l2 -Dagp.threads -Dagp.seed}:
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.LightGcnBenchmark
 * </pre>
 */
public final class LightGcnBenchmark {


  /** Runs the measurement with the {@code agp.*} system properties, printing the figures. */
  public static void main(String[] args) {
    run();
  }

  static int run() {
    String given = System.getProperty("agp.data");
    Path dir = given != null ? Path.of(given) : SampleData.movieLens();
    Dataset data = Datasets.movieLens(dir);
    LooSplit split = LeaveOneOut.split(data.interactions());
    LightGcn.Builder b = LightGcn.builder()
        .dimension(Integer.getInteger("agp.dim", LightGcn.DEFAULT_DIMENSION))
        .layers(Integer.getInteger("agp.layers", LightGcn.DEFAULT_LAYERS))
        .learningRate(Double.parseDouble(System.getProperty("agp.lr", String.valueOf(LightGcn.DEFAULT_LEARNING_RATE))))
        .epochs(Integer.getInteger("agp.epochs", LightGcn.DEFAULT_EPOCHS))
        .batchSize(Integer.getInteger("agp.batch", LightGcn.DEFAULT_BATCH_SIZE))
        .l2(Double.parseDouble(System.getProperty("agp.l2", String.valueOf(LightGcn.DEFAULT_L2))))
        .threads(Integer.getInteger("agp.threads", Runtime.getRuntime().availableProcessors()))
        .seed(Long.getLong("agp.seed", LightGcn.DEFAULT_SEED))
        .listener(e -> System.out.printf(Locale.ROOT, "epoch %3d loss %.4f val NDCG@10 %s  %5.1fs%n",
            e.epoch(), e.loss(), e.validationNdcg().isPresent() ? String.format(Locale.ROOT, "%.4f", e.validationNdcg().getAsDouble()) : "-",
            e.elapsed().toMillis() / 1000.0));
    LightGcnModel model = b.build().fit(split);

    // test: top 10 over all unconsumed items
    double ndcg = 0;
    double hits = 0;
    int users = 0;
    for (LooSplit.UserSplit u : split.evaluableUsers()) {
      List<String> history = u.historyBeforeTest().stream().map(Interaction::itemId).toList();
      List<String> top = model.recommend(u.userId(), history, 10);
      Map<String, Integer> rel = Map.of(u.test().get().itemId(), 1);
      ndcg += RankingMetrics.ndcg(top, rel, 10);
      hits += RankingMetrics.recall(top, rel, 10);
      users++;
    }
    CandidateSets sets = CandidateProtocol.builder().trainUsers(0).validationUsers(0).testUsers(1)
        .allowFewerTestUsers(true).build().apply(data.items(), split, model);
    LightGcn.TrainingLog log = model.trainingLog();
    System.out.printf(Locale.ROOT,
        "%nLightGCN on %s: %d users, %d items, %d edges; %s%n"
            + "best epoch %d of %d, training %.1f s on %d threads (propagation %.1f s, validation %.1f s); kernel: %s%n"
            + "test (all items, %d users): Recall@10 %.4f  NDCG@10 %.4f  held-out in top-10: %.2f%% (%d users)%n"
            + "Base NDCG@10 on the %d eligible users: %.4f%n",
        dir, log.users(), log.items(), log.edges(), model.name(), log.bestEpoch(), log.epochs().size(),
        log.trainingTime().toMillis() / 1000.0, log.threads(),
        log.epochs().stream().mapToLong(e -> e.propagationTime().toMillis()).sum() / 1000.0,
        log.epochs().stream().mapToLong(e -> e.validationTime().toMillis()).sum() / 1000.0, log.kernel(),
        users, hits / users, ndcg / users,
        100.0 * sets.report().hitRate(), sets.report().hits(), sets.report().hits(), sets.report().baseNdcgOnHits());
    return users;
  }
}
