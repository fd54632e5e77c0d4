package dev.agp.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code agp.*} properties of the AGP starter: the LLM backend ({@code agp.llm}), the learned
 * model to serve ({@code agp.model}), serving controls ({@code agp.serving}) and metrics ({@code
 * agp.metrics}).
 */
@ConfigurationProperties(prefix = "agp")
public class AgpProperties {

  private final Llm llm = new Llm();
  private final Model model = new Model();
  private final Serving serving = new Serving();
  private final Metrics metrics = new Metrics();

  /** Creates the properties with their defaults. */
  public AgpProperties() {}

  /** @return the LLM backend's properties */
  public Llm getLlm() {
    return llm;
  }

  /** @return the served model's properties */
  public Model getModel() {
    return model;
  }

  /** @return the serving controls */
  public Serving getServing() {
    return serving;
  }

  /** @return the metrics' properties */
  public Metrics getMetrics() {
    return metrics;
  }

  /** Which backend {@code agp.llm.*} describes. */
  public enum Provider {
    /** OpenAI's API; needs {@code agp.llm.api-key}. */
    OPENAI,
    /** DeepSeek's API; needs {@code agp.llm.api-key}. */
    DEEPSEEK,
    /** Any OpenAI-compatible server (Ollama, vLLM, llama.cpp); needs {@code agp.llm.base-url}. */
    OPENAI_COMPATIBLE,
    /** Whatever OPENAI_API_KEY, DEEPSEEK_API_KEY or AGP_BASE_URL with AGP_MODEL name. */
    ENVIRONMENT
  }

  /**
   * The LLM client built when the application defines no {@code LlmClient} bean. A LangChain4j
   * {@code ChatModel} bean is used when there is one; otherwise these properties choose the backend.
   */
  public static class Llm {
    /**
     * The backend. Unset: openai-compatible when base-url is set, openai when only api-key is set,
     * else environment.
     */
    private @Nullable Provider provider;
    /** The URL that /chat/completions is appended to, such as http://localhost:11434/v1. */
    private @Nullable String baseUrl;
    /** The API key; sent only to the backend's host, never logged. */
    private @Nullable String apiKey;
    /** The served model's name (default: gpt-4o-mini for OpenAI, deepseek-chat for DeepSeek). */
    private @Nullable String model;
    /** Connect and read timeout of one attempt. */
    private Duration timeout = Duration.ofSeconds(60);
    /** Attempts per call, the first included; 1 turns retries off. */
    private int maxAttempts = 5;
    /** Calls in flight at once. */
    private int maxConcurrentCalls = 16;
    /** Requests a minute; 0 for no limit. */
    private long requestsPerMinute;
    /** Input plus output tokens a minute; 0 for no limit. */
    private long tokensPerMinute;
    /** A folder where every answer is cached, so a repeated request costs nothing. */
    private @Nullable Path cacheDirectory;

    /** Creates the defaults. */
    public Llm() {}

    /** @return the backend, if set */
    public @Nullable Provider getProvider() {
      return provider;
    }

    /** @param provider the backend */
    public void setProvider(@Nullable Provider provider) {
      this.provider = provider;
    }

    /** @return the base URL, if set */
    public @Nullable String getBaseUrl() {
      return baseUrl;
    }

    /** @param baseUrl the base URL */
    public void setBaseUrl(@Nullable String baseUrl) {
      this.baseUrl = baseUrl;
    }

    /** @return the API key, if set */
    public @Nullable String getApiKey() {
      return apiKey;
    }

    /** @param apiKey the API key */
    public void setApiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
    }

    /** @return the model name, if set */
    public @Nullable String getModel() {
      return model;
    }

    /** @param model the model name */
    public void setModel(@Nullable String model) {
      this.model = model;
    }

    /** @return the per-attempt timeout */
    public Duration getTimeout() {
      return timeout;
    }

    /** @param timeout the per-attempt timeout */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    /** @return attempts per call */
    public int getMaxAttempts() {
      return maxAttempts;
    }

