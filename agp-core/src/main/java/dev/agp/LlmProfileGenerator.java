package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.UntrustedText;
import java.util.List;
import java.util.Map;

/** The default {@link ProfileGenerator}: the learned instruction applied to the recent history. */
final class LlmProfileGenerator implements ProfileGenerator {

  private final LlmCalls calls;
  private final PromptTemplate template;
  private final String domain;
  private final int historyLength;
  private final AgpSettings.Limits limits;

  LlmProfileGenerator(
      LlmCalls calls, PromptTemplate template, String domain, int historyLength, AgpSettings.Limits limits) {
    this.calls = calls;
    this.template = template;
    this.domain = domain;
    this.historyLength = historyLength;
    this.limits = limits;
  }

  @Override
  public UserProfile generate(UserCase user, ProfilePrompt prompt) {
    List<Item> recent = user.recentHistory(historyLength);
    Map<String, String> values =
        Map.of(
            "instruction", UntrustedText.block(prompt.text(), limits.prompt()),
            "history", PromptBlocks.history(recent, limits.title(), limits.attributes()),
            "domain", domain,
            "historyCount", String.valueOf(recent.size()));
    String text = calls.complete(Stage.PROFILE, PromptBlocks.fill(template, values)).strip();
    return new UserProfile(user.userId(), text);
  }
}
