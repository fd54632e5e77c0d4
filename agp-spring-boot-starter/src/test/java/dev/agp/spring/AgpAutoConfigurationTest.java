package dev.agp.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.testing.FakeKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.ProfileStore;
import dev.agp.Ranking;
import dev.agp.ServingGuard;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.agp.micrometer.AgpMetrics;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AgpAutoConfigurationTest {

  private static final String KEY = FakeKeys.of("starter-SECRET");

  @TempDir Path dir;

  private FakeOpenAiServer server;
  private ApplicationContextRunner runner;

  @BeforeEach
  void start() throws IOException {
    server = FakeOpenAiServer.start();
    runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AgpAutoConfiguration.class));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String[] backend(String... more) {
    List<String> p = new ArrayList<>(List.of(
        "agp.llm.base-url=" + server.baseUrl(), "agp.llm.model=" + FakeOpenAiServer.MODEL, "agp.llm.api-key=" + KEY,
        "agp.llm.max-attempts=1"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  private static LlmRequest request() {
    return LlmRequest.of(Stage.DIRECT_RERANK, "system", "hello");
  }

  @Test
  void noConfiguration_createsNoClientAndNoReranker() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(LlmClient.class);
      assertThat(ctx).doesNotHaveBean(CaseReranker.class);
      assertThat(ctx).hasSingleBean(ProfileStore.class);
    });
  }

  @Test
  void compatibleBackendProperties_buildAClientCallingTheServerWithTheKey() {
    runner.withPropertyValues(backend()).run(ctx -> {
      LlmResponse r = ctx.getBean(LlmClient.class).complete(request());

      assertThat(r.text()).isNotBlank();
      assertThat(server.total()).isEqualTo(1);
      assertThat(r.model()).isEqualTo(FakeOpenAiServer.MODEL);
      assertThat(server.authorizations()).containsExactly("Bearer " + KEY);
      assertThat(ctx.getBean(AgpProperties.class).getLlm().toString()).doesNotContain(KEY);
    });
  }

  @Test
  void chatModelBean_isCalledInsteadOfProperties() {
    List<ChatRequest> seen = new CopyOnWriteArrayList<>();
    ChatModel chatModel = new ChatModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        seen.add(request);
        return ChatResponse.builder().aiMessage(AiMessage.from("from the bean")).build();
      }
    };
    runner.withBean(ChatModel.class, () -> chatModel).withPropertyValues(backend()).run(ctx -> {
      LlmResponse r = ctx.getBean(LlmClient.class).complete(request());

      assertThat(r.text()).isEqualTo("from the bean");
      assertThat(seen).hasSize(1);
      assertThat(server.total()).isZero();
    });
  }

  @Test
  void applicationsOwnLlmClient_backsTheStarterOff() {
    LlmClient own = r -> LlmResponse.of("own");
    runner.withBean(LlmClient.class, () -> own).withPropertyValues(backend()).run(ctx -> {
      assertThat(ctx).hasSingleBean(LlmClient.class);
      assertThat(ctx.getBean(LlmClient.class)).isSameAs(own);
    });
  }

  @Test
  void agpModelOnTheClasspath_isServedWithTheStoreAndTheDeadline() throws Exception {
    TestModels.agp(dir.resolve("agp-model.json"));
    ClassLoader withModel = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    runner.withClassLoader(withModel)
        .withPropertyValues(backend("agp.model.location=classpath:agp-model.json", "agp.serving.deadline=5s"))
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          CaseReranker reranker = ctx.getBean(CaseReranker.class);
          assertThat(reranker).isInstanceOf(AgpModel.class);
          AgpModel model = (AgpModel) reranker;
          assertThat(model.prompt().text()).isEqualTo(TestModels.PROMPT);
          assertThat(model.profileStore()).containsSame(ctx.getBean(ProfileStore.class));
          assertThat(model.deadline()).contains(Duration.ofSeconds(5));
          UserCase u = TestModels.user("u1", 3);

          Ranking first = reranker.rerank(u);
          Ranking second = reranker.rerank(u);

          assertThat(first.itemIds()).containsExactly("c4", "c3", "c2", "c1", "c0");
          assertThat(second).isEqualTo(first);
          assertThat(server.count(Stage.PROFILE)).isEqualTo(1);
          assertThat(server.count(Stage.RERANK)).isEqualTo(2);
        });
  }

  @Test
  void profileStoreDisabled_modelWritesAProfilePerRequest() {
    Path model = TestModels.agp(dir.resolve("m.json"));
    runner.withPropertyValues(backend("agp.model.location=file:" + model, "agp.serving.profile-store.enabled=false"))
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(ProfileStore.class);
          CaseReranker reranker = ctx.getBean(CaseReranker.class);
          reranker.rerank(TestModels.user("u1", 3));
          reranker.rerank(TestModels.user("u1", 3));

          assertThat(server.count(Stage.PROFILE)).isEqualTo(2);
        });
  }

  @Test
  void rppModelFile_isServedBehindAGuardNamedAfterIt() {
    Path model = TestModels.rpp(dir.resolve("rpp-model.json"));
    runner.withPropertyValues(backend("agp.model.location=file:" + model)).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      CaseReranker reranker = ctx.getBean(CaseReranker.class);
      assertThat(reranker).isInstanceOf(ServingGuard.class);
      assertThat(((ServingGuard) reranker).method()).isEqualTo("RPP");

      Ranking r = reranker.rerank(TestModels.user("u1", 3));

      assertThat(r.fallback()).isFalse();
      assertThat(server.count(Stage.RPP_RANK)).isEqualTo(1);
    });
  }

  @Test
  void rppModelNeedingAnEmbedding_failsWithoutTheBeanAndServesWithIt() {
    Path model = TestModels.rppWithEmbedding(dir.resolve("rpp-embedded.json"));
    ApplicationContextRunner withModel = runner.withPropertyValues(backend("agp.model.location=file:" + model));

    withModel.run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootMessage(ctx.getStartupFailure())).contains(RppUserEmbedding.class.getName());
    });
    withModel.withBean(RppUserEmbedding.class, () -> TestModels::embedding).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(CaseReranker.class).rerank(TestModels.user("u2", 2)).fallback()).isFalse();
    });
  }

  @Test
  void missingModel_failsNamingTheProperty() {
    runner.withPropertyValues(backend("agp.model.location=file:" + dir.resolve("absent.json"))).run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootMessage(ctx.getStartupFailure())).contains("agp.model.location").contains("does not exist");
    });
  }

  @Test
  void notAModel_failsNamingTheFormat() throws IOException {
    Path notModel = Files.writeString(dir.resolve("other.json"), "{\"format\": \"something-else\"}");
    runner.withPropertyValues(backend("agp.model.location=file:" + notModel)).run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootMessage(ctx.getStartupFailure()))
          .contains("agp.model.location").contains("something-else").contains(AgpModel.FORMAT);
    });
  }

  @Test
  void openAiProviderWithoutKey_failsNamingTheProperty() {
    runner.withPropertyValues("agp.llm.provider=openai").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootMessage(ctx.getStartupFailure())).contains("agp.llm.api-key");
    });
  }

  @Test
  void meterRegistry_registersMetricsThatCountTheClientsCalls() {
    Path model = TestModels.agp(dir.resolve("m.json"));
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(backend("agp.model.location=file:" + model, "agp.metrics.tags.surface=home"))
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(AgpMetrics.class);
          MeterRegistry registry = ctx.getBean(MeterRegistry.class);
          CaseReranker reranker = ctx.getBean(CaseReranker.class);
          reranker.rerank(TestModels.user("u1", 3));
          reranker.rerank(TestModels.user("u1", 3));

          assertThat(registry.get(AgpMetrics.LLM_CALLS)
              .tags("stage", "rerank", "outcome", "success", "model", FakeOpenAiServer.MODEL, "surface", "home")
              .counter().count()).isEqualTo(2);
          assertThat(registry.get(AgpMetrics.LLM_CALLS).tags("stage", "profile", "outcome", "success")
              .counter().count()).isEqualTo(1);
          assertThat(registry.get(AgpMetrics.SERVING_REQUESTS).tags("method", "AGP", "profile", "store")
              .timer().count()).isEqualTo(1);
        });
  }

  @Test
  void micrometerMissing_startsWithoutMetrics() {
    runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .withPropertyValues(backend())
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx).doesNotHaveBean(AgpMetrics.class);
          assertThat(ctx.getBean(LlmClient.class).complete(request()).model()).isEqualTo(FakeOpenAiServer.MODEL);
        });
  }

  @Test
  void metricsDisabled_registersNoMetrics() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(backend("agp.metrics.enabled=false"))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(AgpMetrics.class));
  }

  @Test
  void configurationMetadata_describesEveryProperty() throws IOException {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, String> described = new java.util.TreeMap<>();
    metadata.path("properties").forEach(p -> described.put(p.path("name").asText(), p.path("description").asText("")));

    assertThat(described).containsKeys(
        "agp.llm.provider", "agp.llm.base-url", "agp.llm.api-key", "agp.llm.model", "agp.llm.timeout",
        "agp.model.location", "agp.serving.deadline", "agp.serving.profile-store.enabled",
        "agp.serving.profile-store.maximum-size", "agp.metrics.enabled", "agp.metrics.tags");
    assertThat(described.values()).allSatisfy(d -> assertThat(d).isNotBlank());
  }

  private static String rootMessage(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
