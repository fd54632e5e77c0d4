package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.AgpFitException;
import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.UserCase;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A budget that runs out stops an AGP fit cleanly, and a rerun with more budget resumes it. */
class BudgetStopsAgpFitTest {

  @TempDir Path dir;

  private final List<UserCase> users = GenreWorld.users("u", 20, 11);

  private AgpOptimizer optimizer(LlmClient llm, Path checkpoint) {
    return AgpOptimizer.builder()
        .llm(llm).batchSize(8).epochs(2).concurrency(4).seed(3)
        .initialPrompt(GenreWorld.NAIVE_PROMPT)
        .checkpoint(checkpoint)
        .build();
  }

  private static LlmClient stack(ScriptedLlmClient backend, LlmBudget budget) {
    return LlmClients.builder(backend).model("gpt-4o-mini").budget(budget).maxAttempts(1).build();
  }

  @Test
  void fit_budgetRunsOutHalfWay_stopsWithCheckpointAndResumesToTheSamePrompt() throws Exception {
    LlmBudget unlimited = LlmBudget.ofTokens(Long.MAX_VALUE / 4);
    AgpModel reference = optimizer(stack(GenreWorld.llm().build(), unlimited), dir.resolve("ref.json")).fit(users);
    long needed = unlimited.spentTokens();

    ScriptedLlmClient first = GenreWorld.llm().build();
    LlmBudget half = LlmBudget.ofTokens(needed / 2);
    Path checkpoint = dir.resolve("fit.json");
    AgpFitException stop =
        catchThrowableOfType(AgpFitException.class, () -> optimizer(stack(first, half), checkpoint).fit(users));

    assertThat(stop).isNotNull();
    assertThat(stop.getCause()).isInstanceOf(LlmBudgetExceededException.class);
    assertThat(stop.getMessage()).contains("budget");
    assertThat(stop.checkpoint()).contains(checkpoint);
    assertThat(Files.exists(checkpoint)).isTrue();
    assertThat(half.refusals()).isPositive();
    assertThat(half.spentTokens()).isLessThanOrEqualTo(needed / 2);

    ScriptedLlmClient second = GenreWorld.llm().build();
    AgpModel resumed = optimizer(stack(second, LlmBudget.ofTokens(needed * 2)), checkpoint).fit(users);

    assertThat(resumed.prompt()).isEqualTo(reference.prompt());
    assertThat((long) first.callCount() + second.callCount()).isLessThan(2 * reference.usage().total().calls());
    assertThat(resumed.usage().total().failures()).isPositive(); // the refused calls are on record
  }
}
