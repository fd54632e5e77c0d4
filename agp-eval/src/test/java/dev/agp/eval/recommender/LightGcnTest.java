package dev.agp.eval.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.eval.Interaction;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LightGcnTest {

  /**
   * Two communities: users 0..19 consume items g0..g14, users 20..39 consume h0..h14, each user 8
   * random items of their community (seeded).
   */
  static LooSplit communities() {
    Random r = new Random(3);
    List<Interaction> xs = new ArrayList<>();
    long t = 0;
    for (int u = 0; u < 40; u++) {
      String prefix = u < 20 ? "g" : "h";
      List<Integer> items = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        items.add(i);
      }
      java.util.Collections.shuffle(items, r);
      for (int i = 0; i < 8; i++) {
        xs.add(new Interaction("u" + u, prefix + items.get(i), 1, Instant.ofEpochSecond(t++)));
      }
    }
    return LeaveOneOut.split(xs);
  }

  private static LightGcn.Builder small() {
    return LightGcn.builder().dimension(8).layers(2).epochs(40).batchSize(64).learningRate(0.02).evalEvery(5).patience(100).seed(7);
  }

  @Test
  void fit_communities_recommendsOwnCommunityAndLossFalls() {
    LightGcnModel m = small().threads(1).build().fit(communities());
    List<String> forG = m.recommend("u1", List.of(), 5);
    List<String> forH = m.recommend("u30", List.of(), 5);
    assertThat(forG).allMatch(i -> i.startsWith("g"));
    assertThat(forH).allMatch(i -> i.startsWith("h"));
    LightGcn.TrainingLog log = m.trainingLog();
    assertThat(log.epochs()).hasSize(40);
    assertThat(log.epochs().get(39).loss()).isLessThan(log.epochs().get(0).loss() * 0.8);
    assertThat(log.users()).isEqualTo(40);
    assertThat(log.items()).isEqualTo(30);
    assertThat(log.validationUsers()).isEqualTo(40);
    assertThat(log.bestEpoch()).isBetween(5, 40);
    assertThat(log.epochs().get(4).validationNdcg()).isPresent();
    assertThat(log.epochs().get(3).validationNdcg()).isEmpty();
    assertThat(m.name()).contains("LightGCN(d=8");
  }

  @Test
  void fit_sameSeed_sameModelAtAnyThreadCount() {
    LooSplit s = communities();
    LightGcnModel one = small().epochs(10).threads(1).build().fit(s);
    LightGcnModel two = small().epochs(10).threads(2).build().fit(s);
    LightGcnModel three = small().epochs(10).threads(3).build().fit(s);
    for (String u : List.of("u0", "u13", "u27", "u39")) {
      assertThat(two.userEmbedding(u).orElseThrow()).containsExactly(one.userEmbedding(u).orElseThrow());
      assertThat(three.userEmbedding(u).orElseThrow()).containsExactly(one.userEmbedding(u).orElseThrow());
      assertThat(two.recommend(u, List.of(), 10)).isEqualTo(one.recommend(u, List.of(), 10));
    }
    assertThat(two.trainingLog().epochs().get(9).loss()).isEqualTo(one.trainingLog().epochs().get(9).loss());
  }

  @Test
  void fit_otherSeed_otherEmbeddings() {
    LooSplit s = communities();
    double[] a = small().epochs(2).build().fit(s).userEmbedding("u0").orElseThrow();
    double[] b = small().epochs(2).seed(8).build().fit(s).userEmbedding("u0").orElseThrow();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void model_embeddingsAndUnknownUsers() {
    LightGcnModel m = small().epochs(1).build().fit(communities());
    assertThat(m.embeddingDimension()).isEqualTo(8);
    assertThat(m.userEmbedding("u3")).get().satisfies(e -> assertThat(e).hasSize(8));
    double[] copy = m.userEmbedding("u3").orElseThrow();
    copy[0] = 99;
    assertThat(m.userEmbedding("u3").orElseThrow()[0]).isNotEqualTo(99);
    assertThat(m.userEmbedding("stranger")).isEmpty();
    assertThat(m.userVector(dev.agp.UserCase.forServing("u3", List.of(), List.of(dev.agp.Item.of("g1", "G1")))))
        .containsExactly(m.userEmbedding("u3").orElseThrow());
    assertThatThrownBy(() -> m.userVector(dev.agp.UserCase.forServing("stranger", List.of(), List.of(dev.agp.Item.of("g1", "G1")))))
        .hasMessageContaining("not in its training data");
    assertThat(m.recommend("stranger", List.of(), 5)).isEmpty();
    assertThat(m.recommend("u3", List.of("g1", "g2"), 30)).hasSize(28).doesNotContain("g1", "g2");
  }

  @Test
  void rankOf_isThePlaceInTheFullRanking() {
    LightGcnModel m = small().epochs(3).build().fit(communities());
    for (String u : List.of("u0", "u7", "u25")) {
      for (List<String> history : List.of(List.<String>of(), List.of("g1", "h2", "g5"))) {
        List<String> all = m.recommend(u, history, 100);
        for (String item : all) {
          assertThat(m.rankOf(u, history, item)).as("%s %s %s", u, history, item).hasValue(all.indexOf(item));
        }
        history.forEach(h -> assertThat(m.rankOf(u, history, h)).isEmpty());
      }
    }
    assertThat(m.rankOf("stranger", List.of(), "g1")).isEmpty();
    assertThat(m.rankOf("u0", List.of(), "unknown")).isEmpty();
  }

  @Test
  void fit_listenerSeesEveryEpochAndPatienceStops() {
    List<Integer> seen = new ArrayList<>();
    LightGcnModel m = small().epochs(200).learningRate(0.5).evalEvery(1).patience(2)
        .listener(e -> seen.add(e.epoch())).build().fit(communities());
    assertThat(seen).isEqualTo(m.trainingLog().epochs().stream().map(LightGcn.EpochStats::epoch).toList());
    assertThat(seen.size()).isLessThan(200);
  }

  @Test
  void builder_badValues_throwNamingOption() {
    assertThatThrownBy(() -> LightGcn.builder().dimension(0)).hasMessageContaining("dimension");
    assertThatThrownBy(() -> LightGcn.builder().layers(-1)).hasMessageContaining("layers");
    assertThatThrownBy(() -> LightGcn.builder().learningRate(0)).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> LightGcn.builder().l2(-1)).hasMessageContaining("l2");
    assertThatThrownBy(() -> LightGcn.builder().threads(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> LightGcn.builder().listener(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void fit_noTrainingInteractions_throws() {
    LooSplit empty = LeaveOneOut.split(List.of());
    assertThatThrownBy(() -> LightGcn.builder().build().fit(empty)).hasMessageContaining("no training interactions");
  }
}
