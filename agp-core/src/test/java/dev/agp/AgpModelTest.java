package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.internal.AgpJson;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptTemplates;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgpModelTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 10, 21);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 4, 22);
  private static final List<UserCase> TEST = GenreWorld.users("t", 40, 23);

  @TempDir Path dir;

  static JsonNode readTree(Path p) throws IOException {
    return AgpJson.mapper().readTree(p.toFile());
  }

  private static AgpModel trained(LlmClient llm) {
    return AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie").batchSize(5)
        .epochs(2).template(TemplateName.RERANK, PromptTemplates.builtIn(TemplateName.RERANK) + "\nNo explanations.")
        .build().fit(TRAIN, VALIDATION);
  }

  @Test
  void rerank_learnedPrompt_ranksTheRelevantItemFirst() {
    AgpModel model = trained(GenreWorld.llm().build());

    for (UserCase u : TEST) {
      Ranking r = model.rerank(u);
      assertThat(r.isPermutationOf(u)).isTrue();
      assertThat(r.itemIds().get(0)).isIn(u.relevantItemIds());
      assertThat(r.fallback()).isFalse();
      assertThat(r.repair().method()).isEqualTo(RepairStats.ParseMethod.TAGGED);
    }
  }

  @Test
  void rerank_backendFailure_returnsTheFlaggedBaseOrderAndCountsIt() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel model = trained(llm);
    long before = model.usage().stage(Stage.PROFILE).failures();
    AgpModel down = model.withLlm(r -> {
      throw new LlmRetriableException("HTTP 503", null);
    });

    Ranking r = down.rerank(TEST.get(0));

    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).isEqualTo(TEST.get(0).candidateIds());
    assertThat(down.fallbacks()).isEqualTo(1);
    assertThat(down.usage().stage(Stage.PROFILE).failures()).isEqualTo(before + 1);
    AgpModel filtered = model.withLlm(r2 -> {
      if (r2.stage() == Stage.RERANK) {
        throw new LlmNonRetriableException("content filtered", null);
      }
      return llm.complete(r2);
    });
    assertThat(filtered.rerank(TEST.get(1)).fallback()).isTrue();
  }

  @Test
  void rerank_budgetRefusesACall_propagatesAndIsNotAFallback() {
    AgpModel model = trained(GenreWorld.llm().build());
    AgpModel broke = model.withLlm(r -> {
      throw new LlmBudgetExceededException("the budget of 1 USD could be exceeded", r.stage());
    });

    assertThatThrownBy(() -> broke.rerank(TEST.get(0))).isInstanceOf(LlmBudgetExceededException.class);
    assertThat(broke.fallbacks()).isZero();
  }

  @Test
  void rerank_malformedAnswers_alwaysReturnAPermutation() {
    AgpModel model = trained(GenreWorld.llm().build());
    List<String> answers = List.of("", "no idea", "<ranking>", "[\"Z\"]", "A, A, A", "{\"ranking\": 5}", "<ranking>J, I",
        "```\nK\n```", "1. 2. 3.", "\u0000\u0001");
    for (String answer : answers) {
      AgpModel odd = model.withLlm(r -> LlmResponse.of(r.stage() == Stage.RERANK ? answer : "A profile."));
      for (UserCase u : TEST.subList(0, 3)) {
        Ranking r = odd.rerank(u);
        assertThat(r.isPermutationOf(u)).as(answer).isTrue();
        assertThat(r.fallback()).isFalse();
      }
    }
  }

  @Test
  void rerank_concurrentCalls_matchSequentialResults() throws Exception {
    AgpModel model = trained(GenreWorld.llm().build());
    List<Ranking> sequential = TEST.stream().map(model::rerank).toList();
    long callsBefore = model.usage().total().calls();

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Ranking>> futures = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (UserCase u : TEST) {
          futures.add(pool.submit(() -> model.rerank(u)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % TEST.size()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(model.usage().total().calls() - callsBefore).isEqualTo(5L * 2 * TEST.size());
  }

  @Test
  void saveAndLoad_roundTripServesTheSame() throws IOException {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel model = trained(llm);
    Path file = dir.resolve("model.json");

    model.save(file);
    AgpModel loaded = AgpModel.load(file, GenreWorld.llm().build());

    assertThat(loaded.prompt()).isEqualTo(model.prompt());
    assertThat(loaded.history()).isEqualTo(model.history());
    assertThat(loaded.usage()).isEqualTo(model.usage());
    for (UserCase u : TEST.subList(0, 5)) {
      assertThat(loaded.rerank(u)).isEqualTo(model.rerank(u));
    }
    JsonNode json = readTree(file);
    assertThat(json.get("format").asText()).isEqualTo(AgpModel.FORMAT);
    assertThat(json.get("version").asInt()).isEqualTo(AgpModel.VERSION);
    assertThat(json.at("/settings/templates/RERANK").asText()).endsWith("No explanations.");
    assertThat(json.at("/settings/domain").asText()).isEqualTo("movie");
  }

  @Test
  void load_withoutLlm_isForInspectionOnly() {
    AgpModel model = trained(GenreWorld.llm().build());
    Path file = dir.resolve("model.json");
    model.save(file);

    AgpModel inspected = AgpModel.load(file);

    assertThat(inspected.prompt()).isEqualTo(model.prompt());
    assertThatThrownBy(() -> inspected.rerank(TEST.get(0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("withLlm");
    assertThat(inspected.withLlm(GenreWorld.llm().build()).rerank(TEST.get(0)).fallback()).isFalse();
  }

  @Test
  void load_foreignOrNewerDocuments_areRefused() throws IOException {
    AgpModel model = trained(GenreWorld.llm().build());
    Path file = dir.resolve("model.json");
    model.save(file);
    ObjectNode json = (ObjectNode) readTree(file);

    json.put("version", AgpModel.VERSION + 1);
    Files.writeString(file, json.toString());
    assertThatThrownBy(() -> AgpModel.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2");

    json.put("version", 1).put("format", "agp-checkpoint");
    Files.writeString(file, json.toString());
    assertThatThrownBy(() -> AgpModel.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a saved AGP model");

    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> AgpModel.load(file)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> AgpModel.load(dir.resolve("missing.json"))).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void model_handWrittenPrompt_servesWithoutTraining() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel model = AgpOptimizer.builder().llm(llm).build().model(new ProfilePrompt("Name the favourite genre."));

    Ranking r = model.rerank(TEST.get(0));

    assertThat(r.itemIds().get(0)).isIn(TEST.get(0).relevantItemIds());
    assertThat(model.history()).isEqualTo(FitHistory.EMPTY);
    assertThat(model.usage().calls()).containsEntry(Stage.PROFILE, 1L).containsEntry(Stage.RERANK, 1L);
    assertThat(llm.requests(Stage.PROFILE).get(0).temperature()).isZero();
    assertThat(llm.requests(Stage.RERANK).get(0).maxOutputTokens()).hasValue(300);
  }
}
