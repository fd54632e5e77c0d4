package dev.agp.spring;

import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.ProfileStore;
import dev.agp.ServingGuard;
import dev.agp.ServingListener;
import dev.agp.langchain4j.LangChain4jLlmClient;
import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmCallEvent;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.micrometer.AgpMetrics;
import dev.agp.rpp.RppModel;
import dev.langchain4j.model.chat.ChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the AGP SDK for Spring Boot 3.5.
 *
 * <ul>
 *   <li>An {@link LlmClient} (unless the application defines one): over the application's
 *       LangChain4j {@link ChatModel} bean when there is one, else the backend {@code agp.llm.*}
 *       names through {@link LlmBackends}; with the SDK's retries, concurrency bound, rate limits
 *       and optional answer cache in front. Created when a ChatModel bean, an {@code agp.llm}
 *       backend property or {@code agp.model.location} is present.
 *   <li>A {@link ProfileStore} (unless defined): in memory, {@code
 *       agp.serving.profile-store.maximum-size} profiles.
 *   <li>A {@link CaseReranker} (unless defined) when {@code agp.model.location} is set: the saved
 *       {@link AgpModel} (with the profile store, the deadline {@code agp.serving.deadline} and the
 *       serving listeners) or {@link RppModel} (behind a {@link ServingGuard} with the deadline and
 *       listeners) found there.
 *   <li>{@link AgpMetrics} when Micrometer, {@code agp-micrometer} and a {@link MeterRegistry} bean
 *       are present (and {@code agp.metrics.enabled} is not false): it receives every LLM call of
 *       the client built here and every served request.
 * </ul>
 *
 * <p>Every bean of type {@link ServingListener} receives the served requests' events, and every
 * bean of type {@code Consumer<LlmCallEvent>} the LLM calls of the client built here; an
 * application-defined {@code LlmClient} is used as it is (put {@code AgpMetrics.meter()} in its
 * stack for call metrics). An RPP model trained with a supplied user embedding needs a bean of
 * type {@link RppUserEmbedding}. A ChatModel
 * bean should be configured without LangChain4j's own retries ({@code maxRetries(0)}): the SDK
 * retries with backoff and honours {@code Retry-After}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
      "dev.langchain4j.openai.spring.AutoConfig"
    })
