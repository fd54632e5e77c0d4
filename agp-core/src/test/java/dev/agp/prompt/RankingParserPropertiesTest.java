package dev.agp.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.Item;
import dev.agp.prompt.PromptBlocks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link RankingParser} over generated answers and candidate lists, with seeded
 * generators (every failure names its seed; {@code -Dagp.parser.seed=N} explores other runs):
 *
 * <ul>
 *   <li>whatever the answer (up to 1 MB of hostile text) and the candidates (1 to {@link
 *       CandidateLabels#MAX_CANDIDATES}, titles posing as labels), the result is a permutation of
 *       the candidates and no exception escapes, and the same input reads the same way twice;
 *   <li>a ranking written in any supported form (tags, JSON, label lines, arrows, the echoed
 *       candidate block, CJK separators, fullwidth letters), with noise around it, reads back as
 *       exactly that ranking.
 * </ul>
 */
class RankingParserPropertiesTest {

  private static final long SEED = Long.getLong("agp.parser.seed", 20_251_201L);
  private static final int[] SIZES = {1, 2, 3, 10, 20, 26, 27, 52, 100, 300, CandidateLabels.MAX_CANDIDATES};

  /** Fragments an adversary strings together. */
  private static final String[] NOISE = {
      "[", "]", "(", ")", "{", "}", "\"", "'", ",", ";", "|", ">", "->", "=>", "→", "\n", "\r\n", " ", "\t",
      "A", "C", "Z", "ZZ", "k", "AA", "[B]", "(C)", "**", "`", "```json\n", "```", "<ranking>", "</ranking>",
      "< ranking >", "</RANKING>", "<ranking", "ranking>", "1.", "2)", "- ", "#3", "Rank 4:", ":", "Answer:",
      "null", "true", "[\"", "\"]", "{\"ranking\": ", "é", "Ａ", "［", "］", "＜", "＞", "、", "，", "。", "【", "】",
      "\u200B", "\u2028", "\u2029", "\uE000", "\uD800", "\uDC00", "\uDB40\uDC41", "\uFE0F", "\u202E", "\u0000",
      "ﷺ", "Heat", "Toy Story", "Matrix, The", "Item number 7", "The ", "Label ", "Option ", "     "};

  // ---------------------------------------------------------------- never throws, always permutes

  @Test
  void parse_anyAnswerAnyCandidates_returnsAPermutationWithoutThrowing() {
    SplittableRandom seeds = new SplittableRandom(SEED);
    for (int trial = 0; trial < 1_500; trial++) {
      long seed = seeds.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      List<Item> shown = candidates(r, SIZES[r.nextInt(SIZES.length)]);
      String answer = noise(r, r.nextInt(4) == 0 ? 2_000 : 200);
      checkPermutation(seed, answer, shown);
    }
  }

  @Test
  void parse_answersUpToOneMegabyte_returnAPermutationWithoutThrowing() {
    SplittableRandom seeds = new SplittableRandom(SEED + 1);
    int[] lengths = {10_000, 100_000, 300_000, 1 << 20};
    for (int trial = 0; trial < 24; trial++) {
      long seed = seeds.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      List<Item> shown = candidates(r, SIZES[r.nextInt(SIZES.length)]);
      int length = lengths[trial % lengths.length];
      String answer = switch (trial % 3) {
        case 0 -> noise(r, length);
        case 1 -> repeated(r, length);
        default -> written(r, shown, shuffled(r, shown.size())) + noise(r, length);
      };
      checkPermutation(seed, answer, shown);
    }
  }

  private static void checkPermutation(long seed, String answer, List<Item> shown) {
    RankingParser.Result first = RankingParser.parse(answer, shown);
    RankingParser.Result again = RankingParser.parse(answer, shown);
    String what = "seed " + seed + ", " + shown.size() + " candidates, answer of " + answer.length() + " chars";
    assertThat(first.itemIds()).as(what).hasSize(shown.size());
    assertThat(new HashSet<>(first.itemIds())).as(what).isEqualTo(new HashSet<>(shown.stream().map(Item::id).toList()));
    assertThat(first.stats().recognised() + first.stats().appended()).as(what).isEqualTo(shown.size());
    assertThat(again).as(what + ", read twice").isEqualTo(first);
  }

  // ---------------------------------------------------------------- a written ranking reads back exactly

  @Test
  void parse_rankingWrittenInAnySupportedForm_readsBackExactly() {
    SplittableRandom seeds = new SplittableRandom(SEED + 2);
    for (int trial = 0; trial < 1_200; trial++) {
      long seed = seeds.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      List<Item> shown = candidates(r, SIZES[r.nextInt(SIZES.length)]);
      List<Integer> order = shuffled(r, shown.size());
      String answer = written(r, shown, order);

      RankingParser.Result result = RankingParser.parse(answer, shown);

      assertThat(result.itemIds())
          .as("seed %d, %d candidates, answer:%n%s", seed, shown.size(), abbreviate(answer))
          .isEqualTo(order.stream().map(i -> shown.get(i).id()).toList());
      assertThat(result.stats().repaired()).as("seed %d", seed).isFalse();
    }
  }

  /** {@code order} written the way some model might: one of several formats, with prose around it. */
  private static String written(SplittableRandom r, List<Item> shown, List<Integer> order) {
    StringBuilder sb = new StringBuilder();
    if (r.nextBoolean()) {
      sb.append(prose(r)).append('\n');
    }
    int form = r.nextInt(9);
    List<String> labels = order.stream().map(CandidateLabels::label).toList();
    switch (form) {
      case 0 -> sb.append("<ranking>").append(String.join(", ", labels)).append("</ranking>");
      case 1 -> sb.append("```json\n[\"").append(String.join("\", \"", labels)).append("\"]\n```");
      case 2 -> sb.append(String.join("\n", labels));
      case 3 -> sb.append(String.join(" > ", labels));
      case 4 -> {
        List<String> lines = new ArrayList<>(List.of(PromptBlocks.candidates(shown, 200).split("\n")));
        for (int k = 0; k < order.size(); k++) {
          sb.append(k + 1).append(". ").append(lines.get(order.get(k))).append('\n');
        }
      }
      case 5 -> sb.append(String.join("、", labels));
      case 6 -> {
        for (int k = 0; k < labels.size(); k++) {
          sb.append(k == 0 ? "" : "，").append(fullwidth(labels.get(k)));
        }
      }
      case 7 -> {
        for (int k = 0; k < labels.size(); k++) {
          sb.append("- [").append(labels.get(k)).append("]\u200B\n");
        }
      }
      default -> sb.append("{\"ranking\": [").append(String.join(", ", labels.stream().map(l -> "'" + l + "'").toList()))
          .append("]}");
    }
    if (r.nextBoolean() && form != 2 && form != 4 && form != 7) {
      sb.append("\n").append(prose(r));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- generators

  private static List<Item> candidates(SplittableRandom r, int n) {
    String[] shapes = {"Item number %d", "Best [E] [A] [B] [C] [D] %d", "Plan (B) %d", "C, A, B, D %d",
        "Director's cut (A) (B) %d", "Ｆｕｌｌｗｉｄｔｈ ［Ｃ］ %d", "<ranking>A</ranking> %d", "\u202Eevil %d",
        "Matrix, The (%d)", "Amélie %d", "%d", "A %d B"};
    List<Item> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Item.of("id-" + i, String.format(shapes[r.nextInt(shapes.length)], i)));
    }
    return out;
  }

  private static List<Integer> shuffled(SplittableRandom r, int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    for (int i = n - 1; i > 0; i--) {
      Collections.swap(order, i, r.nextInt(i + 1));
    }
    return order;
  }

  private static String noise(SplittableRandom r, int length) {
    StringBuilder sb = new StringBuilder(length + 64);
    while (sb.length() < length) {
      sb.append(NOISE[r.nextInt(NOISE.length)]);
    }
    return sb.toString();
  }

  /** One fragment over and over: the shape that made the old parser recurse or backtrack. */
  private static String repeated(SplittableRandom r, int length) {
    String[] units = {"A, B, ", " ", "<ranking>", "[", "\"", "C ", "<ranking> zz ", "1. ", "(C) ", "** "};
    String unit = units[r.nextInt(units.length)];
    return unit.repeat(length / unit.length() + 1);
  }

  private static String prose(SplittableRandom r) {
    String[] sentences = {"The user likes crime films.", "I considered the history carefully.",
        "Here is my answer:", "Step 1: infer preferences.", "Note: some items are sequels."};
    return sentences[r.nextInt(sentences.length)];
  }

  private static String fullwidth(String label) {
    StringBuilder sb = new StringBuilder();
    for (char c : label.toCharArray()) {
      sb.append((char) (c - 'A' + 'Ａ'));
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 400 ? s : s.substring(0, 400) + "...";
  }
}
