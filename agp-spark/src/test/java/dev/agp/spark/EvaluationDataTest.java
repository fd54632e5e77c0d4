package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.DuplicatePolicy;
import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.NotEnoughUsersException;
import dev.agp.eval.data.CandidateLists;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.Recommenders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark SQL data step against agp-eval's LeaveOneOut and CandidateProtocol on the same data. */
class EvaluationDataTest {

  private static final Path MOVIELENS =
      Path.of("..", "agp-examples", "src", "main", "resources", "dev", "agp", "examples", "data", "ml-latest-small");
  private static final StructType INTERACTIONS = new StructType()
      .add("user", DataTypes.StringType)
      .add("item", DataTypes.StringType)
      .add("rating", DataTypes.DoubleType)
      .add("timestamp", DataTypes.LongType)
      .add("ord", DataTypes.LongType);

  @TempDir Path dir;

  private static SparkSession spark() {
    return SparkTesting.session();
  }

  private static org.apache.spark.sql.Dataset<Row> table(List<Interaction> xs) {
    List<Row> rows = new ArrayList<>(xs.size());
    for (int i = 0; i < xs.size(); i++) {
      Interaction x = xs.get(i);
      rows.add(RowFactory.create(x.userId(), x.itemId(), x.rating(), x.timestamp().getEpochSecond(), (long) i));
    }
    return spark().createDataFrame(rows, INTERACTIONS);
  }

