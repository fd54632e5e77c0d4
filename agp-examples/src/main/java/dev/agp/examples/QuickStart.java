package dev.agp.examples;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.CallEstimate;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The README's embedding example, compiled by the build: learn a profile prompt on your users,
 * then serve reranks. {@code QuickStartTest} runs it with a mocked {@link LlmClient}.
 */
public final class QuickStart {

  private QuickStart() {}

  /** One training case: history oldest first, the base model's top candidates, the held-out item. */
  public static UserCase trainingCase(String userId, List<Item> history, List<Item> topK, String heldOutItemId) {
    return new UserCase(userId, history, topK, Set.of(heldOutItemId));
  }

  /** Learns a prompt: checkpointed, so a crash resumes without repeating calls. */
  public static AgpModel learn(LlmClient llm, List<UserCase> trainUsers, Path checkpoint) {
    AgpOptimizer optimizer = AgpOptimizer.builder()
        .llm(llm)
        .domain("movie")
        .batchSize(10).epochs(10).historyLength(5)
        .concurrency(8).seed(42)
        .checkpoint(checkpoint)
        .build();
    CallEstimate plan = optimizer.estimate(trainUsers);   // before any call
    System.out.printf("AGP will make at most %d LLM calls%n", plan.totalCalls());
    return optimizer.fit(trainUsers);
  }

  /** Serves one user: the learned prompt writes the profile, the LLM reranks the candidates. */
  public static List<String> serve(AgpModel model, String userId, List<Item> history, List<Item> topK) {
    Ranking ranking = model.rerank(UserCase.forServing(userId, history, topK));
    return ranking.itemIds();   // a permutation of topK; the base order if the backend failed
  }
}