    /** @param maxAttempts attempts per call */
    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** @return calls in flight at once */
    public int getMaxConcurrentCalls() {
      return maxConcurrentCalls;
    }

    /** @param maxConcurrentCalls calls in flight at once */
    public void setMaxConcurrentCalls(int maxConcurrentCalls) {
      this.maxConcurrentCalls = maxConcurrentCalls;
    }

    /** @return requests a minute, 0 for no limit */
    public long getRequestsPerMinute() {
      return requestsPerMinute;
    }

    /** @param requestsPerMinute requests a minute, 0 for no limit */
    public void setRequestsPerMinute(long requestsPerMinute) {
      this.requestsPerMinute = requestsPerMinute;
    }

    /** @return tokens a minute, 0 for no limit */
    public long getTokensPerMinute() {
      return tokensPerMinute;
    }

    /** @param tokensPerMinute tokens a minute, 0 for no limit */
    public void setTokensPerMinute(long tokensPerMinute) {
      this.tokensPerMinute = tokensPerMinute;
    }

    /** @return the cache folder, if set */
    public @Nullable Path getCacheDirectory() {
      return cacheDirectory;
    }

    /** @param cacheDirectory the cache folder */
    public void setCacheDirectory(@Nullable Path cacheDirectory) {
      this.cacheDirectory = cacheDirectory;
    }

    @Override
    public String toString() {
      // never the key
      return "Llm[provider=" + provider + ", baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
          + (apiKey == null || apiKey.isEmpty() ? "unset" : "set") + "]";
    }
  }

  /** The learned model served as the application's {@code CaseReranker}. */
  public static class Model {
    /**
     * A model saved by AgpModel.save or RppModel.save: classpath:, file: or any Spring resource.
     * Without it no CaseReranker bean is created.
     */
    private @Nullable Resource location;

    /** Creates the defaults. */
    public Model() {}

    /** @return the model's location, if set */
    public @Nullable Resource getLocation() {
      return location;
    }

    /** @param location the model's location */
    public void setLocation(@Nullable Resource location) {
      this.location = location;
    }
  }

  /** Serving controls of the CaseReranker bean. */
  public static class Serving {
    /** The longest a rerank request may take before the base order is returned; unset for none. */
    private @Nullable Duration deadline;
    private final Store profileStore = new Store();

    /** Creates the defaults. */
    public Serving() {}

    /** @return the per-request deadline, if set */
    public @Nullable Duration getDeadline() {
      return deadline;
    }

    /** @param deadline the per-request deadline */
    public void setDeadline(@Nullable Duration deadline) {
      this.deadline = deadline;
    }

    /** @return the profile store's properties */
    public Store getProfileStore() {
      return profileStore;
    }
  }

  /** The in-memory profile store of an AGP model (one LLM call per request while histories hold). */
  public static class Store {
    /** Whether an AGP model keeps the profiles it writes. */
    private boolean enabled = true;
    /** The most profiles kept in memory; the least recently used are evicted beyond it. */
    private long maximumSize = 100_000;

    /** Creates the defaults. */
    public Store() {}

    /** @return whether the store is on */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether the store is on */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the most profiles kept */
    public long getMaximumSize() {
      return maximumSize;
    }

    /** @param maximumSize the most profiles kept */
    public void setMaximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
    }
  }

  /** Micrometer metrics, registered when Micrometer and a MeterRegistry are present. */
  public static class Metrics {
    /** Whether the SDK's meters are registered. */
    private boolean enabled = true;
    /** Tags added to every SDK meter, such as surface=home. */
    private Map<String, String> tags = new LinkedHashMap<>();

    /** Creates the defaults. */
    public Metrics() {}

    /** @return whether metrics are on */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether metrics are on */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the common tags */
    public Map<String, String> getTags() {
      return tags;
    }

    /** @param tags the common tags */
    public void setTags(Map<String, String> tags) {
      this.tags = tags;
    }
  }
}
