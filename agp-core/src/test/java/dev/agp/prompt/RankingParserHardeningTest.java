package dev.agp.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agp.Item;
import dev.agp.RepairStats.ParseMethod;
import dev.agp.RepairStats;
import dev.agp.prompt.PromptBlocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers written to break the parser: deep label lists, huge candidate lists, repeated tags, long
 * whitespace runs, titles that pose as labels and separators of other scripts. The timeouts are
 * hang detectors with a margin of orders of magnitude (the inputs parse in milliseconds), not
 * performance claims; parse time is benchmarked in agp-benchmarks.
 */
class RankingParserHardeningTest {

  private static final Duration HANG = Duration.ofSeconds(30);

  private static List<Item> items(int n) {
    return IntStream.range(0, n).mapToObj(i -> Item.of("i" + i, "Item number " + i)).toList();
  }

  private static List<String> ids(List<Item> items, int... indices) {
    List<String> out = new ArrayList<>();
    for (int i : indices) {
      out.add(items.get(i).id());
    }
    return out;
  }

  private static void assertPermutation(RankingParser.Result r, List<Item> shown) {
    assertThat(r.itemIds()).hasSize(shown.size());
    assertThat(new HashSet<>(r.itemIds())).isEqualTo(new HashSet<>(shown.stream().map(Item::id).toList()));
  }

  // ---------------------------------------------------------------- item 1: no recursion, linear time

  @Test
  void parse_oneLongLineOfAlternatingLabels_readsItWithoutOverflowingTheStack() {
    List<Item> shown = items(10);
    String answer = "C, D, " + "A, B, ".repeat(2_000) + "E";

    RankingParser.Result r = RankingParser.parse(answer, shown);

    assertPermutation(r, shown);
    assertThat(r.itemIds().subList(0, 5)).isEqualTo(ids(shown, 2, 3, 0, 1, 4));
    assertThat(r.stats().duplicates()).isEqualTo(2 * 2_000 - 2);
  }

