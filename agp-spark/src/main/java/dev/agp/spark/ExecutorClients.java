package dev.agp.spark;

import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

/**
 * The LLM backends of this JVM, one per configuration: the HTTP client and its connections are
 * shared by every task the executor runs. The key is read here, on the executor, from the
 * environment variable or file the configuration names; it goes into the backend's
 * {@code Authorization} header and nowhere else.
 */
final class ExecutorClients {

  /** Calls in flight per executor at most; each task bounds its own calls far below this. */
  static final int MAX_CALLS_PER_EXECUTOR = 1024;

  private static final Map<SparkLlmConfig, LlmClient> BACKENDS = new ConcurrentHashMap<>();
  private static final Map<Share, Deque<LlmClient>> LIMITED = new ConcurrentHashMap<>();

  /** A task's share of a job's limits. */
  private record Share(SparkLlmConfig config, long requestsPerMinute, long tokensPerMinute) {}

  private ExecutorClients() {}

  /**
   * The backend for {@code config}: no retries, no limits, no cache (each task adds its own).
   *
   * @throws IllegalStateException if the key's variable is unset or its file unreadable here
   */
  static LlmClient backend(SparkLlmConfig config) {
    return BACKENDS.computeIfAbsent(config, c -> build(c, System::getenv));
  }

  /**
   * The backend behind a rate limiter of {@code requestsPerMinute} and {@code tokensPerMinute}
   * (0: none) for one running task, until {@link #release}d. Limiters outlive tasks: the next task
   * of the executor takes over a released limiter with its bucket as the last task left it, so a
   * job of many short tasks gets no fresh burst allowance per task and stays under its limit.
   */
  static LlmClient borrowLimited(SparkLlmConfig config, long requestsPerMinute, long tokensPerMinute) {
    Share share = new Share(config, requestsPerMinute, tokensPerMinute);
    LlmClient limited = LIMITED.computeIfAbsent(share, s -> new ConcurrentLinkedDeque<>()).pollFirst();
    if (limited != null) {
      return limited;
    }
    LlmClients.Builder b = LlmClients.builder(backend(config)).maxAttempts(1).maxConcurrentCalls(MAX_CALLS_PER_EXECUTOR);
    if (requestsPerMinute > 0) {
      b.requestsPerMinute(requestsPerMinute);
    }
    if (tokensPerMinute > 0) {
      b.tokensPerMinute(tokensPerMinute);
    }
    return b.build();
  }

  /** Gives a limiter back for the executor's next task. */
  static void release(SparkLlmConfig config, long requestsPerMinute, long tokensPerMinute, LlmClient limited) {
    LIMITED.computeIfAbsent(new Share(config, requestsPerMinute, tokensPerMinute), s -> new ConcurrentLinkedDeque<>())
        .addFirst(limited);
  }

  static LlmClient build(SparkLlmConfig c, Function<String, String> environment) {
    String key = apiKey(c, environment).orElse("");
    LlmBackends.Builder b = switch (c.backend()) {
      case OPENAI -> LlmBackends.openAiBuilder(key, c.model()).baseUrl(c.baseUrl());
      case DEEPSEEK -> LlmBackends.deepSeekBuilder(key, c.model()).baseUrl(c.baseUrl());
      case COMPATIBLE -> LlmBackends.openAiCompatibleBuilder(c.baseUrl(), key, c.model());
    };
    return b.timeout(c.timeout()).maxAttempts(1).maxConcurrentCalls(MAX_CALLS_PER_EXECUTOR).build();
  }

  /**
   * The key from the file, else the variable, else none (only for compatible servers).
   *
   * @throws IllegalStateException naming the variable or file (never its content) if the source
   *     is named but yields no key
   */
  static Optional<String> apiKey(SparkLlmConfig c, Function<String, String> environment) {
    String where = executorName();
    if (c.apiKeyFile() != null) {
      Path file = Path.of(c.apiKeyFile());
      String key;
      try {
        key = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read the API key file " + file + " on " + where + " (" + e.getClass().getSimpleName() + ")", e);
      }
      if (key.isEmpty()) {
        throw new IllegalStateException("the API key file " + file + " on " + where + " is empty");
      }
      return Optional.of(key);
    }
    if (c.apiKeyEnv() != null) {
      String key = environment.apply(c.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new IllegalStateException(
            "the environment variable " + c.apiKeyEnv() + " holding the API key is not set on " + where
                + ": set it in the executors' environment (or name a key file with " + SparkLlmConfig.API_KEY_FILE + ")");
      }
      return Optional.of(key.strip());
    }
    return Optional.empty();
  }

  private static String executorName() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return env == null ? "this JVM" : "executor " + env.executorId();
  }
}
