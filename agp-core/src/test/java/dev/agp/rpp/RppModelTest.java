package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.internal.AgpJson;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RppModelTest {

  @TempDir Path dir;

  private static final List<UserCase> TRAIN = RppTesting.mixed("t", 6, 11);
  private static final List<UserCase> HELD = RppTesting.mixed("h", 5, 12);

  @Test
  void saveLoadRerank_roundTrip_sameChoicesRankingsAndHistory() throws Exception {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    Path file = dir.resolve("rpp-model.json");
    model.save(file);
    ScriptedLlmClient serving = RppWorld.llm().build();
    RppModel loaded = RppModel.load(file, serving);
    for (UserCase u : HELD) {
      assertThat(loaded.choose(u)).isEqualTo(model.choose(u));
      Ranking r = loaded.rerank(u);
      assertThat(r).isEqualTo(model.rerank(u));
      assertThat(r.isPermutationOf(u)).isTrue();
      assertThat(r.fallback()).isFalse();
    }
    assertThat(serving.calls()).containsExactlyEntriesOf(java.util.Map.of(Stage.RPP_RANK, (long) HELD.size()));
    assertThat(loaded.history()).isEqualTo(model.history());
    for (PromptPattern p : PromptPattern.values()) {
      assertThat(loaded.actionSpace(p)).isEqualTo(model.actionSpace(p));
    }
    assertThat(loaded.method()).isEqualTo("RPP");
    String json = Files.readString(file);
    assertThat(AgpJson.mapper().readTree(json).get("format").asText()).isEqualTo(RppModel.FORMAT);
    assertThat(AgpJson.mapper().readTree(json).get("version").asInt()).isEqualTo(RppModel.VERSION);
  }

  @Test
  void saveLoad_rppPlus_keepsTheRefinedSentences() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).refine(true).refineMinReward(0).maxRefinedSentences(2).build().fit(TRAIN);
    assertThat(model.actionSpace(PromptPattern.REASONING_GUIDANCE)).hasSize(9 + 2);
    Path file = dir.resolve("rpp-plus.json");
    model.save(file);
    RppModel loaded = RppModel.load(file, RppWorld.llm().build());
    assertThat(loaded.method()).isEqualTo("RPP+");
    assertThat(loaded.actionSpace(PromptPattern.REASONING_GUIDANCE)).isEqualTo(model.actionSpace(PromptPattern.REASONING_GUIDANCE));
    for (UserCase u : HELD) {
      assertThat(loaded.choose(u)).isEqualTo(model.choose(u));
    }
  }

  @Test
  void rerank_backendFails_baseOrderFlaggedAndCounted() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    ScriptedLlmClient down = ScriptedLlmClient.builder()
        .failWhen(r -> true, () -> new LlmRetriableException("connection refused", null)).build();
    RppModel serving = model.withLlm(down);
    long failuresBefore = serving.usage().stage(Stage.RPP_RANK).failures();
    UserCase u = HELD.get(0);
    Ranking r = serving.rerank(u);
    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).isEqualTo(u.candidateIds());
    assertThat(serving.fallbacks()).isEqualTo(1);
    assertThat(serving.usage().stage(Stage.RPP_RANK).failures()).isEqualTo(failuresBefore + 1);
  }

  @Test
  void rerank_budgetRefusesTheCall_propagatesAndIsNotAFallback() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    RppModel broke = model.withLlm(r -> {
      throw new LlmBudgetExceededException("the token budget of 10 could be exceeded", r.stage());
    });

    assertThatThrownBy(() -> broke.rerank(HELD.get(0))).isInstanceOf(LlmBudgetExceededException.class);
    assertThat(broke.fallbacks()).isZero();
  }

  @Test
  void rerank_garbledAnswer_stillAPermutation() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN)
        .withLlm(ScriptedLlmClient.always("I think [C] then [C] again, then [Q], and that's all."));
    UserCase u = HELD.get(1);
    Ranking r = model.rerank(u);
    assertThat(r.isPermutationOf(u)).isTrue();
    assertThat(r.itemIds().get(0)).isEqualTo(u.candidates().get(2).id());
    assertThat(r.repair().duplicates()).isEqualTo(1);
    assertThat(r.repair().unknown()).isEqualTo(1);
  }

  @Test
  void rerank_neverShowsTheGroundTruthToTheEmbeddingOrTheLlm() {
    AtomicInteger leaks = new AtomicInteger();
    Function<UserCase, double[]> embedding = u -> {
      if (!u.relevantItemIds().isEmpty()) {
        leaks.incrementAndGet();
      }
      return new double[] {u.history().size(), u.userId().contains("s") ? 1 : -1, 0.5};
    };
    ScriptedLlmClient llm = RppWorld.llm().build();
    RppModel model = RppTesting.small(llm).userEmbedding(embedding).build().fit(TRAIN);
    HELD.forEach(model::rerank);
    assertThat(leaks).hasValue(0);
    for (var request : llm.requests()) {
      for (UserCase u : TRAIN) {
        for (var c : u.candidates()) {
          assertThat(request.lastUserText()).doesNotContain(c.id());
        }
      }
    }
  }

  @Test
  void load_suppliedEmbeddingModel_needsTheFunction() {
    Function<UserCase, double[]> embedding = u -> new double[] {u.history().size(), 1.0};
    RppModel model = RppTesting.small(RppWorld.llm().build()).userEmbedding(embedding).build().fit(TRAIN);
    Path file = dir.resolve("supplied.json");
    model.save(file);
    assertThatThrownBy(() -> RppModel.load(file, RppWorld.llm().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supplied user embedding");
    assertThatThrownBy(() -> RppModel.load(file).choose(HELD.get(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("load(path, llm, embedding)");
    RppModel loaded = RppModel.load(file, RppWorld.llm().build(), embedding);
    assertThat(loaded.choose(HELD.get(0))).isEqualTo(model.choose(HELD.get(0)));
    UserCase serving = UserCase.forServing("new", HELD.get(0).history(), HELD.get(0).candidates());
    assertThat(loaded.choose(serving)).isEqualTo(model.choose(serving));
    RppModel wrongSize = loaded.withUserEmbedding(u -> new double[5]);
    assertThatThrownBy(() -> wrongSize.choose(HELD.get(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(HELD.get(0).userId())
        .hasMessageContaining("5 values");
  }

  @Test
  void load_hashedModelWithFunction_throwsIae() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    Path file = dir.resolve("hashed.json");
    model.save(file);
    assertThatThrownBy(() -> RppModel.load(file, RppWorld.llm().build(), u -> new double[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hashed");
  }

  @Test
  void rerank_loadedWithoutLlm_throwsIse() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    Path file = dir.resolve("inspect.json");
    model.save(file);
    RppModel inspected = RppModel.load(file);
    assertThat(inspected.choose(HELD.get(0))).isEqualTo(model.choose(HELD.get(0)));
    assertThatThrownBy(() -> inspected.rerank(HELD.get(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("withLlm");
  }

  @Test
  void load_otherFormatNewerVersionOrDamaged_throwsIae() throws Exception {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    Path file = dir.resolve("m.json");
    model.save(file);
    String json = Files.readString(file);

    Path agp = dir.resolve("agp.json");
    Files.writeString(agp, json.replace("\"rpp-model\"", "\"agp-model\""));
    assertThatThrownBy(() -> RppModel.load(agp)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saved RPP model");

    Path newer = dir.resolve("newer.json");
    Files.writeString(newer, json.replaceFirst("\"version\" : 2", "\"version\" : 99"));
    assertThatThrownBy(() -> RppModel.load(newer)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 99");

    Path older = dir.resolve("older.json");
    Files.writeString(older, json.replaceFirst("\"version\" : 2", "\"version\" : 1"));
    assertThatThrownBy(() -> RppModel.load(older)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 1").hasMessageContaining("retrain");

    Path damaged = dir.resolve("damaged.json");
    Files.writeString(damaged, json.replaceFirst("\"actor\" : \"[A-Za-z0-9+/]{8}", "\"actor\" : \""));
    assertThatThrownBy(() -> RppModel.load(damaged)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("damaged");

    assertThatThrownBy(() -> RppModel.load(dir.resolve("missing.json"))).isInstanceOf(java.io.UncheckedIOException.class);
  }

  @Test
  void withUserEmbedding_hashedModel_throwsIse() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    assertThatThrownBy(() -> model.withUserEmbedding(u -> new double[3])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rerank_isThreadSafe_sameRankingsConcurrently() throws Exception {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    List<Ranking> sequential = HELD.stream().map(model::rerank).toList();
    List<Ranking> parallel = HELD.parallelStream().map(model::rerank).toList();
    assertThat(parallel).isEqualTo(sequential);
  }
}
