package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.AgpModel;
import dev.agp.Item;
import dev.agp.ProfileKey;
import dev.agp.UserCase;
import dev.agp.benchmarks.LatencyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RerankJob.profiles and reranking with written profiles. */
class ProfilesTest {

  private static final List<UserCase> USERS = Worlds.users(24);

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
    agp = Worlds.agp(agpFile).withLlm(Worlds.answers());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static SparkSession spark() {
    return SparkTesting.session();
  }

  private static SparkLlmConfig llm() {
    return SparkLlmConfig.compatible(server.baseUrl(), "world-model").concurrency(4).build();
  }

  private static Dataset<Row> profiles(List<UserCase> users) {
    return RerankJob.builder().model(agpFile.toString()).llm(llm()).partitions(3).build()
        .profiles(Worlds.table(spark(), users).drop("candidates"));
  }

  @Test
  void profiles_agpModel_oneCallPerUserWithTheModelsProfileAndKey() {
    Dataset<Row> profiles = profiles(USERS).cache();
    Map<String, List<String>> got = new TreeMap<>();
    for (Row r : profiles.collectAsList()) {
      got.put(r.getAs("user"), List.of(r.getAs("profile"), r.getAs("history_fingerprint"), r.getAs("prompt_fingerprint")));
    }
    RerankJob.Summary summary = RerankJob.profileSummary(profiles);

    Map<String, List<String>> expected = new TreeMap<>();
    for (UserCase u : USERS) {
      ProfileKey key = agp.profileKey(u);
      expected.put(u.userId(), List.of(agp.profile(u).text(), key.historyFingerprint(), key.promptFingerprint()));
    }
    assertThat(got).isEqualTo(expected);
    assertThat(summary.rows()).isEqualTo(USERS.size());
    assertThat(summary.calls()).isEqualTo(USERS.size());
    assertThat(summary.fallbacks()).as("profiles not written").isZero();
  }

  @Test
  void rerank_withWrittenProfiles_oneCallForUsersWhoseHistoryIsUnchangedAndTwoForTheOthers() {
    Dataset<Row> written = profiles(USERS).select("user", "profile", "history_fingerprint", "prompt_fingerprint");
    List<UserCase> now = new ArrayList<>(USERS);
    for (int i = 0; i < 6; i++) {
      UserCase u = now.get(i);
      List<Item> history = new ArrayList<>(u.history());
      history.add(Item.of(u.userId() + "-new", "Seen " + u.userId() + "-new (drama)"));
      now.set(i, UserCase.forServing(u.userId(), history, u.candidates()));
    }
    Dataset<Row> cases = Worlds.table(spark(), now).join(written, "user");

    Dataset<Row> rankings = RerankJob.builder().model(agpFile.toString()).llm(llm()).partitions(2).build().rerank(cases);
    Map<String, String> got = new TreeMap<>();
    int reused = 0;
    long calls = 0;
    for (Row r : rankings.collectAsList()) {
      got.put(r.getAs("user"), r.getList(r.fieldIndex("ranking")).toString());
      reused += (boolean) r.getAs("profile_reused") ? 1 : 0;
      calls += (int) r.getAs("calls");
    }

    Map<String, String> expected = new TreeMap<>();
    now.forEach(u -> expected.put(u.userId(), agp.rerank(u).itemIds().toString()));
    assertThat(got).isEqualTo(expected);
    assertThat(reused).isEqualTo(USERS.size() - 6);
    assertThat(calls).isEqualTo((USERS.size() - 6) + 2L * 6);
  }

  @Test
  void profiles_rppModel_failsOnTheDriver() {
    Path rpp = dir.resolve("rpp-model.json");
    Worlds.rpp(rpp);

    assertThatThrownBy(() -> RerankJob.builder().model(rpp.toString()).llm(llm()).build()
            .profiles(Worlds.table(spark(), USERS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an RPP model, which writes no profiles");
  }

  @Test
  void rerank_profileColumnWithoutItsFingerprints_failsNamingTheMissingColumn() {
    Dataset<Row> cases = Worlds.table(spark(), USERS).withColumn("profile", org.apache.spark.sql.functions.lit("x"));

    assertThatThrownBy(() -> RerankJob.builder().model(agpFile.toString()).llm(llm()).build().rerank(cases))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no history_fingerprint");
  }
}
