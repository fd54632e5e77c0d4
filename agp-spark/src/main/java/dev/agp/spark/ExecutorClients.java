package dev.agp.spark;

import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

  private ExecutorClients() {}

  /**
   * The backend for {@code config}: no retries, no limits, no cache (each task adds its own).
   *
   * @throws IllegalStateException if the key's variable is unset or its file unreadable here
   */
  static LlmClient backend(SparkLlmConfig config) {
    return BACKENDS.computeIfAbsent(config, c -> build(c, System::getenv));
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
