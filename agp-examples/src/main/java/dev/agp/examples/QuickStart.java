package dev.agp.examples;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.CallEstimate;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.langchain4j.LlmBackends;
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

  /** The backend named by the environment: OPENAI_API_KEY, DEEPSEEK_API_KEY or AGP_BASE_URL (+ AGP_MODEL). */
  public static LlmClient backend() {
    LlmClient llm = LlmBackends.fromEnvironment();        // OPENAI_API_KEY, DEEPSEEK_API_KEY or AGP_BASE_URL
    return llm;
  }

  /** One training case: history oldest first, the base model's top candidates, the held-out item. */
  public static UserCase trainingCase(String userId, List<Item> history, List<Item> topK, String heldOutItemId) {
    return new UserCase(userId, history, topK, Set.of(heldOutItemId));
  }

  /** Learns a prompt, checkpointed, and saves the model. */
  public static AgpModel learn(LlmClient llm, List<UserCase> trainUsers, Path checkpoint) {
    AgpOptimizer optimizer = AgpOptimizer.builder()
        .llm(llm)
        .domain("movie")
        .batchSize(10).epochs(10).historyLength(5)
        .concurrency(20).seed(42)
        .checkpoint(checkpoint)                           // resumes after a crash, no call repeated
        .build();
    CallEstimate plan = optimizer.estimate(trainUsers);   // before any call
    System.out.printf("AGP will make at most %d LLM calls%n", plan.totalCalls());
    AgpModel model = optimizer.fit(trainUsers);           // List<UserCase>; 20% split off for validation
    model.save(checkpoint.resolveSibling("agp-model.json"));   // versioned JSON; AgpModel.load(path, llm)
    return model;
  }

  /** Serves one user: the learned prompt writes the profile, the LLM reranks the candidates. */
  public static List<String> serve(AgpModel model, String userId, List<Item> history, List<Item> topK) {
    Ranking ranking = model.rerank(UserCase.forServing(userId, history, topK));   // thread-safe
    return ranking.itemIds();                             // a permutation of topK; base order if the backend failed
  }
}
