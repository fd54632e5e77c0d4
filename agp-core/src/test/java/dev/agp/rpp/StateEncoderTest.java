package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.UserCase;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StateEncoderTest {

  private static final int[] BASE = {5, 3, 9, 5};

  @Test
  void encode_layoutIsEmbeddingThenOneHotsThenHistoryThenStep() {
    StateEncoder e = new StateEncoder(4, BASE, 20, 12);
    assertThat(e.dimension()).isEqualTo(4 + 22 + 2);
    double[] x = e.encode(new double[] {3, 0, 4, 0}, new int[] {1, StateEncoder.NONE, 8, 0}, 10, 9);
    assertThat(java.util.Arrays.copyOf(x, 4)).containsExactly(new double[] {1.2, 0, 1.6, 0}, Offset.offset(1e-12));
    assertThat(x[4 + 1]).isEqualTo(1);
    assertThat(java.util.Arrays.copyOfRange(x, 9, 12)).containsOnly(0);
    assertThat(x[12 + 8]).isEqualTo(1);
    assertThat(x[21 + 0]).isEqualTo(1);
    assertThat(java.util.Arrays.stream(x, 4, 26).sum()).isEqualTo(3);
    assertThat(x[26]).isEqualTo(0.5);
    assertThat(x[27]).isEqualTo(0.75);

  }

  @Test
  void encode_zeroEmbedding_staysZero() {
    double[] x = new StateEncoder(3, BASE, 20, 15).encode(new double[3], new int[] {-1, -1, -1, -1}, 5, 0);
    assertThat(java.util.Arrays.copyOf(x, 3)).containsOnly(0);
  }

  @Test
  void hashedHistory_deterministicPerSeedAndCloserForSharedItems() {
    Function<UserCase, double[]> h = StateEncoder.hashedHistory(64, 7);
    UserCase a = user("a", "x1", "x2", "x3");
    UserCase b = user("b", "x1", "x2", "y9");
    UserCase c = user("c", "z1", "z2", "z3");
    assertThat(h.apply(a)).isEqualTo(StateEncoder.hashedHistory(64, 7).apply(a));
    assertThat(h.apply(a)).isNotEqualTo(StateEncoder.hashedHistory(64, 8).apply(a));
    assertThat(cosine(h.apply(a), h.apply(b))).isGreaterThan(cosine(h.apply(a), h.apply(c)));
    assertThat(h.apply(user("empty"))).containsOnly(0);
  }

  @Test
  void embed_functionSeesNoGroundTruth() {
    UserCase u = user("g", "x1");
    double[] e = StateEncoder.embed(v -> new double[] {v.relevantItemIds().size()}, u);
    assertThat(e).containsExactly(0);
  }

  @Test
  void embed_nullOrMalformed_throwsIaeNamingUser() {
    UserCase u = user("bad", "x1");
    assertThatThrownBy(() -> StateEncoder.embed(v -> null, u))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
    StateEncoder e = new StateEncoder(2, BASE, 20, 15);
    assertThatThrownBy(() -> e.checked("bad", new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad").hasMessageContaining("index 1");
  }

  @Test
  void words_lowerCaseTokensOfTwoOrMoreCharacters() {
    assertThat(StateEncoder.words("The Matrix (1999) - a Film")).containsExactly("the", "matrix", "1999", "film");
  }

  private static UserCase user(String id, String... items) {
    List<Item> history = java.util.Arrays.stream(items).map(i -> Item.of(i, "Title of " + i)).toList();
    return new UserCase(id, history, List.of(Item.of("c", "C")), Set.of("c"));
  }

  private static double cosine(double[] a, double[] b) {
    double d = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }
}