@EnableConfigurationProperties(AgpProperties.class)
public class AgpAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AgpAutoConfiguration.class);

  /** Created by Spring. */
  public AgpAutoConfiguration() {}

  /**
   * The client every SDK step calls.
   *
   * @param properties the {@code agp.*} properties
   * @param chatModels the application's LangChain4j chat model, if any
   * @param callListeners receivers of every call's event (the metrics among them)
   * @return the client
   * @throws IllegalStateException if the properties do not name a usable backend
   */
  @Bean
  @ConditionalOnMissingBean(LlmClient.class)
  @Conditional(LlmWanted.class)
  public LlmClient agpLlmClient(
      AgpProperties properties,
      ObjectProvider<ChatModel> chatModels,
      ObjectProvider<Consumer<LlmCallEvent>> callListeners) {
    AgpProperties.Llm p = properties.getLlm();
    List<Consumer<LlmCallEvent>> listeners = callListeners.orderedStream().toList();
    LlmUsageMeter meter = listeners.isEmpty() ? null : new LlmUsageMeter();
    if (meter != null) {
      listeners.forEach(meter::addListener);
    }
    ChatModel chatModel = chatModels.getIfAvailable();
    try {
      if (chatModel != null) {
        return fromChatModel(chatModel, p, meter);
      }
      return fromProperties(p, meter);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException("agp.llm: " + e.getMessage(), e);
    }
  }

  private static LlmClient fromChatModel(ChatModel chatModel, AgpProperties.Llm p, @Nullable LlmUsageMeter meter) {
    LlmClients.Builder b = LlmClients.builder(LangChain4jLlmClient.of(chatModel))
        .maxAttempts(p.getMaxAttempts())
        .maxConcurrentCalls(p.getMaxConcurrentCalls());
    String model = p.getModel() != null ? p.getModel()
        : chatModel.defaultRequestParameters() == null ? null : chatModel.defaultRequestParameters().modelName();
    if (model != null && !model.isBlank()) {
      b.model(model);
    }
    stack(p, meter, b::requestsPerMinute, b::tokensPerMinute, b::cacheDirectory, b::meter);
    log.info("AGP calls the application's LangChain4j ChatModel ({})", chatModel.getClass().getSimpleName());
    return b.build();
  }

  private static LlmClient fromProperties(AgpProperties.Llm p, @Nullable LlmUsageMeter meter) {
    AgpProperties.Provider provider = provider(p);
    LlmBackends.Builder b = switch (provider) {
      case OPENAI -> LlmBackends.openAiBuilder(
          required(p.getApiKey(), "api-key"), orDefault(p.getModel(), LlmBackends.DEFAULT_OPENAI_MODEL));
      case DEEPSEEK -> LlmBackends.deepSeekBuilder(
          required(p.getApiKey(), "api-key"), orDefault(p.getModel(), LlmBackends.DEFAULT_DEEPSEEK_MODEL));
      case OPENAI_COMPATIBLE -> LlmBackends.openAiCompatibleBuilder(
          required(p.getBaseUrl(), "base-url"), p.getApiKey() == null ? "" : p.getApiKey(), required(p.getModel(), "model"));
      case ENVIRONMENT -> LlmBackends.builderFromEnvironment(System.getenv());
    };
    if (p.getBaseUrl() != null && (provider == AgpProperties.Provider.OPENAI || provider == AgpProperties.Provider.DEEPSEEK)) {
      b.baseUrl(p.getBaseUrl());
    }
    b.timeout(p.getTimeout()).maxAttempts(p.getMaxAttempts()).maxConcurrentCalls(p.getMaxConcurrentCalls());
    stack(p, meter, b::requestsPerMinute, b::tokensPerMinute, b::cacheDirectory, b::meter);
    log.info("AGP calls a {} backend", provider);
    return b.build();
  }

  /** The optional stack options, applied to either builder (they share no type). */
  private static void stack(
      AgpProperties.Llm p,
      @Nullable LlmUsageMeter meter,
      LongConsumer requestsPerMinute,
      LongConsumer tokensPerMinute,
      Consumer<Path> cacheDirectory,
      Consumer<LlmUsageMeter> meterOption) {
    if (p.getRequestsPerMinute() > 0) {
      requestsPerMinute.accept(p.getRequestsPerMinute());
    }
    if (p.getTokensPerMinute() > 0) {
      tokensPerMinute.accept(p.getTokensPerMinute());
    }
    if (p.getCacheDirectory() != null) {
      cacheDirectory.accept(p.getCacheDirectory());
    }
    if (meter != null) {
      meterOption.accept(meter);
    }
  }

  private static AgpProperties.Provider provider(AgpProperties.Llm p) {
    if (p.getProvider() != null) {
      return p.getProvider();
    }
    if (p.getBaseUrl() != null) {
      return AgpProperties.Provider.OPENAI_COMPATIBLE;
    }
    if (p.getApiKey() != null) {
      return AgpProperties.Provider.OPENAI;
    }
    return AgpProperties.Provider.ENVIRONMENT;
  }

  private static String required(@Nullable String value, String property) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("agp.llm." + property + " is required for this provider");
    }
    return value;
  }

  private static String orDefault(@Nullable String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  /**
   * The in-memory profile store AGP models serve from.
   *
   * @param properties the {@code agp.*} properties
   * @return an empty store
   */
  @Bean
  @ConditionalOnMissingBean(ProfileStore.class)
  @ConditionalOnProperty(prefix = "agp.serving.profile-store", name = "enabled", matchIfMissing = true)
  public ProfileStore agpProfileStore(AgpProperties properties) {
    long size = properties.getServing().getProfileStore().getMaximumSize();
    try {
      return ProfileStore.inMemory(size);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("agp.serving.profile-store.maximum-size: " + e.getMessage(), e);
    }
  }

  /**
   * The saved model at {@code agp.model.location}, served.
   *
   * @param properties the {@code agp.*} properties
   * @param llm the client
   * @param stores the profile store, if any
   * @param listeners receivers of every served request's event (the metrics among them)
   * @param embeddings the user embedding an RPP model may need
   * @return the model as a reranker
   * @throws IllegalStateException if the location holds no readable saved model
   */
  @Bean
  @ConditionalOnMissingBean(CaseReranker.class)
  @ConditionalOnProperty(prefix = "agp.model", name = "location")
  public CaseReranker agpReranker(
      AgpProperties properties,
      LlmClient llm,
      ObjectProvider<ProfileStore> stores,
      ObjectProvider<ServingListener> listeners,
      ObjectProvider<RppUserEmbedding> embeddings) {
    AgpProperties.Model m = properties.getModel();
    if (m.getLocation() == null) {
      throw new IllegalStateException("agp.model.location is not a resource");
    }
    Duration deadline = properties.getServing().getDeadline();
    if (deadline != null && (deadline.isZero() || deadline.isNegative())) {
      throw new IllegalStateException("agp.serving.deadline must be > 0 but was " + deadline);
    }
    CaseReranker loaded = ModelFiles.load(m.getLocation(), llm, embeddings.getIfAvailable());
    List<ServingListener> all = listeners.orderedStream().toList();
    if (loaded instanceof AgpModel agp) {
      ProfileStore store = stores.getIfAvailable();
      if (store != null) {
        agp = agp.withProfileStore(store);
      }
      if (deadline != null) {
        agp = agp.withDeadline(deadline);
      }
      for (ServingListener l : all) {
        agp = agp.withServingListener(l);
      }
      log.info("AGP serves the model at {} (profile store {}, deadline {})", m.getLocation().getDescription(),
          store == null ? "off" : "on", deadline == null ? "none" : deadline);
      return agp;
    }
    RppModel rpp = (RppModel) loaded;
    ServingGuard.Builder guard = ServingGuard.builder(rpp).method(rpp.method());
    if (deadline != null) {
      guard.deadline(deadline);
    }
    all.forEach(guard::listener);
    log.info("AGP serves the {} model at {} (deadline {})", rpp.method(), m.getLocation().getDescription(),
        deadline == null ? "none" : deadline);
    return guard.build();
  }

  /** Metrics from the SDK's events, when Micrometer and a registry are there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, AgpMetrics.class})
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(prefix = "agp.metrics", name = "enabled", matchIfMissing = true)
  public static class MetricsConfiguration {

    /** Created by Spring. */
    public MetricsConfiguration() {}

    /**
     * The SDK's meters on the application's registry.
     *
     * @param registry the application's registry
     * @param properties the {@code agp.*} properties (common tags, the model's name)
     * @return the metrics
     */
    @Bean
    @ConditionalOnMissingBean(AgpMetrics.class)
    public AgpMetrics agpMetrics(MeterRegistry registry, AgpProperties properties) {
      AgpMetrics.Builder b = AgpMetrics.builder(registry);
      properties.getMetrics().getTags().forEach(b::tag);
      String model = properties.getLlm().getModel();
      if (model != null && !model.isBlank()) {
        b.defaultModel(model);
      }
      return b.build();
    }
  }

  /** Whether an LlmClient is wanted: a ChatModel bean, an agp.llm backend property or a model. */
  static final class LlmWanted extends AnyNestedCondition {

    LlmWanted() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(ChatModel.class)
    static final class ChatModelBean {}

    @ConditionalOnProperty(prefix = "agp.llm", name = "provider")
    static final class ProviderSet {}

    @ConditionalOnProperty(prefix = "agp.llm", name = "base-url")
    static final class BaseUrlSet {}

    @ConditionalOnProperty(prefix = "agp.llm", name = "api-key")
    static final class ApiKeySet {}

    @ConditionalOnProperty(prefix = "agp.model", name = "location")
    static final class ModelSet {}
  }
}
