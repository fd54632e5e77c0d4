package dev.agp.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.Ticker;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Sleeper;
import dev.agp.llm.TokenCounter;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Ready-made {@link LlmClient}s for OpenAI, DeepSeek and any OpenAI-compatible server (Ollama,
 * vLLM, a llama.cpp server, LM Studio), with the SDK's retries, limits, cache and budget in front
 * (see {@link LlmClients}):
 *
 * <pre>{@code
 * LlmClient llm = LlmBackends.openAi(System.getenv("OPENAI_API_KEY"), "gpt-4o-mini");
 * LlmClient local = LlmBackends.openAiCompatible("http://localhost:11434/v1", "", "llama3.1");
 * LlmClient tuned = LlmBackends.deepSeekBuilder(key, "deepseek-chat")
 *     .timeout(Duration.ofSeconds(90)).maxAttempts(6).requestsPerMinute(300)
 *     .cacheDirectory(Path.of("llm-cache")).budget(LlmBudget.ofCost(new BigDecimal("2")))
 *     .build();
 * }</pre>
 *
 * <p>Each client talks through LangChain4j's {@code OpenAiChatModel} with LangChain4j's own
 * retries off ({@code maxRetries(0)}: they ignore {@code Retry-After}), over the JDK HTTP client
 * (HTTP/1.1 for {@link #openAiCompatible}, which local servers need) that reports the server's
 * {@code Retry-After}. JSON requests use JSON mode, never a JSON schema (DeepSeek rejects schemas);
 * the prompt must say "JSON".
 *
 * <p><b>Keys belong to their host.</b> An OpenAI key goes only to {@code api.openai.com} and a
 * DeepSeek key only to {@code api.deepseek.com}, over HTTPS: {@link Builder#baseUrl} refuses
 * another host for them, {@link #fromEnvironment()} gives an OpenAI-compatible server {@code
 * AGP_API_KEY} or no key at all (never {@code OPENAI_API_KEY} or {@code DEEPSEEK_API_KEY} unless
 * the server is that provider's host), and redirects are never followed. A key is sent only in
 * the {@code Authorization} header; it is masked in every error message in any form (raw, another
 * letter case, base64, percent-encoded, hex), the bodies of 401 and 403 answers are not quoted at
 * all, and it is never logged, cached or saved.
 */
public final class LlmBackends {

  /** OpenAI's API. */
  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
  /** DeepSeek's OpenAI-compatible API. */
  public static final String DEEPSEEK_BASE_URL = "https://api.deepseek.com/v1";
  /** The model {@link #fromEnvironment()} uses with an OpenAI key and no {@code AGP_MODEL}. */
  public static final String DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
  /** The model {@link #fromEnvironment()} uses with a DeepSeek key and no {@code AGP_MODEL}. */
  public static final String DEFAULT_DEEPSEEK_MODEL = "deepseek-chat";
  /** Connect and read timeout of one attempt. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  /** The environment variables {@link #fromEnvironment()} reads. */
  public static final List<String> ENVIRONMENT_VARIABLES =
      List.of("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "AGP_BASE_URL", "AGP_MODEL", "AGP_API_KEY");

  private static final String OPENAI_HOST = "api.openai.com";
  private static final String DEEPSEEK_HOST = "api.deepseek.com";

  private LlmBackends() {}

  /**
   * OpenAI's chat completions with the default stack.
   *
   * @param apiKey the OpenAI key; sent to {@code api.openai.com} only
   * @param model the model name, for example {@value #DEFAULT_OPENAI_MODEL}
   * @return the client, ready to call
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key or model is blank
   */
  public static LlmClient openAi(String apiKey, String model) {
    return openAiBuilder(apiKey, model).build();
  }

  /**
   * A builder for OpenAI's chat completions.
   *
   * @param apiKey the OpenAI key; sent to {@code api.openai.com} only
   * @param model the model name, for example {@value #DEFAULT_OPENAI_MODEL}
   * @return a builder with the default stack, to change before {@link Builder#build()}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key or model is blank
   */
  public static Builder openAiBuilder(String apiKey, String model) {
    requireNonNull(model, "model");
    return new Builder(OPENAI_BASE_URL, requireKey(apiKey), OPENAI_HOST, model, HttpClient.Version.HTTP_2);
  }

  /**
   * DeepSeek's chat completions with the default stack.
   *
   * @param apiKey the DeepSeek key; sent to {@code api.deepseek.com} only
   * @param model the model name, for example {@value #DEFAULT_DEEPSEEK_MODEL}
   * @return the client, ready to call
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key or model is blank
   */
  public static LlmClient deepSeek(String apiKey, String model) {
    return deepSeekBuilder(apiKey, model).build();
  }

  /**
   * A builder for DeepSeek's chat completions.
   *
   * @param apiKey the DeepSeek key; sent to {@code api.deepseek.com} only
   * @param model the model name, for example {@value #DEFAULT_DEEPSEEK_MODEL}
   * @return a builder with the default stack, to change before {@link Builder#build()}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key or model is blank
   */
  public static Builder deepSeekBuilder(String apiKey, String model) {
    requireNonNull(model, "model");
    return new Builder(DEEPSEEK_BASE_URL, requireKey(apiKey), DEEPSEEK_HOST, model, HttpClient.Version.HTTP_2);
  }

  /**
   * Any server speaking OpenAI's {@code /chat/completions}, over HTTP/1.1, with the default stack.
   *
   * @param baseUrl the URL that {@code /chat/completions} is appended to, e.g. {@code
   *     http://localhost:11434/v1}
   * @param apiKey the key, or "" for servers that need none
   * @param model the served model's name
   * @return the client, ready to call
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URL is not http(s) or the model is blank
   */
  public static LlmClient openAiCompatible(String baseUrl, String apiKey, String model) {
    return openAiCompatibleBuilder(baseUrl, apiKey, model).build();
  }

  /**
   * A builder for any OpenAI-compatible server, over HTTP/1.1.
   *
   * @param baseUrl the URL that {@code /chat/completions} is appended to, e.g. {@code
   *     http://localhost:11434/v1}
   * @param apiKey the server's own key, or "" for servers that need none
   * @param model the served model's name
   * @return a builder with the default stack, to change before {@link Builder#build()}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URL is not http(s) or the model is blank
   */
  public static Builder openAiCompatibleBuilder(String baseUrl, String apiKey, String model) {
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(apiKey, "apiKey");
    requireNonNull(model, "model");
    return new Builder(requireUrl(baseUrl), apiKey, null, model, HttpClient.Version.HTTP_1_1);
  }

  /**
   * The backend the environment names, with the default stack; see {@link
   * #builderFromEnvironment(Map)}.
   *
   * @return the client of the first backend the process environment configures
   * @throws IllegalStateException if none is configured
   */
  public static LlmClient fromEnvironment() {
    return builderFromEnvironment(System.getenv()).build();
  }

  /**
   * A builder for the backend {@code environment} names, in this order: {@code AGP_BASE_URL} (an
   * OpenAI-compatible server serving {@code AGP_MODEL}, with the key {@link #keyFor} binds to that
   * server: {@code AGP_API_KEY}, or none), else {@code OPENAI_API_KEY} (OpenAI), else {@code
   * DEEPSEEK_API_KEY} (DeepSeek). {@code AGP_MODEL} overrides the default models {@value
   * #DEFAULT_OPENAI_MODEL} and {@value #DEFAULT_DEEPSEEK_MODEL}. Blank values count as unset.
   *
   * @param environment the variables to read, usually {@link System#getenv()}
   * @return a builder for the configured backend, with the default stack
   * @throws NullPointerException if environment is null
   * @throws IllegalStateException if none of the variables is set, or AGP_BASE_URL is set without
   *     AGP_MODEL
   * @throws IllegalArgumentException if AGP_BASE_URL is not an http(s) URL
   */
  public static Builder builderFromEnvironment(Map<String, String> environment) {
    requireNonNull(environment, "environment");
    String baseUrl = value(environment, "AGP_BASE_URL");
    String model = value(environment, "AGP_MODEL");
    String openAiKey = value(environment, "OPENAI_API_KEY");
    String deepSeekKey = value(environment, "DEEPSEEK_API_KEY");
    if (!baseUrl.isEmpty()) {
      if (model.isEmpty()) {
        throw new IllegalStateException("AGP_BASE_URL is set but AGP_MODEL is not: name the model the server serves");
      }
      return openAiCompatibleBuilder(baseUrl, keyFor(baseUrl, environment), model);
    }
    if (!openAiKey.isEmpty()) {
      return openAiBuilder(openAiKey, model.isEmpty() ? DEFAULT_OPENAI_MODEL : model);
    }
    if (!deepSeekKey.isEmpty()) {
      return deepSeekBuilder(deepSeekKey, model.isEmpty() ? DEFAULT_DEEPSEEK_MODEL : model);
    }
    throw new IllegalStateException(
        "no LLM backend is configured: set OPENAI_API_KEY (OpenAI), DEEPSEEK_API_KEY (DeepSeek), or AGP_BASE_URL"
            + " with AGP_MODEL (an OpenAI-compatible server such as Ollama, vLLM or a llama.cpp server; its key,"
            + " if it needs one, in AGP_API_KEY). AGP_MODEL also overrides the default models "
            + DEFAULT_OPENAI_MODEL + " and " + DEFAULT_DEEPSEEK_MODEL + ".");
  }

  /**
   * The key {@code environment} holds for the server at {@code baseUrl}: {@code AGP_API_KEY} when
   * set (the key of the server the user names); else {@code OPENAI_API_KEY} only when the URL is
   * HTTPS on {@code api.openai.com}, {@code DEEPSEEK_API_KEY} only when it is HTTPS on {@code
   * api.deepseek.com}; else "" (send no key). A provider's key never goes to another host.
   *
   * @param baseUrl the server's URL, as given to {@link #openAiCompatibleBuilder}
   * @param environment the variables to read, usually {@link System#getenv()}
   * @return the key to send to that server, or "" for none
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if baseUrl is not an http(s) URL
   */
  public static String keyFor(String baseUrl, Map<String, String> environment) {
    requireNonNull(environment, "environment");
    URI uri = URI.create(requireUrl(baseUrl));
    String own = value(environment, "AGP_API_KEY");
    if (!own.isEmpty()) {
      return own;
    }
    if (providerHost(uri, OPENAI_HOST)) {
      return value(environment, "OPENAI_API_KEY");
    }
    if (providerHost(uri, DEEPSEEK_HOST)) {
      return value(environment, "DEEPSEEK_API_KEY");
    }
    return "";
  }

  /** Whether {@code uri} is HTTPS on exactly {@code host} (any letter case, default port). */
  private static boolean providerHost(URI uri, String host) {
    return "https".equalsIgnoreCase(uri.getScheme()) && host.equalsIgnoreCase(uri.getHost())
        && (uri.getPort() == -1 || uri.getPort() == 443);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null ? "" : v.strip();
  }

  private static String requireKey(String apiKey) {
    requireNonNull(apiKey, "apiKey");
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank");
    }
    return apiKey;
  }

  static String requireUrl(String baseUrl) {
    requireNonNull(baseUrl, "baseUrl");
    URI uri;
    try {
      uri = URI.create(baseUrl.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baseUrl is not a URL: " + baseUrl, e);
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL but was " + baseUrl);
    }
    return baseUrl.strip();
  }

  /**
   * Options of a backend and of the stack in front of it. Setters throw {@link
   * NullPointerException} for null and {@link IllegalArgumentException} naming the option for a
   * bad value; {@link #build()} throws {@link IllegalStateException} for options that conflict.
   * The stack's options and defaults are those of {@link LlmClients.Builder}.
   */
  public static final class Builder {
    private String baseUrl;
    private final String apiKey;
    private final @Nullable String keyHost;
    private final String model;
    private HttpClient.Version httpVersion;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private final List<Consumer<LlmClients.Builder>> stack = new ArrayList<>();
    private final List<ChatModelListener> listeners = new ArrayList<>();
    private final LlmClients.Builder check = LlmClients.builder(request -> {
      throw new IllegalStateException("only checks options");
    });

    private Builder(String baseUrl, String apiKey, @Nullable String keyHost, String model, HttpClient.Version version) {
      requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.baseUrl = baseUrl;
      this.apiKey = apiKey;
      this.keyHost = keyHost;
      this.model = model;
      this.httpVersion = version;
    }

    /**
     * Another URL of the same service. The key of an OpenAI or DeepSeek builder belongs to that
     * provider's host: the URL must be HTTPS on that host (another path or version is fine). To
     * talk to a proxy, a gateway or any other server, use {@link #openAiCompatibleBuilder} with
     * that server's own key.
     *
     * @param url the service's URL, ending before {@code /chat/completions}
     * @return this builder
     * @throws IllegalArgumentException if it is not an http(s) URL, or it would send a provider's
     *     key to another host or over plain HTTP
     */
    public Builder baseUrl(String url) {
      String checked = requireUrl(url);
      if (keyHost != null && !providerHost(URI.create(checked), keyHost)) {
        URI u = URI.create(checked);
        throw new IllegalArgumentException(
            "baseUrl " + u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                + ": the API key of this builder belongs to https://" + keyHost + " and is never sent to another"
                + " host or over plain HTTP; use openAiCompatibleBuilder(url, thatServersKey, model) for another server");
      }
      this.baseUrl = checked;
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
     * The HTTP version: HTTP/2 for OpenAI and DeepSeek, HTTP/1.1 for compatible servers by default.
     *
     * @param version the HTTP version to speak
     * @return this builder
     */
    public Builder httpVersion(HttpClient.Version version) {
      this.httpVersion = requireNonNull(version, "httpVersion");
      return this;
    }

    /**
     * The clock that turns an HTTP-date {@code Retry-After} into a wait.
     *
     * @param clock the clock {@code Retry-After} dates are compared with
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a LangChain4j listener to the chat model: it sees every HTTP attempt's request,
     * response or error (one per attempt, since the SDK retries above LangChain4j), for example
     * for tracing or LangChain4j's own metrics. The SDK's {@link LlmUsageMeter} events are
     * per call, retries included.
     *
     * @param listener the listener, called on the HTTP client's threads
     * @return this builder
     */
    public Builder listener(ChatModelListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * See {@link LlmClients.Builder#maxAttempts}.
     *
     * @param maxAttempts attempts per call, the first included
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      return stack(b -> b.maxAttempts(maxAttempts));
    }

    /**
     * See {@link LlmClients.Builder#initialBackoff}.
     *
     * @param backoff the wait before the first retry
     * @return this builder
     */
    public Builder initialBackoff(Duration backoff) {
      return stack(b -> b.initialBackoff(backoff));
    }

    /**
     * See {@link LlmClients.Builder#maxBackoff}.
     *
     * @param backoff the longest wait between retries
     * @return this builder
     */
    public Builder maxBackoff(Duration backoff) {
      return stack(b -> b.maxBackoff(backoff));
    }

    /**
     * See {@link LlmClients.Builder#deadline}.
     *
     * @param deadline the longest a call may take, retries and waits included
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      return stack(b -> b.deadline(deadline));
    }

    /**
     * See {@link LlmClients.Builder#requestsPerMinute}.
     *
     * @param requests the requests allowed per minute
     * @return this builder
     */
    public Builder requestsPerMinute(long requests) {
      return stack(b -> b.requestsPerMinute(requests));
    }

    /**
     * See {@link LlmClients.Builder#tokensPerMinute}.
     *
     * @param tokens the tokens (input and reserved output) allowed per minute
     * @return this builder
     */
    public Builder tokensPerMinute(long tokens) {
      return stack(b -> b.tokensPerMinute(tokens));
    }

    /**
     * See {@link LlmClients.Builder#maxConcurrentCalls}.
     *
     * @param calls the calls allowed in flight at once
     * @return this builder
     */
    public Builder maxConcurrentCalls(int calls) {
      return stack(b -> b.maxConcurrentCalls(calls));
    }

    /**
     * See {@link LlmClients.Builder#assumedOutputTokens}.
     *
     * @param tokens the output tokens a request without a cap is assumed to use
     * @return this builder
     */
    public Builder assumedOutputTokens(int tokens) {
      return stack(b -> b.assumedOutputTokens(tokens));
    }

    /**
     * See {@link LlmClients.Builder#tokenCounter}. The default is {@link OpenAiTokenCounter} for
     * OpenAI's models at {@code api.openai.com}, and {@link TokenCounter#utf8Bound()} for every
     * other server, whose model may tokenise differently whatever its name; give a gateway that
     * serves OpenAI's models {@code OpenAiTokenCounter.forModel(model)} for exact budgets.
     *
     * @param counter the counter of input tokens
     * @return this builder
     */
    public Builder tokenCounter(TokenCounter counter) {
      return stack(b -> b.tokenCounter(counter));
    }

    /**
     * See {@link LlmClients.Builder#cache}.
     *
     * @param cache the cache answers are looked up in and stored to
     * @return this builder
     */
    public Builder cache(LlmResponseCache cache) {
      return stack(b -> b.cache(cache));
    }

    /**
     * See {@link LlmClients.Builder#cacheDirectory}.
     *
     * @param directory the directory of a disk cache
     * @return this builder
     */
    public Builder cacheDirectory(Path directory) {
      return stack(b -> b.cacheDirectory(directory));
    }

    /**
     * See {@link LlmClients.Builder#prices}.
     *
     * @param prices the prices calls are charged at
     * @return this builder
     */
    public Builder prices(PriceTable prices) {
      return stack(b -> b.prices(prices));
    }

    /**
     * See {@link LlmClients.Builder#budget}.
     *
     * @param budget the budget calls are charged to
     * @return this builder
     */
    public Builder budget(LlmBudget budget) {
      return stack(b -> b.budget(budget));
    }

    /**
     * See {@link LlmClients.Builder#meter}.
     *
     * @param meter the meter that counts every call
     * @return this builder
     */
    public Builder meter(LlmUsageMeter meter) {
      return stack(b -> b.meter(meter));
    }

    /**
     * See {@link LlmClients.Builder#ticker}.
     *
     * @param ticker the time source; {@link Ticker#systemTicker()} by default
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      return stack(b -> b.ticker(ticker));
    }

    /**
     * See {@link LlmClients.Builder#sleeper}.
     *
     * @param sleeper how backoffs and limiter waits sleep
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      return stack(b -> b.sleeper(sleeper));
    }

    /**
     * See {@link LlmClients.Builder#random}.
     *
     * @param random the source of backoff jitter
     * @return this builder
     */
    public Builder random(Random random) {
      return stack(b -> b.random(random));
    }

    /** Checks an option of the stack now and applies it at {@link #build()}. */
    private Builder stack(Consumer<LlmClients.Builder> option) {
      option.accept(check);
      stack.add(option);
      return this;
    }

    /**
     * The backend with the stack in front.
     *
     * @return the client: the stack's layers around the LangChain4j model
     * @throws IllegalStateException for conflicting stack options (see {@link LlmClients.Builder#build()})
     * @throws java.io.UncheckedIOException if the cache directory cannot be opened
     */
    public LlmClient build() {
      LlmClients.Builder b = LlmClients.builder(LangChain4jLlmClient.gated(chatModel(), Redactor.of(apiKey), FirstRequestGate.JVM)).model(model)
          .tokenCounter(defaultCounter());
      stack.forEach(option -> option.accept(b));
      return b.build();
    }

    /** OpenAI's tokenizer for OpenAI's models at api.openai.com; the UTF-8 bound for every other server. */
    TokenCounter defaultCounter() {
      return OPENAI_HOST.equals(keyHost) && providerHost(URI.create(baseUrl), OPENAI_HOST)
          ? OpenAiTokenCounter.forModel(model).orElse(TokenCounter.utf8Bound())
          : TokenCounter.utf8Bound();
    }

    OpenAiChatModel chatModel() {
      return OpenAiChatModel.builder()
          .baseUrl(baseUrl)
          .apiKey(apiKey.isBlank() ? null : apiKey)
          .modelName(model)
          .timeout(timeout)
          .maxRetries(0)
          .httpClientBuilder(RetryAfterHttpClient.builder(httpVersion, clock).gate(FirstRequestGate.JVM))
          .listeners(List.copyOf(listeners))
          .build();
    }
  }
}
