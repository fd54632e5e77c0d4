package dev.agp.langchain4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A 5-user AGP fit against OpenAI; skipped without OPENAI_API_KEY. */
class OpenAiIT {

  @Test
  void fit_fiveUsersOnGpt4oMini_learnsAPromptAndRanksEveryUser() {
    String key = System.getenv("OPENAI_API_KEY");
    assumeTrue(key != null && !key.isBlank(), "OPENAI_API_KEY is not set");

    RealBackendFits.fitFiveUsers(
        LlmBackends.openAiBuilder(key, "gpt-4o-mini").timeout(Duration.ofSeconds(60)).requestsPerMinute(300).build());
  }
}
