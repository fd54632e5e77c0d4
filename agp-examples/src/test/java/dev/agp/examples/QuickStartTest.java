package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.agp.AgpModel;
import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "unit-test your code with a mocked LlmClient" example. */
class QuickStartTest {

  @TempDir Path dir;

  @Test
  void learnAndServe_withAMockedLlm() {
    LlmClient llm = mock(LlmClient.class);
    when(llm.complete(any())).thenAnswer(call -> {
      LlmRequest request = call.getArgument(0);
      return LlmResponse.of(switch (request.stage()) {
        case PROFILE -> "Enjoys heist thrillers.";
        case RERANK -> "<ranking>B, A, C</ranking>";
        case OPTIMIZE -> "<prompt>Describe the user's favourite genres.</prompt>";
        default -> "Mention genres.";
      });
    });
    List<Item> topK = List.of(Item.of("1", "Toy Story (1995)"), Item.of("2", "Heat (1995)"), Item.of("3", "Up (2009)"));
    List<Item> history = List.of(Item.of("9", "Ronin (1998)"));
    List<UserCase> train = new ArrayList<>();
    for (int u = 0; u < 10; u++) {
      train.add(QuickStart.trainingCase("u" + u, history, topK, "2"));
    }

    AgpModel model = QuickStart.learn(llm, train, dir.resolve("agp-checkpoint.json"));
    List<String> served = QuickStart.serve(model, "new-user", history, topK);

    assertThat(served).containsExactly("2", "1", "3");
    assertThat(model.usage().stage(Stage.RERANK).calls()).isPositive();
    assertThat(dir.resolve("agp-checkpoint.json")).exists();
  }
}
