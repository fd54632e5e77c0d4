package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.benchmarks.LatencyServer;
import dev.agp.rpp.RppModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankJobTest {

  private static final List<UserCase> USERS = Worlds.users(60);

  @TempDir static Path dir;
  private static LatencyServer server;
  private static Worlds.Counting answered;
  private static Path agpFile;
  private static AgpModel agp;

  @BeforeAll
  static void start() throws Exception {
    answered = new Worlds.Counting(Worlds.answers());
    server = LatencyServer.start(answered, LatencyServer.Latency.fixed(Duration.ofMillis(2)), 0, 1);
    agpFile = dir.resolve("agp-model.json");
    agp = Worlds.agp(agpFile);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static SparkSession spark() {
    return SparkTesting.session();
  }

  private static SparkLlmConfig.Builder llm() {
    return SparkLlmConfig.compatible(server.baseUrl(), "world-model").concurrency(4).maxAttempts(2);
  }

  private static RerankJob job(String model, SparkLlmConfig llm, int partitions) {
    return RerankJob.builder().model(model).llm(llm).partitions(partitions).build();
  }

  /** user -> (ranking, fallback, repair), the columns that must not depend on how the job ran. */
  private static Map<String, List<Object>> results(Dataset<Row> rankings) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (Row r : rankings.collectAsList()) {
      Row repair = r.getAs("repair");
      out.put(r.getAs("user"), List.of(r.getList(r.fieldIndex("ranking")), r.getAs("fallback"), repair.toString()));
    }
    return out;
  }

  private static Map<String, List<Object>> inProcess(CaseReranker model, List<UserCase> users) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (UserCase u : users) {
      Ranking r = model.rerank(u);
      var s = r.repair();
      out.put(u.userId(), List.of(r.itemIds(), r.fallback(),
          RowFactory.create(s.method().name(), s.recognised(), s.duplicates(), s.unknown(), s.appended()).toString()));
    }
    return out;
  }

  @Test
  void rerank_agpModelThroughTheLoopbackServer_matchesTheModelInProcess() {
    int before = answered.total();

    Dataset<Row> rankings = job(agpFile.toString(), llm().build(), 3).rerank(Worlds.table(spark(), USERS));
    Map<String, List<Object>> got = results(rankings);
    RerankJob.Summary summary = RerankJob.summary(rankings);

    assertThat(got).isEqualTo(inProcess(agp.withLlm(Worlds.answers()), USERS));
    assertThat(got.values()).allSatisfy(v -> assertThat(v.get(1)).isEqualTo(false));
    assertThat(summary.rows()).isEqualTo(USERS.size());
    assertThat(summary.calls()).isEqualTo(2L * USERS.size());
    assertThat(summary.fallbacks()).isZero();
    assertThat(summary.invalid()).isZero();
    assertThat(answered.total() - before).isGreaterThanOrEqualTo(2 * USERS.size());
  }

  @Test
  void rerank_anyInputPartitioningOrJobPartitions_sameRankings() {
    Dataset<Row> cases = Worlds.table(spark(), USERS);
    SparkLlmConfig config = llm().build();

    Map<String, List<Object>> one = results(job(agpFile.toString(), config, 1).rerank(cases.repartition(1)));
    Map<String, List<Object>> five = results(job(agpFile.toString(), config, 5).rerank(cases.repartition(7)));
    Map<String, List<Object>> shuffled =
        results(job(agpFile.toString(), config, 4).rerank(cases.orderBy(functions.rand(3)).repartition(3)));

    assertThat(five).isEqualTo(one);
    assertThat(shuffled).isEqualTo(one);
    assertThat(one).hasSize(USERS.size());
  }

  @Test
  void rerank_rerunWithTheSameCacheDirectory_paysForNothingTwice() {
    SparkLlmConfig config = llm().cacheDirectory(dir.resolve("cache").toString()).build();
    Dataset<Row> cases = Worlds.table(spark(), USERS.subList(0, 30));
    int before = answered.total();

    RerankJob.Summary first = RerankJob.summary(job(agpFile.toString(), config, 3).rerank(cases));
    int paid = answered.total() - before;
    RerankJob.Summary second = RerankJob.summary(job(agpFile.toString(), config, 3).rerank(cases.repartition(5)));

    assertThat(paid).isEqualTo(60);
    assertThat(first.cachedCalls()).isZero();
    assertThat(answered.total() - before).isEqualTo(paid);
    assertThat(second.calls()).isEqualTo(60);
    assertThat(second.cachedCalls()).isEqualTo(60);
    assertThat(second.inputTokens()).isZero();
    assertThat(dir.resolve("cache").resolve("rerank-3")).isDirectory();
  }

  @Test
  void rerank_rppModel_matchesTheModelInProcess() {
    Path file = dir.resolve("rpp-model.json");
    RppModel rpp = Worlds.rpp(file);

    Map<String, List<Object>> got = results(job(file.toString(), llm().build(), 2).rerank(Worlds.table(spark(), USERS)));

    assertThat(got).isEqualTo(inProcess(rpp.withLlm(Worlds.answers()), USERS));
  }

  @Test
  void rerank_invalidRows_comeOutWithTheUserAndTheFieldNotDropped() {
    List<Row> rows = new ArrayList<>(Worlds.table(spark(), USERS.subList(0, 3)).collectAsList());
    UserCase u = USERS.get(3);
    rows.add(RowFactory.create("no-candidates", Worlds.items(u.history()), List.of()));
    rows.add(RowFactory.create("twice", Worlds.items(u.history()),
        Worlds.items(List.of(u.candidates().get(0), u.candidates().get(0)))));
    rows.add(RowFactory.create("untitled", List.of(RowFactory.create("h1", null, Map.of())),
        Worlds.items(u.candidates())));
    rows.add(RowFactory.create(null, Worlds.items(u.history()), Worlds.items(u.candidates())));
    Dataset<Row> cases = spark().createDataFrame(rows, Worlds.CASES);

    Dataset<Row> rankings = job(agpFile.toString(), llm().build(), 2).rerank(cases);
    Map<String, String> errors = new TreeMap<>();
    for (Row r : rankings.where("error is not null").collectAsList()) {
      errors.put(String.valueOf((Object) r.getAs("user")), r.getAs("error"));
    }

    assertThat(RerankJob.summary(rankings).rows()).isEqualTo(7);
    assertThat(RerankJob.summary(rankings).invalid()).isEqualTo(4);
    assertThat(errors).containsOnlyKeys("no-candidates", "twice", "untitled", "null");
    assertThat(errors.get("no-candidates")).contains("user no-candidates").contains("candidates must not be empty");
    assertThat(errors.get("twice")).contains("user twice").contains("appears more than once");
    assertThat(errors.get("untitled")).contains("user untitled: history[0] has no title");
    assertThat(errors.get("null")).contains("no user id");
  }

  @Test
  void rerank_backendDown_everyUserFallsBackToTheBaseOrderAndIsCounted() {
    SparkLlmConfig down = SparkLlmConfig.compatible("http://127.0.0.1:9/v1", "m").maxAttempts(1)
        .timeout(Duration.ofSeconds(2)).build();

    Dataset<Row> rankings = job(agpFile.toString(), down, 2).rerank(Worlds.table(spark(), USERS.subList(0, 6)));
    RerankJob.Summary summary = RerankJob.summary(rankings);
    Row first = rankings.where("user = 'u0'").first();

    assertThat(summary.fallbacks()).isEqualTo(6);
    assertThat(first.getList(first.fieldIndex("ranking"))).isEqualTo(USERS.get(0).candidateIds());
  }

  @Test
  void rerank_casesWithoutACandidatesColumn_failNamingTheColumnAndTheSchema() {
    Dataset<Row> cases = Worlds.table(spark(), USERS.subList(0, 2)).drop("candidates");

    assertThatThrownBy(() -> job(agpFile.toString(), llm().build(), 2).rerank(cases))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column candidates")
        .hasMessageContaining("array<struct<id:string,title:string");
  }

  @Test
  void rerank_fileThatIsNoModel_failsOnTheDriverNamingIt() throws Exception {
    Path notModel = dir.resolve("not-a-model.json");
    java.nio.file.Files.writeString(notModel, "{\"format\":\"something-else\"}");

    assertThatThrownBy(() -> job(notModel.toString(), llm().build(), 2).rerank(Worlds.table(spark(), USERS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(notModel.toString())
        .hasMessageContaining("not a saved AGP or RPP model");
  }

  @Test
  void rerank_onePartition_runsTheConfiguredNumberOfCallsAtOnce() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    dev.agp.llm.LlmClient world = Worlds.answers();
    dev.agp.llm.LlmClient slow = request -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(100);
        return world.complete(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    };
    try (LatencyServer s = LatencyServer.start(slow, LatencyServer.Latency.fixed(Duration.ZERO), 0, 1)) {
      SparkLlmConfig config = SparkLlmConfig.compatible(s.baseUrl(), "m").concurrency(6).build();

      RerankJob.Summary summary = RerankJob.summary(job(agpFile.toString(), config, 1).rerank(Worlds.table(spark(), USERS.subList(0, 18))));

      assertThat(summary.calls()).isEqualTo(36);
      assertThat(most).hasValue(6);
    }
  }

  @Test
  void share_limitBelowOnePerTask_failsNamingTheOption() {
    assertThat(RerankJob.share("requestsPerMinute", 600, 4)).isEqualTo(150);
    assertThat(RerankJob.share("requestsPerMinute", 0, 4)).isZero();
    assertThatThrownBy(() -> RerankJob.share("tokensPerMinute", 3, 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tokensPerMinute 3 shared by 4 concurrent tasks");
  }
}
