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
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

  // history: m0 Drama|Comedy, m6 Drama|Action, m12 Drama|Horror, m18 Drama|Sci-Fi, m1 Comedy|Horror (latest)
  private final UserCase dramaFan = user("d", new int[] {0, 6, 12, 18, 1}, new int[] {2, 3, 4, 5, 24, 7, 8, 9, 10, 11}, 24);

  @Test
  void profile_followsTheInstruction_withTheDefaultReadingForAnythingElse() {
    String plain = profileFor("Describe the user.", dramaFan);
    // m0 Drama|Comedy, m6 Drama|Action, m12 Drama|Horror, m18 Drama|Sci-Fi, m1 Comedy|Action; ties by name
    assertThat(plain).isEqualTo("Favourite genres: Drama (40%), Action (20%).");
    assertThat(profileFor("Name the favourite genres.", dramaFan)).isEqualTo(plain);
    assertThat(profileFor("Name the favourite genres and the preferred era.", dramaFan))
        .contains("Preferred era: 1960s (60%).");
    assertThat(profileFor("List genres, including the secondary genres.", dramaFan))
        .startsWith("Favourite genres: Drama (40%), Action (20%), Comedy (20%), Horror (10%)");
    assertThat(profileFor("Name genres and what the user seems to avoid.", dramaFan)).contains("Avoids: Romance.");
    // recent items weigh much more: the latest Comedy|Action overtakes the Drama of the older ones
    assertThat(profileFor("Focus on the last few movies the user chose.", dramaFan))
        .isEqualTo("Favourite genres: Action (32%), Comedy (31%).");
    assertThat(profileFor("Name genres, but do not describe eras.", dramaFan)).doesNotContain("era");
  }

  @Test
  void instruction_canonicalSentencesReadBackTheSame() {
    for (int f = 0; f < Instruction.FOCUS_TAGS.length; f++) {
      for (int r = 0; r < 3; r++) {
        for (boolean era : new boolean[] {false, true}) {
          for (boolean avoid : new boolean[] {false, true}) {
            Instruction i = new Instruction(f, r, era, avoid, false, false, 0, List.of());
            for (String tags : List.of("genres", "categories")) {
              assertThat(Instruction.read(i.render("movie", tags), List.of())).as(i.render("movie", tags)).isEqualTo(i);
            }
            for (Instruction.Edit e : i.neighbours()) {
              assertThat(Instruction.Edit.parse("3. " + e.sentence("movie", "genres"), "movie", "genres")).hasValue(e);
            }
          }
        }
      }
    }
    Instruction shipped =
        Instruction.read(AgpOptimizer.builder().llm(llm).domain("movie").build().initialPrompt().text(), List.of());
    assertThat(shipped).isEqualTo(new Instruction(1, 1, true, true, false, false, 0, List.of()));
  }

  @Test
  void rerank_matchesWhatTheProfileStates() {
    AgpModel genres = AgpOptimizer.builder().llm(llm).domain("movie").build().model(new ProfilePrompt("Name the favourite genres."));
    Ranking r = genres.rerank(dramaFan);
    assertThat(r.isPermutationOf(dramaFan)).isTrue();
    assertThat(r.repair().repaired()).isFalse();
    // m24 (Drama|Romance) climbs from 5th; m2 (Action|Horror) keeps the top with the list's pull
    assertThat(r.itemIds().get(0)).isEqualTo("m2");
    assertThat(r.itemIds().indexOf("m24")).isLessThan(3);
  }

  @Test
  void sameCapabilities_llmDirRanksAsAgpWithTheDefaultReading() {
    CaseRerankerPair pair = new CaseRerankerPair();
    for (int u = 0; u < 20; u++) {
      int[] history = {u, u + 6, u + 12, u + 30, u + 31};
      int[] candidates = new int[10];
      for (int c = 0; c < 10; c++) {
        candidates[c] = 100 + 7 * u + c;
      }
      UserCase user = user("u" + u, history, candidates, -1);
      assertThat(pair.direct.rerank(user).itemIds()).as("user %d", u).isEqualTo(pair.agp.rerank(user).itemIds());
    }
  }

  /** LLM-Dir and AGP serving a prompt the simulator reads as it reads LLM-Dir's (nothing asked). */
  private final class CaseRerankerPair {
    final dev.agp.CaseReranker direct = LlmRerankers.builder(llm).domain("movie").direct();
    final dev.agp.CaseReranker agp =
        AgpOptimizer.builder().llm(llm).domain("movie").build().model(new ProfilePrompt("Describe the user."));
  }

  @Test
  void critique_followsTheEvidenceShown_otherEvidenceOtherAdvice() {
    List<Item> films = List.of(
        new Item("h1", "H1 (1960)", Map.of("genres", "Drama")), new Item("h2", "H2 (1961)", Map.of("genres", "Drama")),
        new Item("h3", "H3 (1962)", Map.of("genres", "Drama")), new Item("h4", "H4 (1990)", Map.of("genres", "Comedy")),
        new Item("h5", "H5 (1991)", Map.of("genres", "Comedy")), new Item("c1", "C1 (1965)", Map.of("genres", "Drama")),
        new Item("a1", "A1 (1995)", Map.of("genres", "Drama")));
    SimulatedLlm critic = SimulatedLlm.of(Catalogue.of(films), "movie");
    String instruction = "Name the user's favourite genres, most important first. Write at most 120 words.";
    String history = "1. H1 (1960)\n2. H2 (1961)\n3. H3 (1962)\n4. H4 (1990)\n5. H5 (1991)";
    // the user chose a 1960s Drama, placed under a 1990s Drama: only the era tells them apart
    String truth = critique(critic, instruction, history, "C1 (1965)", "\"A1 (1995)\"");
    // with the label moved onto the other candidate, nothing in the instruction would have helped
    String shuffled = critique(critic, instruction, history, "A1 (1995)", "\"C1 (1965)\"");
    assertThat(edits(truth)).containsExactly("Edit: Add: note the decades or eras of the movies the user prefers.");
    assertThat(edits(shuffled)).isEmpty();
    assertThat(shuffled).contains("the miss does not point to the instruction");
    assertThat(critique(critic, instruction, history, "C1 (1965)", "\"A1 (1995)\"")).isEqualTo(truth);
  }

  private static String critique(SimulatedLlm critic, String instruction, String history, String chosen, String above) {
    String text = "<instruction>\n" + instruction + "\n</instruction>\n<history>\n" + history + "\n</history>\n"
        + "<profile>\nFavourite genres: Drama (60%).\n</profile>\n<feedback>\nThe user chose the movie \"" + chosen
        + "\": the ranking placed it 2 of 10; it should have been at position 1. Ranked above it: " + above + ".\n</feedback>";
    return critic.complete(LlmRequest.of(Stage.CRITIQUE, "s", text)).text();
  }

  private static List<String> edits(String critique) {
    return critique.lines().filter(l -> l.startsWith("Edit:")).toList();
  }

  @Test
  void summarize_weighsEditsAndKeepsTheStrongestPerAspect() {
    Instruction.Edit eraOn = new Instruction.Edit(Instruction.Aspect.ERA, 1);
    Instruction.Edit eraOff = new Instruction.Edit(Instruction.Aspect.ERA, 0);
    Instruction.Edit broad = new Instruction.Edit(Instruction.Aspect.FOCUS, 2);
    String critiques = "User 1 (weight 0.500):\nText.\nEdit: " + eraOn.sentence("movie", "genres")
        + "\n\nUser 2 (weight 0.300):\nEdit: " + eraOff.sentence("movie", "genres")
        + "\nEdit: " + broad.sentence("movie", "genres")
        + "\n\nUser 3 (weight 0.100):\nEdit: " + new Instruction.Edit(Instruction.Aspect.AVOID, 1).sentence("movie", "genres");
    String summary = llm.complete(LlmRequest.of(Stage.SUMMARIZE, "s", "<critiques>\n" + critiques + "\n</critiques>")).text();
    assertThat(summary).isEqualTo("1. " + eraOn.sentence("movie", "genres") + "\n2. " + broad.sentence("movie", "genres"));
  }

  @Test
  void optimize_addsRemovesAndRewords_withinTheStrength() {
    String start = "Name the user's favourite genres, most important first. Note the decades or eras of the movies the user"
        + " prefers. Write at most 120 words.";
    String guidelines = "1. Remove: stop describing decades or eras.\n2. Reword: focus on the last few movies the user chose."
        + "\n3. Add: state which genres the user seems to avoid.";
    String small = optimize(start, guidelines, "Make small, targeted edits: keep it.");
    String large = optimize(start, guidelines, "Make large edits: restructure it.");
    assertThat(small).doesNotContain("eras").contains("Name the user's favourite genres").doesNotContain("last few");
    assertThat(large).doesNotContain("eras").contains("Focus on the last few movies", "State which genres the user seems to avoid.");
    assertThat(optimize(start, "1. Keep the instruction as it is.", "Make large edits.")).isEqualTo(start);
  }

  @Test
  void optimize_scoreOnly_readsTheScoreShown() {
    String start = "Name the user's favourite genres, most important first. Write at most 120 words.";
    String low = "Mean NDCG@10 over the batch's 10 users: 0.412. Users whose chosen movie was ranked below its target position: 9 of 10.";
    String high = "Mean NDCG@10 over the batch's 10 users: 0.950. Users whose chosen movie was ranked below its target position: 1 of 10.";
    assertThat(optimize(start, low, "Make small edits.")).isNotEqualTo(start);
    assertThat(optimize(start, high, "Make small edits.")).isEqualTo(start);
  }

  private String optimize(String instruction, String guidelines, String strength) {
    String text = "<instruction>\n" + instruction + "\n</instruction>\n<guidelines>\n" + guidelines + "\n</guidelines>\n\n"
        + strength + "\n\nIt must stay under 4000 characters.";
    String answer = llm.complete(LlmRequest.of(Stage.OPTIMIZE, "s", text)).text();
    assertThat(answer).startsWith("<prompt>\n").endsWith("\n</prompt>");
    return answer.substring("<prompt>\n".length(), answer.length() - "\n</prompt>".length());
  }

  @Test
  void otherDatasets_categoriesAndShelvesRankToo() {
    List<Item> products = List.of(
        new Item("p1", "Garden hose", Map.of("categories", "Home > Garden")),
        new Item("p2", "Trowel", Map.of("categories", "Home > Garden > Tools")),
        new Item("p3", "Novel", Map.of("categories", "Books > Fiction")),
        new Item("p4", "Rake", Map.of("categories", "Home > Garden > Tools")),
        new Item("b1", "Poems", Map.of("shelves", "poetry, classics")),
        new Item("b2", "Odes", Map.of("shelves", "poetry")));
    SimulatedLlm shop = SimulatedLlm.of(Catalogue.of(products), "item");
    UserCase gardener = new UserCase("g", List.of(products.get(0), products.get(1)),
        List.of(products.get(2), products.get(4), products.get(3)), Set.of("p4"));
    Ranking r = LlmRerankers.builder(shop).domain("item").direct().rerank(gardener);
    assertThat(r.itemIds().get(0)).isEqualTo("p4");
    UserCase reader = new UserCase("r", List.of(products.get(4)), List.of(products.get(2), products.get(5)), Set.of("b2"));
    assertThat(LlmRerankers.builder(shop).domain("item").direct().rerank(reader).itemIds()).containsExactly("b2", "p3");
  }

  @Test
  void attributesShownInThePrompt_areReadForTitlesItDoesNotKnow() {
    SimulatedLlm blank = SimulatedLlm.of(Catalogue.of(List.of()), "movie");
    String prompt = "<history>\n1. Unknown A | genres: Horror\n2. Unknown B | genres: Horror, Drama\n</history>\n"
        + "<candidates>\n[A] Unknown C | genres: Comedy\n[B] Unknown D | genres: Horror\n</candidates>";
    assertThat(blank.complete(LlmRequest.of(Stage.DIRECT_RERANK, "s", prompt)).text()).isEqualTo("<ranking>B, A</ranking>");
  }

  @Test
  void catalogue_sameWhateverTheOrder_uninformativeTagsDropped() {
    List<Item> items = new ArrayList<>(List.of(
        new Item("2", "Emma (1996)", Map.of("genres", "Romance", "category", "Movies & TV")),
        new Item("1", "Emma (1996)", Map.of("genres", "Comedy", "category", "Movies & TV")),
        new Item("3", "Heat (1995)", Map.of("genres", "Crime", "category", "Movies & TV"))));
    Catalogue a = Catalogue.of(items);
    Collections.reverse(items);
    Catalogue b = Catalogue.of(items);
    assertThat(a.lookup("Emma (1996)")).isEqualTo(b.lookup("Emma (1996)"));
    assertThat(a.lookup("Emma (1996)").orElseThrow().genres()).containsExactly("Comedy");
    assertThat(a.commonGenres()).doesNotContain("Movies & TV");
  }

  @Test
  void answers_areDeterministicAndReportTheModel() {
    LlmRequest r = LlmRequest.of(Stage.DIRECT_RERANK, "s",
        "<history>\n1. Movie 0 (1960)\n</history>\n<candidates>\n[A] Movie 1 (1961)\n[B] Movie 6 (1966)\n</candidates>");
    LlmResponse a = llm.complete(r);
    LlmResponse b = llm.complete(r);
    assertThat(a).isEqualTo(b);
    assertThat(a.model()).isEqualTo(SimulatedLlm.MODEL);
    // history: Drama|Comedy; A = Comedy|Horror on top of the list, B = Drama|Action second
    assertThat(a.text()).isEqualTo("<ranking>A, B</ranking>");
  }

  @Test
  void rppRank_readsItsSentencesWithTheSameVocabulary() {
    DriftWorld world = new DriftWorld();
    SimulatedLlm sim = world.llm();
    int deferring = 0;
    int deliberate = 0;
    int westernNamed = 0;
    int westernNot = 0;
    for (UserCase u : world.users("q", 30, 5, 0.7)) {
      StringBuilder h = new StringBuilder("<history>\n");
      for (int i = 0; i < u.history().size(); i++) {
        h.append(i + 1).append(". ").append(u.history().get(i).title()).append('\n');
      }
      StringBuilder c = new StringBuilder("</history>\n<candidates>\n");
      for (int i = 0; i < u.candidates().size(); i++) {
        c.append('[').append(dev.agp.prompt.CandidateLabels.label(i)).append("] ").append(u.candidates().get(i).title()).append('\n');
      }
      String data = h.toString() + c + "</candidates>\n";
      deferring += displacement(sim.complete(LlmRequest.of(Stage.RPP_RANK, "You are a movie recommender system. ",
          data + "Rank the candidates by the priority this user would give them.")).text());
      deliberate += displacement(sim.complete(LlmRequest.of(Stage.RPP_RANK, "",
          data + "Think step by step about which candidate the user is most likely to choose next.")).text());
      westernNamed += westernPlaces(u, sim.complete(LlmRequest.of(Stage.RPP_RANK, "",
          data + "Rank them by the user's history, paying most attention to Western movies.")).text());
      westernNot += westernPlaces(u, sim.complete(LlmRequest.of(Stage.RPP_RANK, "",
          data + "Rank them by the user's history.")).text());
    }
    assertThat(westernNamed).as("naming a genre lifts its candidates").isLessThan(westernNot);
    // "priority" and a recommender role defer to the list; reasoning step by step pulls away from it
    assertThat(deferring).isLessThan(deliberate);
  }

  /** The sum of the places given to Western candidates. */
  private static int westernPlaces(UserCase u, String answer) {
    String[] labels = answer.split("\n");
    int sum = 0;
    for (int i = 0; i < labels.length; i++) {
      if (u.candidates().get(dev.agp.prompt.CandidateLabels.index(labels[i]).getAsInt()).attributes().get("genres").contains("Western")) {
        sum += i;
      }
    }
    return sum;
  }

  /** How far an answer of one label per line moved the candidates from the list's order. */
  private static int displacement(String answer) {
    String[] labels = answer.split("\n");
    int d = 0;
    for (int i = 0; i < labels.length; i++) {
      d += Math.abs(i - dev.agp.prompt.CandidateLabels.index(labels[i]).getAsInt());
    }
    return d;
  }

  @Test
  void rpp_fitsAndRefinesItsSentences() {
    DriftWorld world = new DriftWorld();
    List<UserCase> users = world.users("r", 40, 9, 0.7);
    dev.agp.rpp.RppModel rpp = dev.agp.rpp.RppOptimizer.builder().llm(world.llm()).domain("movie").iterations(2)
        .refine(true).refineMinReward(0.0).build().fit(users.subList(0, 30));
    for (UserCase u : users.subList(30, 40)) {
      Ranking r = rpp.rerank(u);
      assertThat(r.isPermutationOf(u)).isTrue();
      assertThat(r.fallback()).isFalse();
      assertThat(r.repair().appended()).isZero();
    }
    // admitted rewrites (shared by several users) name a genre the users have in common
    assertThat(rpp.history().refined()).isNotEmpty().allSatisfy(r -> assertThat(r.text())
        .containsAnyOf("paying most attention to", "with a particular eye for"));
    assertThat(rpp.usage().stage(Stage.RPP_REFINE).failures()).isZero();
  }
}
