package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A client written only from ARCHITECTURE.md's public contract: these lines use nothing else, so
 * a rename of a contract name breaks this test's compilation.
 */
class ContractClientTest {

  @Test
  void contract_asDocumented_compilesAndRuns() {
    // dev.agp.llm: the only port, mocked with a lambda
    LlmClient llmClient = (LlmRequest request) -> switch (request.stage()) {
      case PROFILE -> LlmResponse.of("Enjoys animated films.");
      case RERANK -> LlmResponse.of("<ranking>B, A</ranking>");
      case CRITIQUE -> LlmResponse.of("The profile should mention the animation studio.");
      case SUMMARIZE -> LlmResponse.of("1. Mention studios.");
      case OPTIMIZE -> LlmResponse.of("<prompt>Describe the studios the user likes.</prompt>");
      default -> LlmResponse.of("");
    };
    LlmMessage message = new LlmMessage(LlmMessage.Role.USER, "hi");
    assertThat(message.role()).isEqualTo(LlmMessage.Role.USER);
    assertThat(Stage.values()).contains(Stage.DIRECT_RERANK, Stage.COT_RERANK, Stage.RPP_RANK, Stage.RPP_REFINE);

    // dev.agp: data
    Item toyStory = Item.of("1", "Toy Story (1995)");
    Item up = new Item("2", "Up (2009)", Map.of("genres", "Animation"));
    List<UserCase> trainUsers = List.of(
        new UserCase("u1", List.of(toyStory), List.of(toyStory, up), Set.of("2")),
        new UserCase("u2", List.of(up), List.of(toyStory, up), Set.of("2")),
        new UserCase("u3", List.of(up), List.of(toyStory, up), Set.of("2")));
    UserCase userCase = new UserCase("u9", List.of(toyStory), List.of(toyStory, up), Set.of());

    // the five pipeline interfaces
    ProfileGenerator generator = (user, prompt) -> new UserProfile(user.userId(), prompt.text());
    Reranker reranker = (user, profile) -> Ranking.of(user.userId(), user.candidateIds());
    FeedbackCalculator calculator = (user, ranking) -> new PositionFeedback(user.userId(), List.of(), 1, 1, "");
    BatchAggregator aggregator = outcomes -> new BatchFeedback("", Map.of(), 1, 0, 1, UpdateStrength.SMALL, 0, false);
    PromptOptimizer optimizer = (current, feedback) -> new ProfilePrompt(current.text());
    assertThat(List.of(generator, reranker, calculator, aggregator, optimizer)).hasSize(5);

    // the entry point, exactly as documented
    AgpModel model = AgpOptimizer.builder()
        .llm(llmClient)
        .batchSize(10).epochs(10).historyLength(5)
        .concurrency(8).seed(42)
        .build()
        .fit(trainUsers);
    ProfilePrompt prompt = model.prompt();
    Ranking ranking = model.rerank(userCase);

    assertThat(prompt.text()).isNotBlank();
    assertThat(ranking.itemIds()).containsExactly("2", "1");
    assertThat(model.history().epochs()).isNotEmpty();
    assertThat(model.usage().stage(Stage.RERANK).calls()).isPositive();
  }
}
