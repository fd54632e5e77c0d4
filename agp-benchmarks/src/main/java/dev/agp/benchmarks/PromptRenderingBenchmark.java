package dev.agp.benchmarks;

import dev.agp.Item;
import dev.agp.TemplateName;
import dev.agp.llm.LlmMessage;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.PromptTemplates;
import dev.agp.prompt.UntrustedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The cost of building one PROFILE and one RERANK request (sanitising, blocks, placeholders). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PromptRenderingBenchmark {

  private PromptTemplate profile;
  private PromptTemplate rerank;
  private List<Item> history;
  private List<Item> candidates;
  private String instruction;
  private String generatedProfile;

  @Setup
  public void setUp() {
    profile = PromptTemplates.defaults().get(TemplateName.PROFILE);
    rerank = PromptTemplates.defaults().get(TemplateName.RERANK);
    history = new ArrayList<>();
    candidates = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      history.add(Item.of("h" + i, "A history title number " + i + " <with> [brackets] (1999)"));
      candidates.add(Item.of("c" + i, "A candidate title number " + i + " (2001)"));
    }
    instruction = "Describe this user's tastes from the movies they interacted with most recently. ".repeat(4);
    generatedProfile = "Favourite genres: Drama, Crime. Lately: Thriller. Preferred era: 1990s. ".repeat(6);
  }

  @Benchmark
  public List<LlmMessage> profileRequest() {
    return profile.render(Map.of(
        "instruction", UntrustedText.block(instruction, 4000),
        "history", PromptBlocks.history(history.subList(5, 10), 200),
        "domain", "movie",
        "historyCount", "5"));
  }

  @Benchmark
  public List<LlmMessage> rerankRequest() {
    return rerank.render(Map.of(
        "profile", UntrustedText.block(generatedProfile, 2000),
        "candidates", PromptBlocks.candidates(candidates, 200),
        "domain", "movie",
        "count", "10",
        "example", "A, B, C, D, E, F, G, H, I, J"));
  }
}
