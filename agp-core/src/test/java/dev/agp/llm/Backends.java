package dev.agp.llm;

import dev.agp.testing.ScriptedLlmClient;
import java.util.function.Function;

/** Backends for decorator tests. */
final class Backends {

  private Backends() {}

  /** Answers with {@code answer(request)}, charging about 4 characters a token. */
  static LlmClient answering(Function<LlmRequest, String> answer) {
    return r -> {
      String text = answer.apply(r);
      return new LlmResponse(text, ScriptedLlmClient.approximateUsage(r, text), "test-model", 1, false);
    };
  }

  /** Fails every request like a 503 (retriable) or a 401 (not). */
  static LlmClient failing(boolean retriable) {
    return r -> {
      throw failure(retriable, r.stage());
    };
  }

  static LlmException failure(boolean retriable, Stage stage) {
    return retriable
        ? new LlmRetriableException("HTTP 503: overloaded", null, stage, 1, 503, null)
        : new LlmNonRetriableException("HTTP 401: bad key", null, stage, 1, 401);
  }
}
