package dev.agp.eval.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The closing-note measurement of LightGCN on the MovieLens sample: Recall@10 and NDCG@10 over
 * all items on the leave-one-out test, the share of users whose held-out item is in the top 10,
 * the Base NDCG@10 on the eligible users, and the training time. Opt-in, not part of the suite:
 *
 * <pre>
 * mvn -B -ntp -pl agp-eval -am test -Djacoco.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=MovieLensLightGcnMeasurement -Dagp.bench=true \
 *     [-Dagp.data=/path/to/ml-latest-small] [-Dagp.dim=64 -Dagp.layers=3 -Dagp.lr=0.005 -Dagp.epochs=200
 *      -Dagp.batch=2048 -Dagp.l2=1e-4 -Dagp.threads=2 -Dagp.seed=42]
 * </pre>
 *
 * or, from compiled classes, {@code java -cp ... dev.agp.eval.bench.MovieLensLightGcnMeasurement}.
 */
public class MovieLensLightGcnMeasurement {

  @Test
  @EnabledIfSystemProperty(named = "agp.bench", matches = "true")
  void lightGcn_movieLensSample_reportsQualityAndTime() {
    assertThat(run()).isPositive();
  }

  /** Runs the measurement with the {@code agp.*} system properties, printing the figures. */
  public static void main(String[] args) {
    run();
  }

  static int run() {
    Path dir = Path.of(System.getProperty("agp.data", "../../shared/data/ml-latest-small"));
    if (!Files.isDirectory(dir)) {
      dir = Path.of("/work/shared/data/ml-latest-small");
    }
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
            + "best epoch %d of %d, training %.1f s on %d threads%n"
            + "test (all items, %d users): Recall@10 %.4f  NDCG@10 %.4f  held-out in top-10: %.2f%% (%d users)%n"
            + "Base NDCG@10 on the %d eligible users: %.4f%n",
        dir, log.users(), log.items(), log.edges(), model.name(), log.bestEpoch(), log.epochs().size(),
        log.trainingTime().toMillis() / 1000.0, log.threads(), users, hits / users, ndcg / users,
        100.0 * sets.report().hitRate(), sets.report().hits(), sets.report().hits(), sets.report().baseNdcgOnHits());
    return users;
  }
}
