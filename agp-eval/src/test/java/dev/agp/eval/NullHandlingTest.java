package dev.agp.eval;

import com.google.common.testing.NullPointerTester;
import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.eval.data.CandidateLists;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.data.LoadOptions;
import dev.agp.eval.recommender.LightGcn;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.eval.recommender.Transitions;
import dev.agp.eval.report.ExperimentReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every public entry point rejects null arguments with a NullPointerException. */
class NullHandlingTest {

  private static NullPointerTester tester() {
    LooSplit split = LeaveOneOut.split(List.of());
    return new NullPointerTester()
        .setDefault(String.class, "name")
        .setDefault(Path.class, Path.of("does-not-exist"))
        .setDefault(CandidateSets.Report.class,
            new CandidateSets.Report("base", CandidateMode.BASE_TOP_K, 10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        .setDefault(LooSplit.class, split)
        .setDefault(LooSplit.Report.class, split.report())
        .setDefault(LoadOptions.class, LoadOptions.defaults())
        .setDefault(Method.class, Method.base())
        .setDefault(ExperimentResult.class, new ExperimentResult(List.of(),
            new ExperimentResult.Settings(10, 1, 1, 100, 0.95, 0, 0, 0, "none", "none"), Optional.empty(),
            java.time.Instant.EPOCH, java.time.Duration.ZERO))
        .setDefault(UserCase.class, UserCase.forServing("u", List.of(), List.of(Item.of("a", "A"))))
        .setDefault(MethodContext.class, new MethodContext(List.of(), List.of(), Optional.empty(), 1, 1));
  }

  @Test
  void staticEntryPoints_rejectNull() {
    NullPointerTester t = tester();
    t.testAllPublicStaticMethods(RankingMetrics.class);
    t.testAllPublicStaticMethods(LeaveOneOut.class);
    t.testAllPublicStaticMethods(Datasets.class);
    t.testAllPublicStaticMethods(CandidateLists.class);
    t.testAllPublicStaticMethods(Recommenders.class);
    t.testAllPublicStaticMethods(Method.class);
    t.testAllPublicStaticMethods(Ablations.class);
    t.testAllPublicStaticMethods(ExperimentReport.class);
    t.testAllPublicStaticMethods(CostModel.class);
  }

  @Test
  void builders_rejectNull() {
    NullPointerTester t = tester();
    t.testAllPublicInstanceMethods(LeaveOneOut.builder());
    t.testAllPublicInstanceMethods(CandidateProtocol.builder());
    t.testAllPublicInstanceMethods(Experiment.builder());
    t.testAllPublicInstanceMethods(LightGcn.builder());
    t.testAllPublicInstanceMethods(Transitions.builder());
    t.testAllPublicInstanceMethods(LoadOptions.defaults());
    t.testAllPublicInstanceMethods(Method.direct());
  }

  @Test
  void records_rejectNull() {
    NullPointerTester t = tester();
    t.testAllPublicConstructors(Interaction.class);
    t.testAllPublicConstructors(LooSplit.class);
    t.testAllPublicConstructors(MethodContext.class);
    t.testAllPublicConstructors(PreparedMethod.class);
    t.testAllPublicConstructors(CandidateSets.class);
    t.testAllPublicInstanceMethods(CandidateProtocol.builder().build());
    t.testAllPublicInstanceMethods(Recommenders.popularity(
        LeaveOneOut.split(List.of(new Interaction("u", "i", 1, java.time.Instant.EPOCH)))));
    t.testAllPublicInstanceMethods(LeaveOneOut.builder().build());
    new NullPointerTester().testAllPublicConstructors(RankingMetrics.UserMetrics.class);
  }
}
