package dev.agp.langchain4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A 5-user AGP fit against DeepSeek; skipped without DEEPSEEK_API_KEY. */
class DeepSeekIT {

  @Test
  void fit_fiveUsersOnDeepSeekChat_learnsAPromptAndRanksEveryUser() {
    String key = System.getenv("DEEPSEEK_API_KEY");
    assumeTrue(key != null && !key.isBlank(), "DEEPSEEK_API_KEY is not set");

    RealBackendFits.fitFiveUsers(
        LlmBackends.deepSeekBuilder(key, "deepseek-chat").timeout(Duration.ofSeconds(120)).build());
  }
}
