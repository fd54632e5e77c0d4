package dev.agp.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.CaseReranker;
import dev.agp.Item;
import dev.agp.LlmRerankers;
import dev.agp.Ranking;
import dev.agp.RepairStats;
import dev.agp.UserCase;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PermutationVotingTest {

  private static UserCase user(String id, int k) {
    List<Item> candidates = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      candidates.add(Item.of(id + "-c" + i, "Film " + i));
    }
    return new UserCase(id, List.of(Item.of("h", "Seen")), candidates, Set.of(id + "-c3"));
  }

  /** Ranks whatever order it is shown, unchanged: a maximally position-biased reranker. */
  private static final CaseReranker SHOWN_ORDER = u -> Ranking.of(u.userId(), u.candidateIds());

  @Test
  void vote_sameSeed_sameOrdersAndSeedsRecorded() {
    UserCase u = user("u1", 10);
    PermutationVoting a = PermutationVoting.builder(SHOWN_ORDER).permutations(4).seed(7).build();
    PermutationVoting b = PermutationVoting.builder(SHOWN_ORDER).permutations(4).seed(7).build();
    PermutationVoting.Vote va = a.vote(u);
    assertThat(va.seeds()).hasSize(4).doesNotHaveDuplicates().isEqualTo(b.vote(u).seeds());
    assertThat(va.orders()).isEqualTo(b.vote(u).orders()).hasSize(4);
    for (List<String> order : va.orders()) {
      assertThat(order).containsExactlyInAnyOrderElementsOf(u.candidateIds());
    }
    assertThat(va.orders()).doesNotHaveDuplicates();
    assertThat(a.orders(u).stream().map(o -> o.stream().map(Item::id).toList()).toList()).isEqualTo(va.orders());
    PermutationVoting c = PermutationVoting.builder(SHOWN_ORDER).permutations(4).seed(8).build();
    assertThat(c.vote(u).orders()).isNotEqualTo(va.orders());
    assertThat(a.vote(user("u2", 10)).seeds()).isNotEqualTo(va.seeds());
  }

  @Test
  void rerank_positionBiasedDelegate_isTheBordaCountOfTheShownOrders() {
    UserCase u = user("u1", 6);
    PermutationVoting v = PermutationVoting.builder(SHOWN_ORDER).permutations(5).seed(3).build();
    PermutationVoting.Vote vote = v.vote(u);
    Map<String, Integer> points = new HashMap<>();
    for (List<String> order : vote.orders()) {
      for (int i = 0; i < order.size(); i++) {
        points.merge(order.get(i), 6 - (i + 1), Integer::sum);
      }
    }
    List<String> expected = new ArrayList<>(u.candidateIds());
    expected.sort((x, y) -> points.get(y).equals(points.get(x))
        ? Integer.compare(u.candidateIds().indexOf(x), u.candidateIds().indexOf(y))
        : Integer.compare(points.get(y), points.get(x)));
    assertThat(vote.ranking().itemIds()).isEqualTo(expected);
    assertThat(vote.ranking().fallback()).isFalse();
  }

  @Test
  void rerank_consistentDelegate_keepsItsPreference() {
    UserCase u = user("u1", 8);
    List<String> preferred = new ArrayList<>(u.candidateIds());
    java.util.Collections.reverse(preferred);
    CaseReranker fixed = c -> Ranking.of(c.userId(), preferred);
    assertThat(PermutationVoting.builder(fixed).permutations(3).build().rerank(u).itemIds()).isEqualTo(preferred);
  }

  @Test
  void rerank_tiedPoints_brokenByBaseOrder() {
    UserCase u = new UserCase("u", List.of(), List.of(Item.of("a", "A"), Item.of("b", "B"), Item.of("c", "C")), Set.of());
    AtomicInteger calls = new AtomicInteger();
    CaseReranker alternating = c -> Ranking.of(c.userId(), calls.getAndIncrement() % 2 == 0 ? List.of("c", "b", "a") : List.of("a", "b", "c"));
    // points: a 0+2, b 1+1, c 2+0: all tie, so the base order a, b, c
    assertThat(PermutationVoting.builder(alternating).permutations(2).build().rerank(u).itemIds()).containsExactly("a", "b", "c");
  }

  @Test
  void rerank_fallbacksDoNotVote_allFallbacksGiveFallback() {
    UserCase u = user("u1", 5);
    AtomicInteger calls = new AtomicInteger();
    List<String> preferred = List.of("u1-c4", "u1-c3", "u1-c2", "u1-c1", "u1-c0");
    CaseReranker flaky = c -> calls.getAndIncrement() == 0 ? Ranking.fallback(c) : Ranking.of(c.userId(), preferred);
    assertThat(PermutationVoting.builder(flaky).permutations(3).build().rerank(u).itemIds()).isEqualTo(preferred);
    Ranking all = PermutationVoting.builder(Ranking::fallback).permutations(3).build().rerank(u);
    assertThat(all.fallback()).isTrue();
    assertThat(all.itemIds()).isEqualTo(u.candidateIds());
  }

  @Test
  void rerank_delegateReturnsNonPermutation_throws() {
    CaseReranker broken = c -> Ranking.of(c.userId(), List.of("zz"));
    assertThatThrownBy(() -> PermutationVoting.builder(broken).build().rerank(user("u1", 4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a permutation");
  }

  @Test
  void rerank_llmDirect_callsOncePerPermutationAndSumsRepairs() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder().on(Stage.DIRECT_RERANK, r -> "<ranking>A, B</ranking>").build();
    PermutationVoting v = PermutationVoting.builder(LlmRerankers.direct(llm)).permutations(3).seed(1).build();
    Ranking r = v.rerank(user("u1", 5));
    assertThat(llm.calls()).containsEntry(Stage.DIRECT_RERANK, 3L);
    assertThat(r.isPermutationOf(user("u1", 5))).isTrue();
    assertThat(r.repair().recognised()).isEqualTo(6); // 2 labels per answer
    assertThat(r.repair().appended()).isEqualTo(9); // 3 missing per answer
    assertThat(r.repair().method()).isEqualTo(RepairStats.ParseMethod.TAGGED);
  }

  @Test
  void rerank_concurrentUsers_sameAsSequential() {
    List<UserCase> users = IntStream.range(0, 40).mapToObj(i -> user("u" + i, 10)).toList();
    PermutationVoting v = PermutationVoting.builder(SHOWN_ORDER).permutations(3).seed(5).build();
    List<Ranking> sequential = users.stream().map(v::rerank).toList();
    List<Ranking> parallel = users.parallelStream().map(v::rerank).toList();
    assertThat(parallel).isEqualTo(sequential);
  }

  @Test
  void builder_badValues_throw() {
    assertThatThrownBy(() -> PermutationVoting.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PermutationVoting.builder(SHOWN_ORDER).permutations(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permutations");
    PermutationVoting v = PermutationVoting.builder(SHOWN_ORDER).permutations(2).seed(0).build();
    assertThat(v.permutations()).isEqualTo(2);
    assertThat(v.seed()).isZero();
  }
}
