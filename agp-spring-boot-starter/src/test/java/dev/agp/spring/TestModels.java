package dev.agp.spring;

import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.ProfilePrompt;
import dev.agp.UserCase;
import dev.agp.llm.Stage;
import dev.agp.rpp.RppOptimizer;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Saved models and serving cases for the starter's tests, made with the real save methods. */
final class TestModels {

  static final String PROMPT = "Describe the films this user likes in one sentence.";

  private TestModels() {}

  /** An AGP model serving {@link #PROMPT}, saved to {@code file}. */
  static Path agp(Path file) {
    AgpOptimizer.builder().llm(ScriptedLlmClient.always("unused")).domain("movie").build()
        .model(new ProfilePrompt(PROMPT)).save(file);
    return file;
  }

  /** An RPP model trained for one short iteration on a scripted LLM, saved to {@code file}. */
  static Path rpp(Path file) {
    ScriptedLlmClient llm = ScriptedLlmClient.builder().on(Stage.RPP_RANK, r -> "<ranking>B, A</ranking>").build();
    RppOptimizer.builder().llm(llm).domain("movie").iterations(1).batchSize(5).concurrency(2).build()
        .fit(GenreWorld.users("r", 10, 5)).save(file);
    return file;
  }

  /** An RPP model trained with a supplied user embedding ({@link #embedding}), saved to {@code file}. */
  static Path rppWithEmbedding(Path file) {
    ScriptedLlmClient llm = ScriptedLlmClient.builder().on(Stage.RPP_RANK, r -> "<ranking>B, A</ranking>").build();
    RppOptimizer.builder().llm(llm).domain("movie").iterations(1).batchSize(5).concurrency(2)
        .userEmbedding(TestModels::embedding).build()
        .fit(GenreWorld.users("r", 10, 5)).save(file);
    return file;
  }

  /** A small deterministic user embedding. */
  static double[] embedding(UserCase user) {
    return new double[] {user.history().size(), user.userId().length(), 1};
  }

  /** A serving case: {@code historyItems} seen films and five candidates. */
  static UserCase user(String id, int historyItems) {
    List<Item> history = new ArrayList<>();
    for (int i = 0; i < historyItems; i++) {
      history.add(Item.of(id + "-h" + i, "Seen film " + i));
    }
    List<Item> candidates = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      candidates.add(Item.of("c" + i, "Candidate film " + i));
    }
    return UserCase.forServing(id, history, candidates);
  }
}