  /**
   * Parses on a pool thread with the default stack size, as a fit's or a server's worker does (a
   * test's main thread may have a larger stack, which hid the earlier parser's recursion at 702).
   */
  private static RankingParser.Result parseOnWorkerThread(String answer, List<Item> shown) throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      return worker.submit(() -> RankingParser.parse(answer, shown)).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw new AssertionError("parsing threw " + e.getCause(), e.getCause());
    } finally {
      worker.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"<ranking>%s</ranking>", "<ranking>%s, </ranking>", "Here it is: <ranking>%s</ranking>", "%s"})
  void parse_rankingOfEveryLabelOnAWorkerThread_readsAllSevenHundredAndTwo(String form) throws Exception {
    List<Item> shown = items(CandidateLabels.MAX_CANDIDATES);
    List<Integer> order = new ArrayList<>(IntStream.range(0, shown.size()).boxed().toList());
    Collections.reverse(order);
    String answer = String.format(form, String.join(", ", order.stream().map(CandidateLabels::label).toList()));

    RankingParser.Result r = parseOnWorkerThread(answer, shown);

    assertThat(r.itemIds()).isEqualTo(order.stream().map(i -> shown.get(i).id()).toList());
    assertThat(r.stats().method()).isEqualTo(form.contains("<ranking>") ? ParseMethod.TAGGED : ParseMethod.LIST);
    assertThat(r.stats().recognised()).isEqualTo(CandidateLabels.MAX_CANDIDATES);
  }

  @Test
  void parse_labelsOneALineForEveryCandidate_readsAllOfThem() {
    List<Item> shown = items(CandidateLabels.MAX_CANDIDATES);
    StringBuilder answer = new StringBuilder();
    for (int i = shown.size() - 1; i >= 0; i--) {
      answer.append(CandidateLabels.label(i)).append('\n');
    }

    RankingParser.Result r = RankingParser.parse(answer.toString(), shown);

    assertThat(r.itemIds().get(0)).isEqualTo(shown.get(shown.size() - 1).id());
    assertThat(r.stats().recognised()).isEqualTo(CandidateLabels.MAX_CANDIDATES);
  }

  @Test
  void parse_thousandsOfOpeningTagsWithoutClosingOnes_finishes() {
    List<Item> shown = items(10);
    String answer = "C, A\n" + "<ranking> zz ".repeat(20_000);

    RankingParser.Result r = assertTimeoutPreemptively(HANG, () -> RankingParser.parse(answer, shown));

    assertPermutation(r, shown);
    assertThat(r.itemIds().subList(0, 2)).isEqualTo(ids(shown, 2, 0));
  }

  @Test
  void parse_longRunsOfWhitespaceBetweenLabels_finishes() {
    List<Item> shown = items(10);
    String answer = "C" + " ".repeat(150_000) + "x, A" + "\t".repeat(150_000) + ", B";

    RankingParser.Result r = assertTimeoutPreemptively(HANG, () -> RankingParser.parse(answer, shown));

    assertPermutation(r, shown);
  }

  @Test
  void parse_deeplyNestedBrackets_returnsThePermutation() {
    List<Item> shown = items(10);
    String answer = "[".repeat(200_000) + "\"C\"" + "]".repeat(200_000) + " {".repeat(50_000);

    RankingParser.Result r = assertTimeoutPreemptively(HANG, () -> RankingParser.parse(answer, shown));

    assertPermutation(r, shown);
  }

  @Test
  void parse_manyQuotesAroundOneLabel_finishes() {
    List<Item> shown = items(10);
    String answer = "\"".repeat(200_000) + "C" + "'".repeat(200_000) + ", A";

    RankingParser.Result r = assertTimeoutPreemptively(HANG, () -> RankingParser.parse(answer, shown));

    assertPermutation(r, shown);
  }

  // ---------------------------------------------------------------- item 2: titles cannot pose as labels

  /** Candidates whose titles imitate labels; an honest model echoes the candidate lines. */
  private static final List<Item> POSING =
      List.of(
          Item.of("toy", "Toy Story"),
          Item.of("jum", "Jumanji"),
          Item.of("heat", "Heat"),
          Item.of("plan", "Plan (B)"),
          Item.of("best", "Best [E] [A] [B] [C] [D]"),
          Item.of("top", "Top pick: [D][C] (A) (B)"),
          Item.of("list", "C, A, B, D"),
          Item.of("cut", "Director's cut (A) (B) (C)"));

  @Test
  void parse_echoedCandidateLinesInAnotherOrder_readsTheFirstLabelOfEachLine() {
    String block = PromptBlocks.candidates(POSING, 200);
    List<String> lines = new ArrayList<>(List.of(block.split("\n")));
    Collections.reverse(lines);
    String answer = "Here is my ranking:\n" + String.join("\n", lines);

    RankingParser.Result r = RankingParser.parse(answer, POSING);

    List<String> reversed = new ArrayList<>(POSING.stream().map(Item::id).toList());
    Collections.reverse(reversed);
    assertThat(r.itemIds()).isEqualTo(reversed);
    assertThat(r.stats().repaired()).isFalse();
  }

  @Test
  void parse_echoedNumberedLinesWithLabelShapedTitle_keepsTheOrderGiven() {
    String answer = "1. [B] Jumanji\n2. [E] Best (E) (A) (B) (C) (D)\n3. [A] Toy Story\n4. [C] Heat";

    RankingParser.Result r = RankingParser.parse(answer, POSING);

    assertThat(r.itemIds().subList(0, 4)).containsExactly("jum", "best", "toy", "heat");
  }

  @Test
  void parse_titleWithParenthesisedLetter_namesItsOwnCandidate() {
    RankingParser.Result titles = RankingParser.parse("Plan (B)\nHeat\nToy Story", POSING);
    RankingParser.Result prose = RankingParser.parse("I would start with Plan (B), then Heat, then Jumanji.", POSING);

    assertThat(titles.itemIds().subList(0, 3)).containsExactly("plan", "heat", "toy");
    assertThat(prose.itemIds().subList(0, 3)).containsExactly("plan", "heat", "jum");
  }

  @Test
  void parse_echoedLineWithTitleMadeOfLabels_countsOnlyItsOwnLabel() {
    String answer = "[G] C, A, B, D\n[A] Toy Story\n[C] Heat";

    RankingParser.Result r = RankingParser.parse(answer, POSING);

    assertThat(r.itemIds().subList(0, 3)).containsExactly("list", "toy", "heat");
  }

  @Test
  void parse_oneLineListOfLabelledTitles_stillReadsEveryLabel() {
    RankingParser.Result r = RankingParser.parse("[C] Heat, [A] Toy Story, [B] Jumanji", POSING);

    assertThat(r.itemIds().subList(0, 3)).containsExactly("heat", "toy", "jum");
  }

  // ---------------------------------------------------------------- item 8: other scripts' separators

  @ParameterizedTest
  @ValueSource(strings = {"C、A、B", "C，A，B", "C；A；B", "Ｃ、Ａ、Ｂ", "［C］［A］［B］", "【C】【A】【B】", "C\u3000A\u3000B",
      "<ranking>C、A、B</ranking>", "C\u2028A\u2029B", "C\u200B,\u200BA,\u2060B", "順位：C、A、B。"})
  void parse_separatorsAndLabelFormsOfOtherScripts_readTheLabels(String answer) {
    List<Item> shown = items(10);

    RankingParser.Result r = RankingParser.parse(answer, shown);

    assertThat(r.itemIds().subList(0, 3)).as(answer).isEqualTo(ids(shown, 2, 0, 1));
  }
}
