package com.example.modular;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import java.util.List;

/** Learns a profile prompt from training users and reranks with it, using only agp-core's API. */
public final class ModularRecommender {

  private final AgpModel model;

  private ModularRecommender(AgpModel model) {
    this.model = model;
  }

  /** Fits AGP on {@code train} (one epoch) through {@code llm}, starting from {@code initialPrompt}. */
  public static ModularRecommender fit(
      LlmClient llm, String initialPrompt, List<UserCase> train, List<UserCase> validation) {
    AgpModel model = AgpOptimizer.builder().llm(llm).initialPrompt(initialPrompt)
        .batchSize(5).epochs(1).build()
        .fit(train, validation);
    return new ModularRecommender(model);
  }

  /** The learned model. */
  public AgpModel model() {
    return model;
  }

  /** The candidates' ids, best first. */
  public List<String> recommend(UserCase user) {
    return model.rerank(user).itemIds();
  }
}
