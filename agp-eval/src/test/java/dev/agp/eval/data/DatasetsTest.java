package dev.agp.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.eval.Interaction;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  static Path fixture(String name) {
    try {
      return Path.of(DatasetsTest.class.getResource("/dev/agp/eval/data/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final LoadOptions LENIENT = LoadOptions.defaults().withMaxMalformedRate(0.5);

  private static List<String> pairs(Dataset d) {
    return d.interactions().stream().map(x -> x.userId() + "-" + x.itemId()).toList();
  }

  private static LoadReport.FileReport file(Dataset d, String name) {
    return d.report().files().stream().filter(f -> f.file().getFileName().toString().equals(name)).findFirst().orElseThrow();
  }

  // ---- MovieLens

  @Test
  void loaded_sameAsThePublicConstructorGives_andUnmodifiable() {
    Dataset d = Datasets.movieLens(fixture("movielens-dat"));
    Dataset rebuilt = new Dataset(d.interactions(), d.items(), d.report());
    assertThat(d).isEqualTo(rebuilt);
    assertThat(List.copyOf(d.items().keySet())).isEqualTo(List.copyOf(rebuilt.items().keySet()));
    assertThatThrownBy(() -> d.interactions().add(d.interactions().get(0))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.interactions().set(0, d.interactions().get(0))).isInstanceOf(UnsupportedOperationException.class);
    dev.agp.eval.LooSplit split = dev.agp.eval.LeaveOneOut.split(d.interactions());
    assertThat(split).isEqualTo(new dev.agp.eval.LooSplit(split.users(), split.report()));
    assertThatThrownBy(() -> split.users().remove(0)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void movieLens_csvWithCrlfQuotesAndBadLines_loadsAndReports() {
    Dataset d = Datasets.movieLens(fixture("movielens-csv"), LENIENT);
    assertThat(pairs(d)).containsExactly("1-1", "1-3", "1-6", "2-1", "2-2");
    Interaction x = d.interactions().get(4);
    assertThat(x.rating()).isEqualTo(5.0);
    assertThat(x.timestamp()).isEqualTo(Instant.ofEpochSecond(1445714840));
    assertThat(d.items()).containsOnlyKeys("1", "2", "3", "6");
    Item president = d.items().get("2");
    assertThat(president.title()).isEqualTo("American President, The (1995)");
    assertThat(president.attributes()).containsEntry("genres", "Comedy, Drama, Romance").containsEntry("year", "1995");
    Item cats = d.items().get("6");
    assertThat(cats.title()).isEqualTo("\"Great Performances\" Cats (1998)");
    assertThat(cats.attributes()).doesNotContainKey("genres").containsEntry("year", "1998");

    LoadReport r = d.report();
    assertThat(r.interactionsKept()).isEqualTo(5);
    assertThat(r.itemsKept()).isEqualTo(4);
    assertThat(r.dropped(LoadReport.ITEM_WITHOUT_TITLE)).isEqualTo(1);
    assertThat(r.dropped(LoadReport.ITEM_NOT_IN_METADATA)).isEqualTo(1);
    assertThat(r.dropped(LoadReport.METADATA_WITHOUT_TITLE)).isEqualTo(1);
    assertThat(r.dropped(LoadReport.METADATA_UNUSED)).isEqualTo(1);
    LoadReport.FileReport ratings = file(d, "ratings.csv");
    assertThat(ratings.records()).isEqualTo(9);
    assertThat(ratings.malformed()).isEqualTo(2);
    assertThat(ratings.gzip()).isFalse();
    assertThat(ratings.problems()).extracting(LoadReport.LineProblem::line).containsExactly(8L, 9L);
    assertThat(ratings.problems().get(0).reason()).contains("rating is not a number");
    assertThat(ratings.problems().get(1).reason()).contains("expected 4 fields");
    assertThat(r.malformedLines()).isEqualTo(2);
    assertThat(r.summary()).contains("ratings.csv: 9 records, 2 malformed", "line 8");
  }

  @Test
  void movieLens_csvFastPath_readsIdsAndNumbersAsTheGeneralPathDoes(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ratings.csv"), String.join("\n",
        "userId,movieId,rating,timestamp",
        " 1 , 007 ,4.5, 964982703 ", // spaces around every field
        "1,7,4,964982704", // "7" is not "007"
        "2,\"7\",3.5,964982224", // a quoted field: the general path
        "2,007,1.25e0,964982225", // a rating the fast parser leaves to Double.parseDouble
        "3,x7,5,-1", // a negative timestamp
        "3,x7,2,99999999999", // a timestamp past 2^32
        "4,,3,964982703", // empty movie id
        "4,7,3,12.5", // timestamp not an integer
        "4,7,3,1,extra")); // five fields
    Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n007,Bond (1962),Action\n7,Seven (1995),Crime\n"
        + "x7,X (2000),Drama\n");
    Dataset d = Datasets.movieLens(dir, LENIENT);
    assertThat(d.interactions()).containsExactly(
        new Interaction("1", "007", 4.5, Instant.ofEpochSecond(964982703)),
        new Interaction("1", "7", 4, Instant.ofEpochSecond(964982704)),
        new Interaction("2", "7", 3.5, Instant.ofEpochSecond(964982224)),
        new Interaction("2", "007", 1.25, Instant.ofEpochSecond(964982225)),
        new Interaction("3", "x7", 5, Instant.ofEpochSecond(-1)),
        new Interaction("3", "x7", 2, Instant.ofEpochSecond(99999999999L)));
    assertThat(d.interactions().get(1).itemId()).as("one String per id").isSameAs(d.interactions().get(2).itemId());
    assertThat(d.interactions().get(0).itemId()).isSameAs(d.interactions().get(3).itemId());
    assertThat(d.interactions().get(0).userId()).isSameAs(d.interactions().get(1).userId());
    assertThat(file(d, "ratings.csv").problems()).extracting(LoadReport.LineProblem::reason).containsExactly(
        "empty movie id", "timestamp is not an integer: \"12.5\"",
        "expected 4 fields (userId,movieId,rating,timestamp) but found 5");
  }

  @Test
  void movieLens_defaultTolerance_failsNamingFileAndLines() {
    assertThatThrownBy(() -> Datasets.movieLens(fixture("movielens-csv")))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("ratings.csv")
        .hasMessageContaining("2 of 9 records are malformed")
        .hasMessageContaining("line 8: rating is not a number: \"x\"")
        .hasMessageContaining("line 9: expected 4 fields")
        .satisfies(e -> assertThat(((DatasetFormatException) e).problems()).hasSize(2));
  }

  @Test
  void movieLens_datLatin1WithGzipWithoutSuffix_decodesAccents() {
    Dataset d = Datasets.movieLens(fixture("movielens-dat"));
    assertThat(pairs(d)).containsExactly("1-1193", "1-661", "2-1193", "2-2355");
    assertThat(d.items().get("2355").title()).isEqualTo("Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)");
    assertThat(d.items().get("661").attributes()).containsEntry("genres", "Animation, Children's, Musical");
    assertThat(file(d, "ratings.dat").gzip()).isTrue();
    assertThat(file(d, "movies.dat").charset()).isEqualTo("ISO-8859-1");
    assertThat(d.interactions().get(3).timestamp()).isEqualTo(Instant.ofEpochSecond(978824291));
  }

  @Test
  void movieLens_100kLayout_readsGenreFlags() {
    Dataset d = Datasets.movieLens(fixture("movielens-100k"));
    assertThat(pairs(d)).containsExactly("196-242", "186-302", "196-302", "196-1300", "186-1301");
    assertThat(d.items().get("302").attributes())
        .containsEntry("genres", "Crime, Film-Noir, Mystery, Thriller")
        .containsEntry("year", "1997");
    assertThat(d.items().get("1300").title()).isEqualTo("'Til There Was You (1997)");
    assertThat(d.items().get("1300").attributes()).containsEntry("genres", "Drama, Romance");
    assertThat(d.items().get("1301").title()).isEqualTo("Café au Lait (1994)");
    assertThat(d.userCount()).isEqualTo(2);
  }

  @Test
  void movieLens_realSampleLayout_whenMissing_throwsListingLayouts(@TempDir Path dir) {
    assertThatThrownBy(() -> Datasets.movieLens(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratings.csv + movies.csv");
  }

  // ---- Amazon

  @Test
  void amazon_2014GzipReviewsPythonMetadata_loads() {
    Dataset d = Datasets.amazon(
        fixture("amazon-2014/reviews_Movies_and_TV_5.json.gz"), fixture("amazon-2014/meta_Movies_and_TV.json"), LENIENT);
    assertThat(pairs(d)).containsExactly("A1-0005019281", "A1-B00005N7P0", "A2-0005019281");
    assertThat(d.items().get("0005019281").title()).isEqualTo("An Adventure in Space and Time & More");
    assertThat(d.items().get("0005019281").attributes()).containsEntry("categories", "Movies & TV > Movies");
    assertThat(d.items().get("B00005N7P0").title()).isEqualTo("Schindler's List");
    assertThat(d.items().get("B00005N7P0").attributes()).containsEntry("brand", "Universal");
    assertThat(d.interactions().get(0).timestamp()).isEqualTo(Instant.ofEpochSecond(1203984000));
    assertThat(d.interactions().get(0).rating()).isEqualTo(4.0);
    LoadReport r = d.report();
    assertThat(r.dropped(LoadReport.ITEM_WITHOUT_TITLE)).isEqualTo(1);
    assertThat(r.dropped(LoadReport.METADATA_UNUSED)).isEqualTo(1);
    LoadReport.FileReport reviews = file(d, "reviews_Movies_and_TV_5.json.gz");
    assertThat(reviews.gzip()).isTrue();
    assertThat(reviews.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(5);
      assertThat(p.reason()).contains("\"overall\" is not a number");
    });
    assertThat(file(d, "meta_Movies_and_TV.json").problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.reason()).contains("Python literal: unterminated string");
    });
  }

  @Test
  void amazon_2014RatingsCsv_userFirstDetected() {
    Dataset d = Datasets.amazon(
        fixture("amazon-2014/ratings_Movies_and_TV.csv"), fixture("amazon-2014/meta_Movies_and_TV.json"), LENIENT);
    assertThat(pairs(d)).containsExactly("A1-0005019281", "A2-B00005N7P0");
  }

  @Test
  void amazon_2018JsonAndGzipMetadata_unescapesAndStripsMarkup() {
    Dataset d = Datasets.amazon(
        fixture("amazon-2018/Movies_and_TV_5.json"), fixture("amazon-2018/meta_Movies_and_TV.json.gz"));
    assertThat(pairs(d)).containsExactly("AB1-0001527665", "AB2-0001527667");
    Item groundhog = d.items().get("0001527665");
    assertThat(groundhog.title()).isEqualTo("Groundhog Day & Friends");
    assertThat(groundhog.attributes())
        .containsEntry("categories", "Movies & TV > Genre for Featured Categories > Comedy")
        .containsEntry("brand", "Harold Ramis");
    assertThat(d.items().get("0001527667").title()).isEqualTo("Blade Runner");
    assertThat(d.items().get("0001527667").attributes()).doesNotContainKey("brand");
    assertThat(d.report().dropped(LoadReport.ITEM_WITHOUT_TITLE)).isEqualTo(1);
  }

  @Test
  void amazon_2018RatingsCsv_itemFirstDetected() {
    Dataset d = Datasets.amazon(fixture("amazon-2018/Movies_and_TV.csv"), fixture("amazon-2018/meta_Movies_and_TV.json.gz"));
    assertThat(pairs(d)).containsExactly("AB1-0001527665", "AB2-0001527667");
    assertThat(d.report().dropped(LoadReport.ITEM_NOT_IN_METADATA)).isEqualTo(1);
  }

  @Test
  void amazon_2023Jsonl_millisecondsAndParentAsinJoin() {
    Dataset d = Datasets.amazon(fixture("amazon-2023/Movies_and_TV.jsonl"), fixture("amazon-2023/meta_Movies_and_TV.jsonl"));
    assertThat(pairs(d)).containsExactly("AGGZ-B013488XFS", "AHHH-B013488XFS", "AGGZ-B0OTHER001");
    assertThat(d.interactions().get(0).timestamp()).isEqualTo(Instant.parse("2015-08-24T03:07:17Z"));
    assertThat(d.interactions().get(1).timestamp()).isEqualTo(Instant.ofEpochMilli(1588615855070L));
    assertThat(d.items().get("B013488XFS").attributes())
        .containsEntry("category", "Prime Video")
        .containsEntry("store", "Disney")
        .containsEntry("categories", "Movies & TV > Comedy");
    assertThat(d.items().get("B0OTHER001").attributes()).containsOnly(Map.entry("category", "Movies & TV"));
  }

  @Test
  void amazon_2023CsvWithHeaderAndCrlf_milliseconds() {
    Dataset d = Datasets.amazon(fixture("amazon-2023/Movies_and_TV.5core.csv"), fixture("amazon-2023/meta_Movies_and_TV.jsonl"));
    assertThat(pairs(d)).containsExactly("AGGZ-B013488XFS", "AHHH-B0OTHER001");
    assertThat(d.interactions().get(1).timestamp()).isEqualTo(Instant.ofEpochMilli(1588615855070L));
    assertThat(file(d, "Movies_and_TV.5core.csv").records()).isEqualTo(2);
  }

  @Test
  void amazon_ambiguousHeaderlessCsv_needsVersion(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("ratings.csv"), "B000000001,0005019281,4.0,1203984000\n");
    Path meta = fixture("amazon-2014/meta_Movies_and_TV.json");
    assertThatThrownBy(() -> Datasets.amazon(csv, meta, LENIENT))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("withAmazonVersion");
    Dataset d = Datasets.amazon(csv, meta, LENIENT.withAmazonVersion(AmazonVersion.Y2014));
    assertThat(pairs(d)).containsExactly("B000000001-0005019281");
  }

  // ---- Yelp and Goodreads

  @Test
  void yelp_crlfJsonLines_datesAsUtcAndNullCategories() {
    Dataset d = Datasets.yelp(
        fixture("yelp/yelp_academic_dataset_review.json"), fixture("yelp/yelp_academic_dataset_business.json"), LENIENT);
    assertThat(pairs(d)).containsExactly("U1-B1", "U1-B2");
    assertThat(d.interactions().get(0).timestamp()).isEqualTo(Instant.parse("2018-07-07T22:09:11Z"));
    assertThat(d.interactions().get(1).rating()).isEqualTo(2.0);
    assertThat(d.items().get("B1").title()).isEqualTo("Oskar Blues Taproom");
    assertThat(d.items().get("B1").attributes())
        .containsEntry("categories", "Gastropubs, Food, Beer Gardens")
        .containsEntry("city", "Boulder")
        .containsEntry("state", "CO");
    assertThat(d.items().get("B2").attributes()).doesNotContainKey("categories");
    assertThat(file(d, "yelp_academic_dataset_review.json").problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.reason()).contains("\"date\"");
    });
  }

  @Test
  void goodreads_gzipStringsAndEmptyDates_fallsBackAndCounts() {
    Dataset d = Datasets.goodreads(
        fixture("goodreads/goodreads_interactions_poetry.json.gz"), fixture("goodreads/goodreads_books_poetry.json.gz"));
    assertThat(pairs(d)).containsExactly("8842281e1d1347389f2ab93d60773d4d-24375664", "u1-18245960", "u2-24375664");
    assertThat(d.interactions().get(0).timestamp()).isEqualTo(Instant.parse("2017-08-28T20:55:52Z"));
    assertThat(d.interactions().get(1).timestamp()).isEqualTo(Instant.parse("2017-09-05T16:15:28Z"));
    assertThat(d.interactions().get(1).rating()).isZero();
    assertThat(d.interactions().get(2).rating()).isEqualTo(4.0);
    assertThat(d.items().get("24375664").attributes()).containsEntry("year", "1984");
    assertThat(d.items().get("18245960").title()).isEqualTo("The Unschooling Unmanual & More");
    assertThat(d.report().dropped(LoadReport.NO_TIMESTAMP)).isEqualTo(1);
    assertThat(d.report().dropped(LoadReport.METADATA_UNUSED)).isEqualTo(1);
    // its only shelf is "to-read": bookkeeping, not a tag
    assertThat(d.items().get("24375664").attributes()).doesNotContainKey("shelves");
  }

  @Test
  void dataset_itemsIterateById_whateverTheOrderGiven() {
    Map<String, dev.agp.Item> reversed = new java.util.LinkedHashMap<>();
    for (int i = 50; i > 0; i--) {
      reversed.put("i" + i, dev.agp.Item.of("i" + i, "Title " + i));
    }
    Dataset d = new Dataset(List.of(), reversed, new LoadReport(List.of(), 0, 50, Map.of()));
    List<String> ids = List.copyOf(d.items().keySet());
    assertThat(ids).isSorted().hasSize(50);
    assertThat(d.items().get("i7").title()).isEqualTo("Title 7");
  }

  @Test
  void goodreadsShelves_mostUsedFirst_withoutBookkeepingShelves_capped() {
    java.util.List<Object> shelves = new java.util.ArrayList<>();
    shelves.add(Map.of("count", "90", "name", "to-read"));
    shelves.add(Map.of("count", "12", "name", "Poetry"));
    shelves.add(Map.of("count", 30, "name", "classics"));
    shelves.add(Map.of("count", "x", "name", "odd-count"));
    shelves.add(Map.of("name", "no-count"));
    for (int i = 0; i < 10; i++) {
      shelves.add(Map.of("count", "1", "name", "s" + i));
    }
    assertThat(JsonLinesLoaders.shelves(shelves)).isEqualTo("classics, poetry, s0, s1, s2, s3, s4, s5");
    assertThat(JsonLinesLoaders.shelves("not a list")).isEmpty();
    assertThat(JsonLinesLoaders.shelves(null)).isEmpty();
  }

  // ---- failures

  @Test
  void read_truncatedGzip_saysTruncatedOrCorruptNamingTheFile(@TempDir Path dir) throws Exception {
    byte[] whole = Files.readAllBytes(fixture("goodreads/goodreads_interactions_poetry.json.gz"));
    Path cut = Files.write(dir.resolve("goodreads_interactions_poetry.json.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> Datasets.goodreads(cut, fixture("goodreads/goodreads_books_poetry.json.gz")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("is truncated or corrupt");
  }

  @Test
  void read_allRecordsMalformed_failsFastBeforeTheEnd(@TempDir Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("userId,movieId,rating,timestamp\n");
    for (int i = 0; i < 5000; i++) {
      sb.append("garbage line ").append(i).append('\n');
    }
    Files.writeString(dir.resolve("ratings.csv"), sb);
    Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,A (1990),Drama\n");
    assertThatThrownBy(() -> Datasets.movieLens(dir, LoadOptions.defaults().withMaxMalformedRate(1.0)))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("the first 100 records are all malformed")
        .hasMessageContaining("line 2: expected 4 fields");
  }

  @Test
  void read_missingHeaderColumn_failsNamingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ratings.csv"), "userId,itemId,rating,timestamp\n1,1,4,1\n");
    Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,A (1990),Drama\n");
    assertThatThrownBy(() -> Datasets.movieLens(dir))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("lacks column \"movieId\"");
  }

  @Test
  void amazon_missingFile_throwsUncheckedIo(@TempDir Path dir) {
    assertThatThrownBy(() -> Datasets.amazon(dir.resolve("nope.json"), dir.resolve("meta.json")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.json");
  }

  @Test
  void options_badValues_throwNamingOption() {
    assertThatThrownBy(() -> LoadOptions.defaults().withMaxMalformedRate(1.5)).hasMessageContaining("maxMalformedRate");
    assertThatThrownBy(() -> LoadOptions.defaults().withMaxProblemsListed(-1)).hasMessageContaining("maxProblemsListed");
  }

  @Test
  void dataset_interactionWithoutItem_rejected() {
    Interaction x = new Interaction("u", "missing", 1, Instant.EPOCH);
    LoadReport r = new LoadReport(List.of(), 1, 0, Map.of());
    assertThatThrownBy(() -> new Dataset(List.of(x), Map.of(), r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item missing");
  }

  @Test
  void dataset_manyInteractionsOneOfThemWithoutItem_rejectedNamingIt() {
    java.util.Random random = new java.util.Random(3);
    Map<String, dev.agp.Item> items = new java.util.HashMap<>();
    for (int i = 0; i < 300; i++) {
      items.put("i" + i, new dev.agp.Item("i" + i, "Title " + i, Map.of()));
    }
    List<Interaction> xs = new java.util.ArrayList<>();
    for (int k = 0; k < 5_000; k++) {
      // equal ids in new objects as well as the same objects again
      String id = random.nextBoolean() ? "i" + random.nextInt(300) : new String("i" + random.nextInt(300));
      xs.add(new Interaction("u" + k % 40, id, 1, Instant.ofEpochSecond(k)));
    }
    LoadReport r = new LoadReport(List.of(), xs.size(), items.size(), Map.of());
    assertThat(new Dataset(xs, items, r).interactions()).hasSize(5_000);

    xs.set(4_321, new Interaction("u7", "i300", 1, Instant.EPOCH));
    assertThatThrownBy(() -> new Dataset(xs, items, r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interactions[4321] (user u7) refers to item i300, which is not among the items");
  }
}
