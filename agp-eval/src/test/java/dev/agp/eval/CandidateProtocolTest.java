package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.eval.recommender.BaseRecommender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateProtocolTest {

  /** 60 users; user i consumed h{i}-0..h{i}-3 then validation v{i} and test t{i}. */
  static LooSplit split() {
    List<Interaction> xs = new ArrayList<>();
    for (int u = 0; u < 60; u++) {
      for (int h = 0; h < 4; h++) {
        xs.add(new Interaction("u" + u, "h" + u + "-" + h, 1, Instant.ofEpochSecond(h)));
      }
      xs.add(new Interaction("u" + u, "v" + u, 1, Instant.ofEpochSecond(10)));
      xs.add(new Interaction("u" + u, "t" + u, 1, Instant.ofEpochSecond(11)));
    }
    return LeaveOneOut.split(xs);
  }

  static Map<String, Item> items() {
    Map<String, Item> m = new HashMap<>();
    for (int u = 0; u < 60; u++) {
      for (int h = 0; h < 4; h++) {
        m.put("h" + u + "-" + h, new Item("h" + u + "-" + h, "History " + u + "/" + h, Map.of("genres", "Drama")));
      }
      m.put("v" + u, Item.of("v" + u, "Validation " + u));
      m.put("t" + u, Item.of("t" + u, "Test " + u));
    }
    for (int c = 0; c < 20; c++) {
      m.put("c" + c, Item.of("c" + c, "Candidate " + c));
    }
    return m;
  }

  /** Users with an even number get their test item at position (u % 10) + 1; odd ones miss it. */
  static final BaseRecommender FAKE = new BaseRecommender() {
    @Override
    public String name() {
      return "fake";
    }

    @Override
    public List<String> recommend(String userId, List<String> history, int k) {
      int u = Integer.parseInt(userId.substring(1));
      List<String> out = new ArrayList<>();
      for (int c = 0; c < k; c++) {
        out.add("c" + c);
      }
      if (u % 2 == 0) {
        out.set(u % 10, "t" + u);
      }
      return out;
    }
  };

  private static CandidateProtocol.Builder small() {
    return CandidateProtocol.builder().trainUsers(5).validationUsers(5).testUsers(10).concurrency(1);
  }

  @Test
  void apply_baseTopK_onlyHitsEligibleAndSetsDisjoint() {
    CandidateSets s = small().build().apply(items(), split(), FAKE);
    assertThat(s.train()).hasSize(5);
    assertThat(s.validation()).hasSize(5);
    assertThat(s.test()).hasSize(10);
    Set<String> all = new HashSet<>();
    for (List<UserCase> set : List.of(s.train(), s.validation(), s.test())) {
      for (UserCase u : set) {
        assertThat(all.add(u.userId())).isTrue();
        assertThat(Integer.parseInt(u.userId().substring(1)) % 2).isZero();
        assertThat(u.relevantItemIds()).containsExactly("t" + u.userId().substring(1));
        assertThat(u.candidates()).hasSize(10);
      }
    }
    CandidateSets.Report r = s.report();
    assertThat(r.evaluableUsers()).isEqualTo(60);
    assertThat(r.hits()).isEqualTo(30);
    assertThat(r.eligibleUsers()).isEqualTo(30);
    assertThat(r.hitRate()).isEqualTo(0.5);
    assertThat(r.base()).isEqualTo("fake");
    // even users' positions cycle 1,3,5,7,9 (u % 10 + 1 for u = 0,2,4,6,8): mean of 1/log2(p+1)
    double expected = 0;
    for (int p : new int[] {1, 3, 5, 7, 9}) {
      expected += 1 / (Math.log(p + 1) / Math.log(2));
    }
    assertThat(r.baseNdcgOnHits()).isCloseTo(expected / 5, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void apply_history_isEverythingBeforeTestWithTitlesCappedOldestFirst() {
    CandidateSets s = small().maxHistory(3).build().apply(items(), split(), FAKE);
    UserCase u = s.test().get(0);
    String n = u.userId().substring(1);
    assertThat(u.history()).extracting(Item::id).containsExactly("h" + n + "-2", "h" + n + "-3", "v" + n);
    assertThat(u.history().get(0).attributes()).containsEntry("genres", "Drama");
    assertThat(u.candidates().get(0).title()).startsWith("Candidate").isNotBlank();
  }

  @Test
  void apply_sameSeed_sameSets_otherSeed_otherSets() {
    CandidateSets a = small().seed(1).build().apply(items(), split(), FAKE);
    CandidateSets b = small().seed(1).concurrency(4).build().apply(items(), split(), FAKE);
    CandidateSets c = small().seed(2).build().apply(items(), split(), FAKE);
    assertThat(b).isEqualTo(a);
    assertThat(c.test()).isNotEqualTo(a.test());
  }

  /**
   * A full ranking: c0..c19 with the test item at rank u % 10 for even users, at rank 10 + u % 7
   * for odd ones; user u59's test item is not ranked at all.
   */
  static final BaseRecommender RANKS_ALL = new BaseRecommender() {
    @Override
    public String name() {
      return "ranks-all";
    }

    @Override
    public List<String> recommend(String userId, List<String> history, int k) {
      int u = Integer.parseInt(userId.substring(1));
      List<String> full = new ArrayList<>();
      for (int c = 0; c < 20; c++) {
        full.add("c" + c);
      }
      if (u != 59) {
        full.add(u % 2 == 0 ? u % 10 : 10 + u % 7, "t" + u);
      }
      return full.subList(0, Math.min(k, full.size()));
    }
  };

  @Test
  void apply_baseWindow_everyRankedUserEligibleWithAWindowOfTheBaseRanking() {
    CandidateProtocol p = small().testUsers(49).mode(CandidateMode.BASE_WINDOW).build();
    CandidateSets s = p.apply(items(), split(), RANKS_ALL);
    CandidateSets.Report r = s.report();
    assertThat(r.eligibleUsers()).isEqualTo(59);
    assertThat(r.hits()).isEqualTo(30);
    assertThat(r.windowed()).isEqualTo(29);
    assertThat(r.unranked()).isEqualTo(1);
    Set<Integer> places = new HashSet<>();
    for (List<UserCase> set : List.of(s.train(), s.validation(), s.test())) {
      for (UserCase u : set) {
        int n = Integer.parseInt(u.userId().substring(1));
        List<String> full = RANKS_ALL.recommend(u.userId(), List.of(), 100);
        List<String> ids = u.candidateIds();
        int start = full.indexOf(ids.get(0));
        assertThat(ids).as("user %d: consecutive items of the base ranking, in its order", n)
            .isEqualTo(full.subList(start, start + 10));
        assertThat(u.relevantItemIds()).containsExactly("t" + n);
        if (n % 2 == 0) {
          assertThat(start).as("a hit keeps the top 10").isZero();
          assertThat(ids.indexOf("t" + n)).isEqualTo(n % 10);
        } else {
          places.add(ids.indexOf("t" + n));
        }
      }
    }
    assertThat(places).as("the held-out item's place in deeper windows varies with the seed").hasSizeGreaterThan(3);
    assertThat(p.apply(items(), split(), RANKS_ALL)).isEqualTo(s);
    assertThat(small().testUsers(49).mode(CandidateMode.BASE_WINDOW).seed(7).build().apply(items(), split(), RANKS_ALL)
        .test()).isNotEqualTo(s.test());
  }

  @Test
  void apply_baseWindow_recommenderThatContradictsItsRank_fails() {
    BaseRecommender liar = new BaseRecommender() {
      @Override
      public String name() {
        return "liar";
      }

      @Override
      public List<String> recommend(String userId, List<String> history, int k) {
        return RANKS_ALL.recommend(userId, history, k);
      }

      @Override
      public java.util.OptionalInt rankOf(String userId, List<String> history, String itemId) {
        return java.util.OptionalInt.of(3);
      }
    };
    assertThatThrownBy(() -> small().mode(CandidateMode.BASE_WINDOW).build().apply(items(), split(), liar))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("liar ranks item")
        .hasMessageContaining("rankOf and recommend must give one order");
  }

  @Test
  void rankOf_default_findsDeepItemsAndSaysWhenAbsent() {
    BaseRecommender deep = new BaseRecommender() {
      @Override
      public String name() {
        return "deep";
      }

      @Override
      public List<String> recommend(String userId, List<String> history, int k) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, 1000); i++) {
          out.add("i" + i);
        }
        return out;
      }
    };
    assertThat(deep.rankOf("u", List.of(), "i0")).hasValue(0);
    assertThat(deep.rankOf("u", List.of(), "i777")).hasValue(777);
    assertThat(deep.rankOf("u", List.of(), "i999")).hasValue(999);
    assertThat(deep.rankOf("u", List.of(), "nope")).isEmpty();
  }

  @Test
  void apply_tooFewEligible_explainsCounts() {
    assertThatThrownBy(() -> CandidateProtocol.builder().concurrency(1).build().apply(items(), split(), FAKE))
        .isInstanceOf(NotEnoughUsersException.class)
        .hasMessageContaining("30 of 60 users are eligible")
        .hasMessageContaining("30 with the held-out item in the base top 10")
        .hasMessageContaining("100 training + 20 validation + 300 test")
        .hasMessageContaining("CandidateMode.BASE_WINDOW")
        .hasMessageContaining("allowFewerTestUsers(true)");
  }

  @Test
  void apply_tooFewEligible_suggestsOnlyWhatIsNotSetYet() {
    assertThatThrownBy(() -> CandidateProtocol.builder().concurrency(1).mode(CandidateMode.BASE_WINDOW)
            .allowFewerTestUsers(true).trainUsers(100).build().apply(items(), split(), RANKS_ALL))
        .isInstanceOfSatisfying(NotEnoughUsersException.class, e -> {
          assertThat(e.counts().eligibleUsers()).isEqualTo(59);
          assertThat(e.counts().unranked()).isEqualTo(1);
          assertThat(e.getMessage()).contains("1 whose held-out item the base cannot rank")
              .doesNotContain("use CandidateMode.BASE_WINDOW").doesNotContain("allowFewerTestUsers");
        });
  }

  @Test
  void apply_noEvaluableUsers_saysWhy() {
    List<Interaction> two = List.of(
        new Interaction("a", "x", 1, Instant.ofEpochSecond(1)), new Interaction("a", "y", 1, Instant.ofEpochSecond(2)));
    assertThatThrownBy(() -> small().build().apply(items(), LeaveOneOut.split(two), FAKE))
        .isInstanceOf(NotEnoughUsersException.class)
        .hasMessageContaining("0 of 0 users are eligible")
        .hasMessageContaining("no user has a held-out test item");
  }

  @Test
  void apply_allowFewerTestUsers_fillsWhatIsLeft() {
    CandidateSets s = small().testUsers(300).allowFewerTestUsers(true).build().apply(items(), split(), FAKE);
    assertThat(s.test()).hasSize(20);
  }

  @Test
  void apply_shortListsAndUnknownItems_countedNotEligible() {
    BaseRecommender odd = new BaseRecommender() {
      @Override
      public String name() {
        return "odd";
      }

      @Override
      public List<String> recommend(String userId, List<String> history, int k) {
        int u = Integer.parseInt(userId.substring(1));
        if (u < 10) {
          return List.of("t" + u); // too short
        }
        List<String> out = new ArrayList<>(FAKE.recommend(userId, history, k));
        if (u < 20) {
          out.set(9 - (u % 10 == 9 ? 1 : 0), "not-in-catalogue");
          out.set(u % 10, "t" + u);
        }
        return out;
      }
    };
    CandidateSets s = CandidateProtocol.builder().trainUsers(1).validationUsers(1).testUsers(1).concurrency(2).build()
        .apply(items(), split(), odd);
    assertThat(s.report().shortLists()).isEqualTo(10);
    assertThat(s.report().unknownItems()).isEqualTo(10);
    assertThat(s.report().hits()).isEqualTo(20); // even users 20..58
  }

  @Test
  void builder_badValues_throwNamingOption() {
    assertThatThrownBy(() -> CandidateProtocol.builder().k(1)).hasMessageContaining("k must be");
    assertThatThrownBy(() -> CandidateProtocol.builder().testUsers(0)).hasMessageContaining("testUsers");
    assertThatThrownBy(() -> CandidateProtocol.builder().trainUsers(-1)).hasMessageContaining("trainUsers");
    assertThatThrownBy(() -> CandidateProtocol.builder().maxHistory(0)).hasMessageContaining("maxHistory");
    assertThatThrownBy(() -> CandidateProtocol.builder().mode(null)).isInstanceOf(NullPointerException.class);
  }
}
