package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.LlmRerankers;
import dev.agp.ProfilePrompt;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedLlmTest {

  private static final List<String> GENRES = List.of("Drama", "Comedy", "Action", "Horror", "Sci-Fi", "Romance");

  /** 300 movies: genre pairs cycling through GENRES, years 1960-2019. */
  static List<Item> movies() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String g1 = GENRES.get(i % GENRES.size());
      String g2 = GENRES.get((i / GENRES.size() + 1 + i) % GENRES.size());
      String genres = g1.equals(g2) ? g1 : g1 + "|" + g2;
      items.add(new Item("m" + i, "Movie " + i + " (" + (1960 + i % 60) + ")", Map.of("genres", genres)));
    }
    return items;
  }

  private final List<Item> movies = movies();
  private final SimulatedLlm llm = SimulatedLlm.of(Catalogue.of(movies), "movie");

  private UserCase user(String id, int[] history, int[] candidates, int relevant) {
    List<Item> h = new ArrayList<>();
    for (int i : history) {
      h.add(movies.get(i));
    }
    List<Item> c = new ArrayList<>();
    for (int i : candidates) {
      c.add(movies.get(i));
    }
    return new UserCase(id, h, c, relevant < 0 ? Set.of() : Set.of(movies.get(relevant).id()));
  }

  private String profileFor(String instruction, UserCase u) {
    List<String> profiles = new ArrayList<>();
    AgpModel model = AgpOptimizer.builder().domain("movie").llm(r -> {
      LlmResponse a = llm.complete(r);
      if (r.stage() == Stage.PROFILE) {
        profiles.add(a.text());
      }
      return a;
    }).build().model(new ProfilePrompt(instruction));
    model.rerank(u);
    return profiles.get(0);
  }

  // Drama-heavy history (ids 0, 6, 12 are Drama first), one Comedy most recently.
  private final UserCase dramaFan = user("d", new int[] {0, 6, 12, 18, 1}, new int[] {2, 3, 4, 5, 24, 7, 8, 9, 10, 11}, 24);

  @Test
  void profile_followsTheInstructionsVocabulary() {
    assertThat(profileFor("Describe the user.", dramaFan)).startsWith("Recently watched: Movie 18 (1978); Movie 1 (1961)");
    assertThat(profileFor("Name the favourite genres.", dramaFan)).isEqualTo("Favourite genres: Drama (40%), Action (20%).");
    assertThat(profileFor("Name the favourite genres and the preferred era.", dramaFan)).contains("Preferred era: 1960s.");
    assertThat(profileFor("List genres, including secondary genres.", dramaFan).split(",")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(profileFor("Name genres and what the user seems to avoid.", dramaFan)).contains("Avoids: ");
    assertThat(profileFor("Name genres; weigh recent movies more.", dramaFan)).contains("Lately: Drama, Sci-Fi, Comedy, Action.");
    assertThat(profileFor("Name genres from several sources, in general.", dramaFan)).doesNotContain("era");
  }

  @Test
  void rerank_profileGenresLiftMatchingCandidates() {
    AgpModel genres = AgpOptimizer.builder().llm(llm).domain("movie").build().model(new ProfilePrompt("Name the favourite genres."));
    Ranking r = genres.rerank(dramaFan);

    // m24 (Drama|Romance) climbs from 5th; m2 (Action, the second favourite) keeps the top
    assertThat(r.isPermutationOf(dramaFan)).isTrue();
    assertThat(r.itemIds().subList(0, 3)).containsExactly("m2", "m5", "m24");
    assertThat(r.repair().repaired()).isFalse();
  }

  @Test
  void baselines_rankWithoutAProfile() {
    Ranking direct = LlmRerankers.builder(llm).domain("movie").direct().rerank(dramaFan);
    Ranking cot = LlmRerankers.builder(llm).domain("movie").chainOfThought().rerank(dramaFan);

    assertThat(direct.positionOf("m24")).isLessThan(5);
    assertThat(cot.isPermutationOf(dramaFan)).isTrue();
    assertThat(cot.repair().method()).isEqualTo(dev.agp.RepairStats.ParseMethod.TAGGED);
  }

  @Test
  void answers_areDeterministicAndReportTheModel() {
    LlmRequest r = LlmRequest.of(Stage.DIRECT_RERANK, "s", "<history>\n1. Movie 0 (1960)\n</history>\n<candidates>\n[A] Movie 1 (1961)\n[B] Movie 6 (1966)\n</candidates>");
    LlmResponse a = llm.complete(r);
    LlmResponse b = llm.complete(r);

    assertThat(a).isEqualTo(b);
    assertThat(a.model()).isEqualTo(SimulatedLlm.MODEL);
    // history: Drama|Comedy; A = Comedy|Action on top of the list, B = Drama|Action second
    assertThat(a.text()).isEqualTo("<ranking>A, B</ranking>");
    assertThat(a.usage().inputTokens()).isPositive();
  }

  @Test
  void optimize_addsTheStrongestMissingGuidelinesByStrength() {
    String guidelines = "1. " + Directive.BREADTH.sentence("movie") + "\n2. " + Directive.ERA.sentence("movie")
        + "\n3. " + Directive.AVOID.sentence("movie");
    String small = llm.complete(LlmRequest.of(Stage.OPTIMIZE, "s", "<instruction>\nName the favourite genres.\n</instruction>\n<guidelines>\n"
        + guidelines + "\n</guidelines>\nMake small, targeted edits.")).text();
    String large = llm.complete(LlmRequest.of(Stage.OPTIMIZE, "s", "<instruction>\nName the favourite genres.\n</instruction>\n<guidelines>\n"
        + guidelines + "\n</guidelines>\nMake large edits.")).text();

    assertThat(small).isEqualTo("<prompt>\nName the favourite genres. " + Directive.BREADTH.sentence("movie") + "\n</prompt>");
    assertThat(large).contains(Directive.BREADTH.sentence("movie"), Directive.ERA.sentence("movie"), Directive.AVOID.sentence("movie"));
  }

  @Test
  void summarize_weighsTheEditsBehindEachGuideline() {
    String critiques = "User 1 (weight 0.600):\nText.\nEdit: " + Directive.ERA.sentence("movie")
        + "\n\nUser 2 (weight 0.300):\nEdit: " + Directive.BREADTH.sentence("movie")
        + "\n\nUser 3 (weight 0.100):\nEdit: " + Directive.AVOID.sentence("movie");
    String summary = llm.complete(LlmRequest.of(Stage.SUMMARIZE, "s", "<critiques>\n" + critiques + "\n</critiques>")).text();

    assertThat(summary).isEqualTo("1. " + Directive.ERA.sentence("movie") + "\n2. " + Directive.BREADTH.sentence("movie"));
  }

  @Test
  void fit_learnsGenreDirectivesAndImprovesValidation() {
    List<UserCase> users = synthetic(120, 5);
    AgpModel model = AgpOptimizer.builder().llm(llm).domain("movie").initialPrompt("Describe the user.")
        .batchSize(10).epochs(3).build().fit(users.subList(0, 100), users.subList(100, 120));

    double initial = model.history().epochs().get(0).validationNdcg();
    assertThat(model.history().bestValidationNdcg()).isGreaterThan(initial + 0.05);
    assertThat(model.prompt().text()).contains("genres");
  }

  /** Users who mostly watch two genres; the next movie is of one of them; the base list is shuffled. */
  private List<UserCase> synthetic(int n, long seed) {
    Random r = new Random(seed);
    List<UserCase> out = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      String main = GENRES.get(r.nextInt(GENRES.size()));
      List<Integer> liked = new ArrayList<>();
      List<Integer> other = new ArrayList<>();
      for (int i = 0; i < movies.size(); i++) {
        (movies.get(i).attributes().get("genres").startsWith(main) ? liked : other).add(i);
      }
      int[] history = new int[6];
      for (int h = 0; h < 6; h++) {
        history[h] = h % 3 == 2 ? other.get(r.nextInt(other.size())) : liked.get(r.nextInt(liked.size()));
      }
      int relevant = liked.get(r.nextInt(liked.size()));
      int[] candidates = new int[10];
      int at = r.nextInt(10);
      for (int c = 0; c < 10; c++) {
        candidates[c] = c == at ? relevant : other.get(r.nextInt(other.size()));
      }
      if (java.util.Arrays.stream(candidates).distinct().count() < 10) {
        u--;
        continue;
      }
      out.add(user("s" + u, history, candidates, relevant));
    }
    return out;
  }

  @Test
  void rpp_ranksWithTheChosenSentencesAndRefinesThem() {
    List<UserCase> users = synthetic(40, 9);
    dev.agp.rpp.RppModel rpp = dev.agp.rpp.RppOptimizer.builder().llm(llm).domain("movie").iterations(2)
        .refine(true).refineMinReward(0.0).build().fit(users.subList(0, 30));

    for (UserCase u : users.subList(30, 40)) {
      Ranking r = rpp.rerank(u);
      assertThat(r.isPermutationOf(u)).isTrue();
      assertThat(r.fallback()).isFalse();
      assertThat(r.repair().appended()).isZero();
    }
    assertThat(rpp.history().refined()).isNotEmpty();
    assertThat(rpp.history().refined()).anySatisfy(r -> assertThat(r.text()).contains("paying most attention to"))
        .allSatisfy(r -> assertThat(r.text()).doesNotStartWith("."));
    assertThat(rpp.usage().stage(Stage.RPP_REFINE).failures()).isZero();
  }

  @Test
  void rppRank_reasoningSentencesChangeTheOrder() {
    String history = "<history>\n1. Movie 0 (1960)\n2. Movie 12 (1972)\n3. Movie 1 (1961)\n</history>\n";
    String candidates = "<candidates>\n[A] Movie 3 (1963)\n[B] Movie 7 (1967)\n[C] Movie 24 (1984)\n[D] Movie 25 (1985)\n</candidates>\n";
    String byPriority = llm.complete(LlmRequest.of(Stage.RPP_RANK, "You are a movie recommender system. ",
        history + candidates + "Rank the candidates by the priority this user would give them.")).text();
    String byHistory = llm.complete(LlmRequest.of(Stage.RPP_RANK, "",
        history + candidates + "Rank the candidates according to the user's history, paying most attention to Drama movies.")).text();

    // "priority" trusts the list more (A is its top); with Drama as the focus a Drama (C or D) leads
    assertThat(List.of(byPriority.split("\n")).indexOf("A")).isLessThan(List.of(byHistory.split("\n")).indexOf("A"));
    assertThat(byHistory.split("\n")[0]).isIn("C", "D");
  }
}
