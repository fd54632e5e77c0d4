package dev.agp.benchmarks;

import dev.agp.Item;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.RankingParser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The answer parser on hostile answers of 16 KB to 1 MB, for 10 and for {@value
 * CandidateLabels#MAX_CANDIDATES} candidates: the shapes that made the earlier parser recurse once
 * per label, backtrack over whitespace, or rescan the rest of the answer for every opening tag.
 * Parse time should grow linearly with the answer up to {@code AnswerText.MAX_CHARS} (256 Ki
 * chars; a longer answer keeps its first and last halves) and stay flat beyond.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HostileAnswerBenchmark {

  @Param({"label-list", "opening-tags", "whitespace", "noise", "prose-titles"})
  public String shape;

  @Param({"16384", "262144", "1048576"})
  public int chars;

  @Param({"10", "702"})
  public int candidates;

  private List<Item> shown;
  private String answer;

  @Setup
  public void setUp() {
    shown = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      shown.add(Item.of("i" + i, "Film number " + i + " (" + (1950 + i % 70) + ")"));
    }
    answer = switch (shape) {
      case "label-list" -> repeat("A, B, ");
      case "opening-tags" -> repeat("<ranking> zz ");
      case "whitespace" -> "C" + " ".repeat(chars / 2) + "x, A" + "\t".repeat(chars / 2) + ", B";
      case "noise" -> noise();
      case "prose-titles" -> repeat("The user would enjoy Film number 3 and then Film number 1, not the 1950s ones. ")
          + "\nFinal ranking: C, B, A";
      default -> throw new IllegalArgumentException(shape);
    };
  }

  private String repeat(String unit) {
    return unit.repeat(chars / unit.length() + 1).substring(0, chars);
  }

  private String noise() {
    String[] pieces = {"[", "]", "(", ")", "{", "}", "\"", ",", ">", "->", "\n", " ", "A", "C", "ZZ", "[B]",
        "(C)", "**", "```", "<ranking>", "</ranking>", "1.", "Answer:", "Ａ", "、", "\u200B", "Film number 7"};
    SplittableRandom r = new SplittableRandom(7);
    StringBuilder sb = new StringBuilder(chars + 16);
    while (sb.length() < chars) {
      sb.append(pieces[r.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  @Benchmark
  public RankingParser.Result parse() {
    return RankingParser.parse(answer, shown);
  }
}
