package com.example.recommender;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.ProfilePrompt;
import dev.agp.UserCase;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmResponse;
import dev.agp.micrometer.AgpMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** An application's recommender: a learned AGP model shipped in its jar, served through an LLM. */
public final class Recommender {

  /** Where the application keeps its model. */
  public static final String MODEL = "models/agp-model.json";

  private final AgpModel model;

  public Recommender(AgpModel model) {
    this.model = model;
  }

  /** The model at {@link #MODEL} on {@code loader}'s class path, served through {@code llm}. */
  public static Recommender fromClasspath(ClassLoader loader, LlmClient llm) throws IOException {
    try (InputStream in = loader.getResourceAsStream(MODEL)) {
      if (in == null) {
        throw new IllegalStateException(MODEL + " is not on the class path");
      }
      return new Recommender(AgpModel.load(in, llm));
    }
  }

  /** The candidates' ids, best first. */
  public List<String> recommend(String userId, List<Item> history, List<Item> candidates) {
    return model.rerank(UserCase.forServing(userId, history, candidates)).itemIds();
  }

  /** Serves a hand-written prompt through a canned LLM, with metrics; prints the ranking. */
  public static void main(String[] args) {
    LlmClient canned = request -> switch (request.stage()) {
      case PROFILE -> LlmResponse.of("Likes animated films.");
      default -> LlmResponse.of("<ranking>B, A</ranking>");
    };
    // a real backend would come from LlmBackends; building one makes no call
    LlmClient unused = LlmBackends.openAiCompatible("http://127.0.0.1:9/v1", "", "local-model");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AgpModel model = AgpOptimizer.builder().llm(canned).domain("movie").build()
        .model(new ProfilePrompt("Describe the films this user likes in one sentence."))
        .withServingListener(AgpMetrics.of(registry));
    List<String> ids = new Recommender(model).recommend("u1",
        List.of(Item.of("h1", "Toy Story (1995)")),
        List.of(Item.of("a", "Heat (1995)"), Item.of("b", "Up (2009)")));
    System.out.println("ranking " + ids + " via " + unused.getClass().getSimpleName() + ", "
        + registry.getMeters().size() + " meters");
  }
}
