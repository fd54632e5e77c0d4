package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import dev.agp.langchain4j.LlmBackends;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * How every executor builds its LLM client: the backend, the model, where the executor finds the
 * API key, and the job-wide limits. Serialisable and shipped with the tasks; it holds the
 * <em>name</em> of an environment variable or the <em>path</em> of a file on the executors, never
 * a key, so the key appears in no plan, log or event log. Each executor reads the key itself
 * when it builds its client.
 *
 * <pre>{@code
 * SparkLlmConfig llm = SparkLlmConfig.openAi("gpt-4o-mini")      // key from OPENAI_API_KEY on each executor
 *     .requestsPerMinute(5_000).tokensPerMinute(2_000_000)      // for the whole job
 *     .concurrency(8)                                           // calls in flight per task
 *     .cacheDirectory("/mnt/shared/agp-cache")                  // a directory every executor mounts
 *     .build();
 * }</pre>
 *
 * <p>The same options come from Spark configuration keys ({@link #fromConf(Map)}), for {@code
 * spark-submit --conf}: {@value #BACKEND}, {@value #MODEL}, {@value #BASE_URL}, {@value
 * #API_KEY_ENV}, {@value #API_KEY_FILE}, {@value #TIMEOUT}, {@value #MAX_ATTEMPTS}, {@value
 * #REQUESTS_PER_MINUTE}, {@value #TOKENS_PER_MINUTE}, {@value #CONCURRENCY}, {@value
 * #CACHE_DIRECTORY}.
 *
 * @param backend the API
 * @param model the model name
 * @param baseUrl the API's URL (the backend's default unless given; required for {@link
 *     Backend#COMPATIBLE})
 * @param apiKeyEnv the environment variable each executor reads the key from, if any
 * @param apiKeyFile a file each executor reads the key from (for example a mounted Kubernetes
 *     secret), if any; takes precedence over the variable
 * @param timeout connect and read timeout of one attempt
 * @param maxAttempts attempts per call, the first included
 * @param requestsPerMinute the job-wide request limit, 0 for none
 * @param tokensPerMinute the job-wide token limit (input plus output), 0 for none
 * @param concurrency calls in flight at once within one task
 * @param cacheDirectory the response cache's directory, on storage every executor sees at this
 *     path, if any
 * @serial exclude
 */
// out of the Serialized Form page: JDK 17's javadoc wants comments on a serialisable record's
// private fields, which source cannot carry (JDK-8275199); its serial form is its components
public record SparkLlmConfig(
    Backend backend,
    String model,
    String baseUrl,
    @Nullable String apiKeyEnv,
    @Nullable String apiKeyFile,
    Duration timeout,
    int maxAttempts,
    long requestsPerMinute,
    long tokensPerMinute,
    int concurrency,
    @Nullable String cacheDirectory)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Configuration key: {@code openai}, {@code deepseek} or {@code compatible}. */
  public static final String BACKEND = "spark.agp.llm.backend";
  /** Configuration key: the model name. */
  public static final String MODEL = "spark.agp.llm.model";
  /** Configuration key: the API's URL. */
  public static final String BASE_URL = "spark.agp.llm.baseUrl";
  /** Configuration key: the environment variable holding the key on each executor. */
  public static final String API_KEY_ENV = "spark.agp.llm.apiKeyEnv";
  /** Configuration key: a file holding the key on each executor. */
  public static final String API_KEY_FILE = "spark.agp.llm.apiKeyFile";
  /** Configuration key: the timeout of one attempt, in seconds. */
  public static final String TIMEOUT = "spark.agp.llm.timeoutSeconds";
  /** Configuration key: attempts per call. */
  public static final String MAX_ATTEMPTS = "spark.agp.llm.maxAttempts";
  /** Configuration key: the job-wide requests per minute. */
  public static final String REQUESTS_PER_MINUTE = "spark.agp.llm.requestsPerMinute";
  /** Configuration key: the job-wide tokens per minute. */
  public static final String TOKENS_PER_MINUTE = "spark.agp.llm.tokensPerMinute";
  /** Configuration key: calls in flight per task. */
  public static final String CONCURRENCY = "spark.agp.llm.concurrency";
  /** Configuration key: the shared response cache directory. */
  public static final String CACHE_DIRECTORY = "spark.agp.cache.dir";

  /** Calls in flight at once within one task. */
  public static final int DEFAULT_CONCURRENCY = 8;

  /** The APIs an executor can call. */
  public enum Backend {
    /** OpenAI's chat completions; key from {@code OPENAI_API_KEY} by default. */
    OPENAI,
    /** DeepSeek's chat completions; key from {@code DEEPSEEK_API_KEY} by default. */
    DEEPSEEK,
    /** Any OpenAI-compatible server (vLLM, Ollama, a gateway); no key unless one is named. */
    COMPATIBLE
  }

  /**
   * @param backend the API
   * @param model the model name
   * @param baseUrl the API's URL (the backend's default unless given; required for {@link
   *     Backend#COMPATIBLE})
   * @param apiKeyEnv the environment variable each executor reads the key from, if any
   * @param apiKeyFile a file each executor reads the key from (for example a mounted Kubernetes
   *     secret), if any; takes precedence over the variable
   * @param timeout connect and read timeout of one attempt
   * @param maxAttempts attempts per call, the first included
   * @param requestsPerMinute the job-wide request limit, 0 for none
   * @param tokensPerMinute the job-wide token limit (input plus output), 0 for none
   * @param concurrency calls in flight at once within one task
   * @param cacheDirectory the response cache's directory, on storage every executor sees at this
   *     path, if any
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if a value is out of range, the URL is not http(s), a
   *     name is blank, or OpenAI or DeepSeek is given no key source
   */
  public SparkLlmConfig {
    requireNonNull(backend, "backend");
    requireNonNull(model, "model");
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(timeout, "timeout");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    checkUrl(baseUrl);
    if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
      throw new IllegalArgumentException("apiKeyEnv must not be blank");
    }
    if (apiKeyFile != null && apiKeyFile.isBlank()) {
      throw new IllegalArgumentException("apiKeyFile must not be blank");
    }
    if (backend != Backend.COMPATIBLE && apiKeyEnv == null && apiKeyFile == null) {
      throw new IllegalArgumentException(backend + " needs a key: name its environment variable or file");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
    }
    if (requestsPerMinute < 0 || tokensPerMinute < 0) {
      throw new IllegalArgumentException("requestsPerMinute and tokensPerMinute must be >= 0 (0: no limit)");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1 but was " + concurrency);
    }
    if (cacheDirectory != null && cacheDirectory.isBlank()) {
      throw new IllegalArgumentException("cacheDirectory must not be blank");
    }
  }

  /**
   * OpenAI, the key from {@code OPENAI_API_KEY} on each executor.
   *
   * @param model the model name
   * @return a builder
   */
  public static Builder openAi(String model) {
    return new Builder(Backend.OPENAI, model, LlmBackends.OPENAI_BASE_URL).apiKeyEnv("OPENAI_API_KEY");
  }

  /**
   * DeepSeek, the key from {@code DEEPSEEK_API_KEY} on each executor.
   *
   * @param model the model name
   * @return a builder
   */
  public static Builder deepSeek(String model) {
    return new Builder(Backend.DEEPSEEK, model, LlmBackends.DEEPSEEK_BASE_URL).apiKeyEnv("DEEPSEEK_API_KEY");
  }

  /**
   * An OpenAI-compatible server at {@code baseUrl} (the URL {@code /chat/completions} is
   * appended to), without a key unless one is named.
   *
   * @param baseUrl the server's URL
   * @param model the served model's name
   * @return a builder
   * @throws IllegalArgumentException if the URL is not http(s)
   */
  public static Builder compatible(String baseUrl, String model) {
    return new Builder(Backend.COMPATIBLE, model, checkUrl(baseUrl));
  }

  /**
   * The configuration the {@code spark.agp.*} keys of {@code conf} describe (see the class
   * comment); {@value #BACKEND} and {@value #MODEL} are required, the others default as in the
   * builder.
   *
   * @param conf the Spark configuration, as key-value pairs
   * @return the configuration
   * @throws NullPointerException if conf is null
   * @throws IllegalArgumentException naming the key, if one is missing or malformed
   */
  public static SparkLlmConfig fromConf(Map<String, String> conf) {
    requireNonNull(conf, "conf");
    String backend = required(conf, BACKEND).toLowerCase(Locale.ROOT);
    String model = required(conf, MODEL);
    Builder b = switch (backend) {
      case "openai" -> openAi(model);
      case "deepseek" -> deepSeek(model);
      case "compatible" -> compatible(required(conf, BASE_URL), model);
      default -> throw new IllegalArgumentException(
          BACKEND + " must be openai, deepseek or compatible but was " + conf.get(BACKEND));
    };
    optional(conf, BASE_URL).ifPresent(b::baseUrl);
    optional(conf, API_KEY_ENV).ifPresent(b::apiKeyEnv);
    optional(conf, API_KEY_FILE).ifPresent(b::apiKeyFile);
    number(conf, TIMEOUT).ifPresent(s -> b.timeout(Duration.ofSeconds(s)));
    number(conf, MAX_ATTEMPTS).ifPresent(n -> b.maxAttempts(Math.toIntExact(n)));
    number(conf, REQUESTS_PER_MINUTE).ifPresent(b::requestsPerMinute);
    number(conf, TOKENS_PER_MINUTE).ifPresent(b::tokensPerMinute);
    number(conf, CONCURRENCY).ifPresent(n -> b.concurrency(Math.toIntExact(n)));
    optional(conf, CACHE_DIRECTORY).ifPresent(b::cacheDirectory);
    return b.build();
  }

  /** {@return a builder holding this configuration} */
  public Builder toBuilder() {
    Builder b = new Builder(backend, model, baseUrl);
    b.apiKeyEnv = apiKeyEnv;
    b.apiKeyFile = apiKeyFile;
    b.timeout = timeout;
    b.maxAttempts = maxAttempts;
    b.requestsPerMinute = requestsPerMinute;
    b.tokensPerMinute = tokensPerMinute;
    b.concurrency = concurrency;
    b.cacheDirectory = cacheDirectory;
    return b;
  }

  private static String required(Map<String, String> conf, String key) {
    return optional(conf, key).orElseThrow(() -> new IllegalArgumentException("the configuration key " + key + " is not set"));
  }

  private static Optional<String> optional(Map<String, String> conf, String key) {
    String v = conf.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static OptionalLong number(Map<String, String> conf, String key) {
    Optional<String> v = optional(conf, key);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number but was " + v.get(), e);
    }
  }

  /** The URL, checked as {@link LlmBackends} checks it (on the driver, before anything ships). */
  private static String checkUrl(String url) {
    requireNonNull(url, "baseUrl");
    LlmBackends.openAiCompatibleBuilder(url, "", "check");
    return url.strip();
  }

  /**
   * Options of a {@link SparkLlmConfig}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private final Backend backend;
    private final String model;
    private String baseUrl;
    private @Nullable String apiKeyEnv;
    private @Nullable String apiKeyFile;
    private Duration timeout = LlmBackends.DEFAULT_TIMEOUT;
    private int maxAttempts = dev.agp.llm.LlmClients.DEFAULT_MAX_ATTEMPTS;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private int concurrency = DEFAULT_CONCURRENCY;
    private @Nullable String cacheDirectory;

    private Builder(Backend backend, String model, String baseUrl) {
      requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.backend = backend;
      this.model = model;
      this.baseUrl = baseUrl;
    }

    /**
     * Another URL for the API; must be http(s). An OpenAI or DeepSeek key only goes to its
     * provider's host over HTTPS (see {@link LlmBackends}): for a proxy or gateway use {@link
     * Backend#COMPATIBLE} with that server's own key.
     *
     * @param url the API's URL
     * @return this builder
     */
    public Builder baseUrl(String url) {
      String checked = checkUrl(url);
      switch (backend) {
        case OPENAI -> LlmBackends.openAiBuilder("check", model).baseUrl(checked); // refuses another host now
        case DEEPSEEK -> LlmBackends.deepSeekBuilder("check", model).baseUrl(checked);
        default -> { }
      }
      this.baseUrl = checked;
      return this;
    }

    /**
     * The environment variable each executor reads the key from (its value is never shipped).
     *
     * @param variable the variable's name
     * @return this builder
     */
    public Builder apiKeyEnv(String variable) {
      requireNonNull(variable, "apiKeyEnv");
      if (variable.isBlank()) {
        throw new IllegalArgumentException("apiKeyEnv must not be blank");
      }
      this.apiKeyEnv = variable;
      return this;
    }

    /**
     * A file each executor reads the key from, e.g. a mounted secret; wins over the variable.
     *
     * @param path the file's path on the executors
     * @return this builder
     */
    public Builder apiKeyFile(String path) {
      requireNonNull(path, "apiKeyFile");
      if (path.isBlank()) {
        throw new IllegalArgumentException("apiKeyFile must not be blank");
      }
      this.apiKeyFile = path;
      return this;
    }

    /**
     * No key at all (only for {@link Backend#COMPATIBLE} servers that need none).
     *
     * @return this builder
     */
    public Builder noApiKey() {
      this.apiKeyEnv = null;
      this.apiKeyFile = null;
      return this;
    }

    /**
     * Connect and read timeout of one attempt, {@code > 0} (default 60 s).
     *
     * @param timeout the timeout of one attempt
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Attempts per call, {@code >= 1} (default 5).
     *
     * @param attempts the attempts, the first included
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Requests a minute for the whole job, {@code >= 1}; each running task gets its share.
     *
     * @param requests the requests a minute
     * @return this builder
     */
    public Builder requestsPerMinute(long requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("requestsPerMinute must be >= 1 but was " + requests);
      }
      this.requestsPerMinute = requests;
      return this;
    }

    /**
     * Input plus output tokens a minute for the whole job, {@code >= 1}; each running task gets its
     * share.
     *
     * @param tokens the tokens a minute
     * @return this builder
     */
    public Builder tokensPerMinute(long tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("tokensPerMinute must be >= 1 but was " + tokens);
      }
      this.tokensPerMinute = tokens;
      return this;
    }

    /**
     * Calls in flight at once within one task, {@code >= 1} (default {@value
     * SparkLlmConfig#DEFAULT_CONCURRENCY}).
     *
     * @param calls the calls in flight
     * @return this builder
     */
    public Builder concurrency(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1 but was " + calls);
      }
      this.concurrency = calls;
      return this;
    }

    /**
     * The response cache's directory: a path every executor sees (a shared mount such as NFS,
     * EFS or a FUSE-mounted bucket, or a local disk on a single machine). Without one, a retried
     * task pays again for every call its failed attempt made.
     *
     * @param directory the directory, as every executor sees it
     * @return this builder
     */
    public Builder cacheDirectory(String directory) {
      requireNonNull(directory, "cacheDirectory");
      if (directory.isBlank()) {
        throw new IllegalArgumentException("cacheDirectory must not be blank");
      }
      this.cacheDirectory = directory;
      return this;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if OpenAI or DeepSeek is left without a key source
     */
    public SparkLlmConfig build() {
      return new SparkLlmConfig(
          backend, model, baseUrl, apiKeyEnv, apiKeyFile, timeout, maxAttempts, requestsPerMinute, tokensPerMinute,
          concurrency, cacheDirectory);
    }
  }
}
