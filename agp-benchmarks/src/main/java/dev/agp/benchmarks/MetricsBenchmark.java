package dev.agp.benchmarks;

import dev.agp.eval.RankingMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The cost of scoring one ranking: NDCG@10, MRR, precision@10 and recall@10. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

  @Param({"10", "100"})
  public int listSize;

  private List<String> ranking;
  private Map<String, Integer> oneRelevant;
  private Map<String, Integer> graded;

  @Setup
  public void setUp() {
    ranking = new ArrayList<>();
    for (int i = 0; i < listSize; i++) {
      ranking.add("item-" + i);
    }
    oneRelevant = Map.of("item-" + (listSize / 3), 1);
    graded = new HashMap<>();
    graded.put("item-1", 3);
    graded.put("item-" + (listSize / 2), 1);
    graded.put("not-ranked", 2);
  }

  @Benchmark
  public double ndcgOneRelevant() {
    return RankingMetrics.ndcg(ranking, oneRelevant, 10);
  }

  @Benchmark
  public double ndcgGraded() {
    return RankingMetrics.ndcg(ranking, graded, 10);
  }

  @Benchmark
  public double mrr() {
    return RankingMetrics.mrr(ranking, oneRelevant);
  }

  @Benchmark
  public double precisionAndRecall() {
    return RankingMetrics.precision(ranking, graded, 10) + RankingMetrics.recall(ranking, graded, 10);
  }
}
