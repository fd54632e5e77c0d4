package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.UntrustedText;
import java.util.Map;

/** Paper mode's per-user critique: why the profile failed the relevant items, and what to edit. */
final class LlmCritic {

  private final LlmCalls calls;
  private final PromptTemplate template;
  private final String domain;
  private final int historyLength;
  private final AgpSettings.Limits limits;

  LlmCritic(LlmCalls calls, PromptTemplate template, String domain, int historyLength, AgpSettings.Limits limits) {
    this.calls = calls;
    this.template = template;
    this.domain = domain;
    this.historyLength = historyLength;
    this.limits = limits;
  }

  String critique(UserCase user, ProfilePrompt prompt, UserProfile profile, Ranking ranking, PositionFeedback feedback) {
    Map<String, String> values =
        Map.of(
            "prompt", UntrustedText.block(prompt.text(), limits.prompt()),
            "history", PromptBlocks.history(user.recentHistory(historyLength), limits.title(), limits.attributes()),
            "profile", UntrustedText.block(profile.text(), limits.profile()),
            "ranking", PromptBlocks.ranking(user, ranking, limits.title()),
            "feedback", feedback.text(),
            "domain", domain);
    String answer = calls.complete(Stage.CRITIQUE, PromptBlocks.fill(template, values)).strip();
    return UntrustedText.block(answer, limits.critique());
  }
}
