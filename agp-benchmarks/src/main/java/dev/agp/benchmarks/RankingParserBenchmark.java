package dev.agp.benchmarks;

import dev.agp.Item;
import dev.agp.prompt.RankingParser;
import java.util.ArrayList;
import java.util.List;
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

/** The cost of reading one rerank answer of 10 candidates, by answer shape. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RankingParserBenchmark {

  @Param({"tagged", "json", "numbered-titles", "cot-prose", "garbage"})
  public String shape;

  private List<Item> candidates;
  private String answer;

  @Setup
  public void setUp() {
    candidates = new ArrayList<>();
    String[] titles = {"Toy Story (1995)", "Jumanji (1995)", "Heat (1995)", "Matrix, The (1999)",
        "Crouching Tiger, Hidden Dragon (Wo hu cang long) (2000)", "Up (2009)", "Schindler's List (1993)",
        "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", "Star Wars: Episode IV - A New Hope (1977)",
        "Se7en (a.k.a. Seven) (1995)"};
    for (int i = 0; i < titles.length; i++) {
      candidates.add(Item.of("m" + i, titles[i]));
    }
    answer = switch (shape) {
      case "tagged" -> "<ranking>C, A, B, D, E, F, G, H, I, J</ranking>";
      case "json" -> "```json\n{\"ranking\": [\"C\", \"A\", \"B\", \"D\", \"E\", \"F\", \"G\", \"H\", \"I\", \"J\"]}\n```";
      case "numbered-titles" -> "1. Heat\n2. Toy Story\n3. Jumanji\n4. The Matrix\n5. Crouching Tiger, Hidden Dragon\n"
          + "6. Up\n7. Schindler's List\n8. Amelie\n9. Star Wars: Episode IV - A New Hope\n10. Se7en";
      case "cot-prose" -> "Step 1: the user likes crime thrillers such as Heat and Se7en. ".repeat(8)
          + "\n[C] fits best, then [J]; [A] is for children.\nFinal ranking: C, J, A, B, D, E, F, G, H, I";
      case "garbage" -> "I am sorry, but I cannot rank these movies without more information about the user. ".repeat(5);
      default -> throw new IllegalArgumentException(shape);
    };
  }

  @Benchmark
  public RankingParser.Result parse() {
    return RankingParser.parse(answer, candidates);
  }
}
