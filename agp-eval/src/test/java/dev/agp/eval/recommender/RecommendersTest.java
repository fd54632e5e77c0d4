package dev.agp.eval.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.data.CandidateLists;
import dev.agp.eval.data.DatasetFormatException;
import dev.agp.eval.data.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommendersTest {

  /** Users' sequences; each user's items get increasing timestamps. Every sequence ends with two extra items (validation, test). */
  static LooSplit split(String... sequences) {
    List<Interaction> xs = new ArrayList<>();
    long t = 0;
    for (String s : sequences) {
      String[] parts = s.split(":");
      for (String item : parts[1].split(",")) {
        xs.add(new Interaction(parts[0], item.strip(), 1, Instant.ofEpochSecond(t++)));
      }
    }
    return LeaveOneOut.split(xs);
  }

  @Test
  void popularity_countsTrainingOnlyAndExcludesHistory() {
    // training parts: u1 a,b,c ; u2 a,b ; u3 a  (the last two of each are held out)
    LooSplit s = split("u1:a,b,c,v1,t1", "u2:a,b,v2,t2", "u3:a,v3,t3");
    BaseRecommender pop = Recommenders.popularity(s);
    assertThat(pop.recommend("anyone", List.of(), 3)).containsExactly("a", "b", "c");
    assertThat(pop.recommend("u3", List.of("a"), 2)).containsExactly("b", "c");
    assertThat(pop.recommend("u3", List.of("a", "b", "c"), 5)).isEmpty();
    assertThat(pop.userEmbedding("u1")).isEmpty();
    assertThat(pop.embeddingDimension()).isZero();
  }

  @Test
  void popularity_ties_goToFirstSeen() {
    LooSplit s = split("u1:x,y,v,t", "u2:y,x,v2,t2");
    assertThat(Recommenders.popularity(s).recommend("u", List.of(), 2)).containsExactly("x", "y");
  }

  @Test
  void transitions_recentItem_predictsItsSuccessor() {
    LooSplit s = split(
        "u1:a,b,c,d,v,t", "u2:a,b,c,d,v,t", "u3:x,a,b,v,t", "u4:c,d,a,b,v,t");
    BaseRecommender seq = Recommenders.transitions(s);
    assertThat(seq.recommend("new", List.of("a"), 1)).containsExactly("b");
    assertThat(seq.recommend("new", List.of("b"), 1)).containsExactly("c");
    // history excluded even when it is the strongest successor
    assertThat(seq.recommend("new", List.of("c", "a"), 3)).doesNotContain("c", "a").startsWith("b");
    assertThat(seq.name()).contains("window=3");
  }

  @Test
  void transitions_unknownHistory_fallsBackToPopularity() {
    LooSplit s = split("u1:a,b,v,t", "u2:a,c,v,t", "u3:a,v,t");
    assertThat(Transitions.builder().window(1).build().fit(s).recommend("n", List.of("zzz"), 2)).containsExactly("a", "b");
  }

  @Test
  void userVector_modelsWithoutEmbeddings_explain() {
    BaseRecommender pop = Recommenders.popularity(split("u1:a,b,v,t"));
    dev.agp.UserCase c = dev.agp.UserCase.forServing("u1", List.of(), List.of(dev.agp.Item.of("a", "A")));
    assertThatThrownBy(() -> pop.userVector(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no user embeddings at all");
  }

  @Test
  void transitions_builder_rejectsBadValues() {
    assertThatThrownBy(() -> Transitions.builder().window(0)).hasMessageContaining("window");
    assertThatThrownBy(() -> Transitions.builder().decay(0)).hasMessageContaining("decay");
    assertThatThrownBy(() -> Transitions.builder().backoff(2)).hasMessageContaining("backoff");
  }

  @Test
  void recommend_badK_throws() {
    BaseRecommender pop = Recommenders.popularity(split("u1:a,b,v,t"));
    assertThatThrownBy(() -> pop.recommend("u", List.of(), 0)).hasMessageContaining("k must be >= 1");
  }

  @Test
  void topK_tiesToLowerIndexAndExclusions() {
    float[] s = {0.5f, 0.9f, 0.9f, 0.1f, 0.7f};
    assertThat(TopK.select(s, null, 3)).containsExactly(1, 2, 4);
    assertThat(TopK.select(s, new boolean[] {false, true, false, false, false}, 2)).containsExactly(2, 4);
    assertThat(TopK.select(s, null, 10)).containsExactly(1, 2, 4, 0, 3);
  }

  // ---- imported lists

  @Test
  void imported_tsvWithHeaderAndCommaLists_servedAsGiven(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("cands.tsv"), "user\titems\nu1\ti3\ti1\ti2\r\nu2\ti9,i8, i7\n");
    CandidateLists lists = CandidateLists.read(f);
    assertThat(lists.lists()).containsOnlyKeys("u1", "u2");
    BaseRecommender r = Recommenders.imported(lists);
    assertThat(r.recommend("u1", List.of("i3"), 10)).containsExactly("i3", "i1", "i2");
    assertThat(r.recommend("u2", List.of(), 2)).containsExactly("i9", "i8");
    assertThat(r.recommend("nobody", List.of(), 2)).isEmpty();
    assertThat(r.name()).contains("cands.tsv");
  }

  @Test
  void imported_jsonLines_andBadLinesReported(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("cands.jsonl"),
        "{\"user\": \"u1\", \"items\": [\"a\", \"b\"]}\n"
            + "{\"user_id\": \"u2\", \"item_ids\": [\"c\", 7]}\n"
            + "{\"user\": \"u3\", \"items\": [\"a\", \"a\"]}\n"
            + "{\"user\": \"u1\", \"items\": [\"z\"]}\n");
    CandidateLists lists = CandidateLists.read(f, LoadOptions.defaults().withMaxMalformedRate(0.5));
    assertThat(lists.lists()).containsOnlyKeys("u1", "u2");
    assertThat(lists.lists().get("u2")).containsExactly("c", "7");
    assertThat(lists.report().problems()).extracting(p -> p.line() + ": " + p.reason())
        .containsExactly("3: user u3's list repeats an item", "4: user u1 is listed twice");
    assertThatThrownBy(() -> CandidateLists.read(f)).isInstanceOf(DatasetFormatException.class);
  }

  @Test
  void imported_commaSeparatedLines_sayWhichSeparatorsAreAccepted(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("cands.csv"), "u1,i3,i1,i2\nu2,i9,i8\n");

    assertThatThrownBy(() -> CandidateLists.read(f)).isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("cands.csv")
        .hasMessageContaining("line 1: no tab: a line is user<TAB>item<TAB>item... or user<TAB>item,item,...");
  }
}