  /** Few items, five timestamps: ties and repeated user-item pairs everywhere. */
  private static List<Interaction> tiesAndRepeats() {
    Random r = new Random(11);
    List<Interaction> xs = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      String user = "u" + r.nextInt(70);
      xs.add(new Interaction(user, "i" + r.nextInt(25), r.nextInt(5) + 1, Instant.ofEpochSecond(1000L * r.nextInt(5))));
    }
    return xs;
  }

  private static String key(Row interaction) {
    return interaction.getAs("item") + "@" + interaction.getAs("timestamp") + "/" + interaction.getAs("rating");
  }

  private static String key(Interaction x) {
    return x.itemId() + "@" + x.timestamp().getEpochSecond() + "/" + x.rating();
  }

  /** user -> [train..., "|", validation, test] as item@time/rating keys. */
  private static Map<String, List<String>> java(LooSplit split) {
    Map<String, List<String>> out = new TreeMap<>();
    for (LooSplit.UserSplit u : split.users()) {
      List<String> v = new ArrayList<>(u.train().stream().map(EvaluationDataTest::key).toList());
      v.add("|");
      u.validation().ifPresent(x -> v.add(key(x)));
      u.test().ifPresent(x -> v.add(key(x)));
      out.put(u.userId(), v);
    }
    return out;
  }

  private static Map<String, List<String>> spark(SparkLooSplit split) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : split.users().collectAsList()) {
      List<String> v = new ArrayList<>();
      for (Row x : r.<Row>getList(r.fieldIndex("train"))) {
        v.add(key(x));
      }
      v.add("|");
      if (!r.isNullAt(r.fieldIndex("validation"))) {
        v.add(key((Row) r.getAs("validation")));
        v.add(key((Row) r.getAs("test")));
      }
      out.put(r.getAs("user"), v);
    }
    return out;
  }

  private static void assertSameReport(SparkLooSplit.Report s, LooSplit.Report j) {
    assertThat(s.inputInteractions()).isEqualTo(j.inputInteractions());
    assertThat(s.invalidRows()).isZero();
    assertThat(s.duplicatesRemoved()).isEqualTo(j.duplicatesRemoved());
    assertThat(s.kCoreRemovedInteractions()).isEqualTo(j.kCoreRemovedInteractions());
    assertThat(s.kCoreRemovedUsers()).isEqualTo(j.kCoreRemovedUsers());
    assertThat(s.kCoreRemovedItems()).isEqualTo(j.kCoreRemovedItems());
    assertThat(s.users()).isEqualTo(j.users());
    assertThat(s.splitUsers()).isEqualTo(j.splitUsers());
    assertThat(s.trainingOnlyUsers()).isEqualTo(j.trainingOnlyUsers());
    assertThat(s.trainInteractions()).isEqualTo(j.trainInteractions());
  }

  @Test
  void split_tiesAndRepeatedPairs_sameAsAgpEvalUnderEveryPolicyAndKCore() {
    List<Interaction> xs = tiesAndRepeats();
    org.apache.spark.sql.Dataset<Row> table = table(xs).repartition(3);
    Map<DuplicatePolicy, int[]> cases = Map.of(
        DuplicatePolicy.KEEP_LAST, new int[] {0, 8}, DuplicatePolicy.KEEP_FIRST, new int[] {0},
        DuplicatePolicy.KEEP_ALL, new int[] {8});
    for (DuplicatePolicy policy : DuplicatePolicy.values()) {
      for (int k : cases.get(policy)) {
        LeaveOneOut.Builder jb = LeaveOneOut.builder().duplicates(policy).minInteractions(4);
        LeaveOneOutJob.Builder sb = LeaveOneOutJob.builder().duplicates(policy).minInteractions(4).orderColumn("ord");
        if (k > 0) {
          jb.kCore(k);
          sb.kCore(k);
        }
        LooSplit expected = jb.build().apply(xs);

        SparkLooSplit got = sb.build().split(table);

        assertThat(spark(got)).as(policy + ", k-core " + k).isEqualTo(java(expected));
        assertSameReport(got.report(), expected.report());
        if (k > 0) {
          assertThat(got.report().kCoreRemovedInteractions()).as("the k-core removed something").isPositive();
        }
      }
    }
    assertThat(LeaveOneOut.split(xs).report().duplicatesRemoved()).as("the data repeats pairs").isPositive();
  }

  /** MovieLens' ratings.csv as Spark reads it: rows in file order. */
  private static org.apache.spark.sql.Dataset<Row> ratingsCsv() {
    return spark().read().option("header", "true")
        .schema("userId STRING, movieId STRING, rating DOUBLE, timestamp LONG")
        .csv(MOVIELENS.resolve("ratings.csv").toString())
        .withColumnRenamed("userId", "user").withColumnRenamed("movieId", "item");
  }

  @Test
  void split_ratingsCsvReadBySparkInFileOrder_sameAsAgpEvalsLoaderAndSplit() {
    LooSplit expected = LeaveOneOut.split(Datasets.movieLens(MOVIELENS).interactions());

    SparkLooSplit got = LeaveOneOutJob.builder().build().split(ratingsCsv());

    assertThat(spark(got)).isEqualTo(java(expected));
    assertSameReport(got.report(), expected.report());
  }

  @Test
  void candidates_importedListsOnTheMovieLensSample_sameSetsCasesAndReportAsAgpEvalInBothModes() throws IOException {
    Dataset data = Datasets.movieLens(MOVIELENS);
    LooSplit split = LeaveOneOut.split(data.interactions());
    Map<String, List<String>> lists = lists(split, data.items().keySet());
    Path tsv = dir.resolve("lists.tsv");
    List<String> lines = new ArrayList<>();
    lists.forEach((u, l) -> lines.add(u + "\t" + String.join("\t", l)));
    Files.write(tsv, lines);
    List<Row> listRows = new ArrayList<>();
    lists.forEach((u, l) -> listRows.add(RowFactory.create(u, l)));
    org.apache.spark.sql.Dataset<Row> listTable = spark().createDataFrame(listRows, new StructType()
        .add("user", DataTypes.StringType).add("items", DataTypes.createArrayType(DataTypes.StringType)));
    List<Row> itemRows = new ArrayList<>();
    data.items().values().forEach(i -> itemRows.add(RowFactory.create(i.id(), i.title(), i.attributes())));
    org.apache.spark.sql.Dataset<Row> items = spark().createDataFrame(itemRows, new StructType()
        .add("id", DataTypes.StringType).add("title", DataTypes.StringType)
        .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)));
    SparkLooSplit sparkSplit = LeaveOneOutJob.builder().build().split(ratingsCsv());

    for (CandidateMode mode : CandidateMode.values()) {
      CandidateSets expected = CandidateProtocol.builder().trainUsers(30).validationUsers(10).testUsers(60)
          .maxHistory(20).seed(7).mode(mode).build()
          .apply(data.items(), split, Recommenders.imported(CandidateLists.read(tsv)));

      SparkCandidateSets got = CandidateJob.builder().trainUsers(30).validationUsers(10).testUsers(60).maxHistory(20)
          .seed(7).mode(mode).build().apply(items, sparkSplit, listTable, "Imported(lists.tsv)");

      CandidateSets.Report e = expected.report();
      assertThat(got.report()).as(mode.name()).usingRecursiveComparison().ignoringFields("baseNdcgOnHits").isEqualTo(e);
      assertThat(got.report().baseNdcgOnHits()).isCloseTo(e.baseNdcgOnHits(), within(1e-12));
      assertThat(e.shortLists()).isPositive();
      assertThat(e.unknownItems()).isPositive();
      assertThat(mode == CandidateMode.BASE_WINDOW ? e.windowed() : e.evaluableUsers() - e.eligibleUsers() - e.shortLists()
          - e.unknownItems()).as("windows, or misses").isPositive();
      assertThat(cases(got.train())).as(mode.name()).isEqualTo(expected.train());
      assertThat(cases(got.validation())).isEqualTo(expected.validation());
      assertThat(cases(got.test())).isEqualTo(expected.test());
      assertThat(got.eligible().count()).isEqualTo(e.eligibleUsers());
    }
  }

  @Test
  void candidates_tooFewEligibleUsers_failWithAgpEvalsCounts() {
    SparkLooSplit split = LeaveOneOutJob.builder().orderColumn("ord").build().split(table(tiesAndRepeats()));
    org.apache.spark.sql.Dataset<Row> items = spark().createDataFrame(
        List.of(RowFactory.create("i1", "One")), new StructType().add("id", DataTypes.StringType).add("title", DataTypes.StringType));
    org.apache.spark.sql.Dataset<Row> lists = spark().createDataFrame(List.<Row>of(), new StructType()
        .add("user", DataTypes.StringType).add("items", DataTypes.createArrayType(DataTypes.StringType)));

    assertThatThrownBy(() -> CandidateJob.builder().build().apply(items, split, lists, "x"))
        .isInstanceOf(NotEnoughUsersException.class)
        .satisfies(t -> assertThat(((NotEnoughUsersException) t).counts().shortLists())
            .isEqualTo(((NotEnoughUsersException) t).counts().evaluableUsers()).isPositive());
  }

  @Test
  void candidates_itemsTableRepeatingAnId_failsNamingIt() {
    SparkLooSplit split = LeaveOneOutJob.builder().orderColumn("ord").build().split(table(tiesAndRepeats()));
    org.apache.spark.sql.Dataset<Row> items = spark().createDataFrame(
        List.of(RowFactory.create("i1", "One"), RowFactory.create("i1", "Again")),
        new StructType().add("id", DataTypes.StringType).add("title", DataTypes.StringType));
    org.apache.spark.sql.Dataset<Row> lists = spark().createDataFrame(List.<Row>of(), new StructType()
        .add("user", DataTypes.StringType).add("items", DataTypes.createArrayType(DataTypes.StringType)));

    assertThatThrownBy(() -> CandidateJob.builder().build().apply(items, split, lists, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists 1 ids more than once, for example i1");
  }

  /**
   * Lists a recommender might have made: popular items the user has not met, with the held-out
   * item placed in a third of them; some too short, some naming items missing from the catalogue,
   * some users without a list.
   */
  private static Map<String, List<String>> lists(LooSplit split, Set<String> catalogue) {
    Map<String, Integer> popularity = new TreeMap<>();
    split.trainInteractions().forEach(x -> popularity.merge(x.itemId(), 1, Integer::sum));
    List<String> popular = popularity.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).toList();
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (LooSplit.UserSplit u : split.evaluableUsers()) {
      int h = Math.floorMod(u.userId().hashCode() * 31 + 7, 97);
      if (h % 13 == 0) {
        continue;
      }
      Set<String> seen = new HashSet<>();
      u.historyBeforeTest().forEach(x -> seen.add(x.itemId()));
      List<String> l = new ArrayList<>();
      for (String id : popular) {
        if (l.size() == 12) {
          break;
        }
        if (!seen.contains(id)) {
          l.add(id);
        }
      }
      String held = u.test().orElseThrow().itemId();
      l.remove(held);
      if (h % 3 == 0) {
        l.add(h % 10, held);      // a hit
      } else if (h % 3 == 1) {
        l.add(10 + h % 3, held);  // beyond the top 10: a window in window mode
      }
      if (h % 7 == 0) {
        l = l.subList(0, 8);
      }
      if (h % 11 == 0) {
        l.add(0, "not-in-catalogue-" + h);
      }
      assertThat(catalogue).contains(l.stream().filter(id -> !id.startsWith("not-in")).toArray(String[]::new));
      out.put(u.userId(), List.copyOf(l));
    }
    return out;
  }

  private static List<UserCase> cases(org.apache.spark.sql.Dataset<Row> table) {
    List<UserCase> out = new ArrayList<>();
    for (Row r : table.collectAsList()) {
      List<String> relevant = r.getList(r.fieldIndex("relevant"));
      out.add(new UserCase(r.getAs("user"), items(r.getList(r.fieldIndex("history"))),
          items(r.getList(r.fieldIndex("candidates"))), Set.copyOf(relevant)));
    }
    return out;
  }

  private static List<Item> items(List<Row> rows) {
    return rows.stream().map(r -> new Item(r.getAs("id"), r.getAs("title"), r.getJavaMap(r.fieldIndex("attributes")))).toList();
  }
}
