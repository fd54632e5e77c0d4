package dev.agp.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Item;
import dev.agp.RepairStats.ParseMethod;
import dev.agp.RepairStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RankingParserTest {

  /** Ten MovieLens-style candidates, shown as [A]..[J]; ids m1..m10. */
  static final List<Item> CANDIDATES =
      List.of(
          Item.of("m1", "Toy Story (1995)"),
          Item.of("m2", "Jumanji (1995)"),
          Item.of("m3", "Heat (1995)"),
          Item.of("m4", "Matrix, The (1999)"),
          Item.of("m5", "Crouching Tiger, Hidden Dragon (Wo hu cang long) (2000)"),
          Item.of("m6", "Up (2009)"),
          Item.of("m7", "Schindler's List (1993)"),
          Item.of("m8", "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)"),
          Item.of("m9", "Star Wars: Episode IV - A New Hope (1977)"),
          Item.of("m10", "Se7en (a.k.a. Seven) (1995)"));

  private static final String REST_AFTER_CAB = "D, E, F, G, H, I, J";

  static Stream<Arguments> answers() {
    return Stream.of(
        // answer, expected leading labels, method, duplicates, unknown
        Arguments.of("well-formed tagged block", "<ranking>C, A, B, D, E, F, G, H, I, J</ranking>",
            "C A B D E F G H I J", ParseMethod.TAGGED, 0, 0),
        Arguments.of("fenced JSON array", "```json\n[\"C\", \"A\", \"B\"]\n```", "C A B", ParseMethod.JSON, 0, 0),
        Arguments.of("JSON object with bracketed labels", "{\"ranking\": [\"[C]\", \"[A]\"]}", "C A", ParseMethod.JSON, 0, 0),
        Arguments.of("nested JSON object with an arrow string", "{\"result\": {\"order\": \"C > A > B\"}}",
            "C A B", ParseMethod.JSON, 0, 0),
        Arguments.of("JSON objects with label fields",
            "{\"ranked_items\": [{\"label\": \"C\", \"title\": \"Heat\"}, {\"label\": \"A\"}]}", "C A", ParseMethod.JSON, 0, 0),
        Arguments.of("single-quoted Python list", "['C', 'A', 'B']", "C A B", ParseMethod.JSON, 0, 0),
        Arguments.of("JSON strings with label and title", "[\"[C] Heat (1995)\", \"[A] Toy Story (1995)\"]",
            "C A", ParseMethod.JSON, 0, 0),
        Arguments.of("ascii arrows", "C > A > B > D", "C A B D", ParseMethod.LIST, 0, 0),
        Arguments.of("arrows with dashes", "C -> A -> B", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("unicode arrows", "C → A → B", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("numbered lines with titles", "1. [C] Heat (1995)\n2. [A] Toy Story (1995)\n3. [B] Jumanji (1995)",
            "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("prose mentioning labels", "I would put [C] first because it is a thriller, then [A], and finally [B].",
            "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("titles instead of labels, moved article", "Heat\nToy Story\nThe Matrix", "C A D", ParseMethod.TITLES, 0, 0),
        Arguments.of("title with comma and alternate title", "Crouching Tiger, Hidden Dragon\nHeat", "E C", ParseMethod.TITLES, 0, 0),
        Arguments.of("accent-free title", "Amelie\nSeven (a.k.a. Se7en)\nUp", "H J F", ParseMethod.TITLES, 0, 0),
        Arguments.of("duplicates keep the first", "<ranking>C, C, A, B, A</ranking>", "C A B", ParseMethod.TAGGED, 2, 0),
        Arguments.of("unknown labels are dropped", "<ranking>C, Z, A, K</ranking>", "C A", ParseMethod.TAGGED, 0, 2),
        Arguments.of("truncated tagged block", "<ranking>C, A, B, D", "C A B D", ParseMethod.TAGGED, 0, 0),
        Arguments.of("truncated JSON array", "[\"C\", \"A\", \"B", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("lowercase labels", "c, a, b", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("parenthesised labels on one line", "(C) (A) (B)", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("mixed labels and titles on lines", "C\nToy Story\n[B]", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("markdown bold", "**C** > **A** > **B**", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("chain of thought without tags",
            "Step 1: the user likes crime.\n[J] Se7en fits best.\n[A] is for kids.\nFinal ranking: C, A, B, D, E, F, G, H, I, J",
            "C A B " + REST_AFTER_CAB.replace(",", ""), ParseMethod.LIST, 0, 0),
        Arguments.of("reasoning before the tagged block",
            "Reasoning: [J] is a poor fit, [A] a good one.\n<ranking>A, B, C, D, E, F, G, H, I, J</ranking>",
            "A B C D E F G H I J", ParseMethod.TAGGED, 0, 0),
        Arguments.of("a corrected second block wins",
            "<ranking>A, B</ranking> Wait, correction: <ranking>B, A, C</ranking>", "B A C", ParseMethod.TAGGED, 0, 0),
        Arguments.of("label words", "Label C, Label A, Option B", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("answer prefix", "Answer: C, A, B", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("label trusted over a mismatching title", "[C] Toy Story\n[A] Heat", "C A", ParseMethod.LIST, 0, 0),
        Arguments.of("titles in free text", "The user would enjoy Heat the most, then Schindler's List, maybe Jumanji.",
            "C G B", ParseMethod.TITLES, 0, 0),
        Arguments.of("numbers are not labels", "[3, 1, 2]", "A B C D E F G H I J", ParseMethod.NONE, 0, 3),
        Arguments.of("a refusal", "I cannot help with that.", "A B C D E F G H I J", ParseMethod.NONE, 0, 0),
        Arguments.of("empty answer", "", "A B C D E F G H I J", ParseMethod.NONE, 0, 0),
        Arguments.of("CRLF lines and bullets", "- C\r\n- A\r\n- B\r\n", "C A B", ParseMethod.LIST, 0, 0),
        Arguments.of("enumerated labels with dots", "1) C.\n2) A.\n3) B.", "C A B", ParseMethod.LIST, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void parse_malformedAnswer_returnsRepairedPermutation(
      String name, String answer, String expectedLeading, ParseMethod method, int duplicates, int unknown) {
    RankingParser.Result r = RankingParser.parse(answer, CANDIDATES);

    List<String> expectedIds = new ArrayList<>();
    for (String label : expectedLeading.split(" ")) {
      expectedIds.add(CANDIDATES.get(CandidateLabels.index(label).getAsInt()).id());
    }
    assertPermutation(r.itemIds());
    assertThat(r.itemIds().subList(0, expectedIds.size())).as(name).isEqualTo(expectedIds);
    assertThat(r.stats().method()).as(name).isEqualTo(method);
    assertThat(r.stats().duplicates()).as(name + " duplicates").isEqualTo(duplicates);
    assertThat(r.stats().unknown()).as(name + " unknown").isEqualTo(unknown);
    int recognised = method == ParseMethod.NONE ? 0 : expectedIds.size();
    assertThat(r.stats().recognised()).as(name + " recognised").isEqualTo(recognised);
    assertThat(r.stats().appended()).isEqualTo(CANDIDATES.size() - recognised);
  }

  @Test
  void parse_missingCandidates_areAppendedInBaseOrder() {
    List<String> base = List.of("m10", "m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1");

    RankingParser.Result r = RankingParser.parse("<ranking>C, A</ranking>", CANDIDATES, base);

    assertThat(r.itemIds())
        .containsExactly("m3", "m1", "m10", "m9", "m8", "m7", "m6", "m5", "m4", "m2");
    assertThat(r.stats().appended()).isEqualTo(8);
    assertThat(r.stats().repaired()).isTrue();
  }

  @Test
  void parse_moreThanTwentySixCandidates_usesTwoLetterLabels() {
    List<Item> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(Item.of("i" + i, "Item number " + i));
    }

    RankingParser.Result r = RankingParser.parse("<ranking>AB, A, AD</ranking>", many);

    assertThat(r.itemIds().subList(0, 3)).containsExactly("i27", "i0", "i29");
    assertThat(r.stats().unknown()).isZero();
  }

  @Test
  void parse_baseOrderNotAPermutation_throws() {
    assertThatThrownBy(() -> RankingParser.parse("A", CANDIDATES, List.of("m1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permutation");
  }

  @Test
  void parse_randomGarbage_neverThrowsAndAlwaysPermutes() {
    Random random = new Random(7);
    String[] pieces = {"[", "]", "(", ")", "{", "}", "\"", "'", ",", ">", "->", "\n", " ", "A", "C", "Z", "k",
        "<ranking>", "</ranking>", "```", "json", "Heat", "Toy Story", "1.", "-", ":", "ranking", "null", "AA", "é"};
    for (int trial = 0; trial < 3000; trial++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      RankingParser.Result r = RankingParser.parse(sb.toString(), CANDIDATES);
      assertPermutation(r.itemIds());
      assertThat(r.stats().recognised() + r.stats().appended()).isEqualTo(CANDIDATES.size());
    }
  }

  private static void assertPermutation(List<String> ids) {
    assertThat(ids).hasSize(CANDIDATES.size());
    assertThat(new HashSet<>(ids)).isEqualTo(new HashSet<>(CANDIDATES.stream().map(Item::id).toList()));
  }
}
