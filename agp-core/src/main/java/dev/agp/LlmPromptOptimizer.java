package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.prompt.AnswerText;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.UntrustedText;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The default {@link PromptOptimizer}: asks for the rewritten prompt between {@code <prompt>}
 * markers, with the update strength in words, and refuses answers without markers, empty
 * prompts and prompts over the length cap.
 */
final class LlmPromptOptimizer implements PromptOptimizer {

  private final LlmCalls calls;
  private final PromptTemplate template;
  private final String domain;
  private final AgpSettings.Limits limits;

  LlmPromptOptimizer(LlmCalls calls, PromptTemplate template, String domain, AgpSettings.Limits limits) {
    this.calls = calls;
    this.template = template;
    this.domain = domain;
    this.limits = limits;
  }

  @Override
  public ProfilePrompt update(ProfilePrompt current, BatchFeedback feedback) {
    Map<String, String> values =
        Map.of(
            "prompt", UntrustedText.block(current.text(), limits.prompt()),
            "feedback", UntrustedText.block(feedback.text(), limits.feedback()),
            "strength", feedback.strength().words(),
            "maxChars", String.valueOf(limits.prompt()),
            "ndcg", String.format(Locale.ROOT, "%.3f", feedback.ndcg()),
            "averagePosition", String.format(Locale.ROOT, "%.2f", feedback.averagePosition()),
            "domain", domain);
    String answer = calls.complete(Stage.OPTIMIZE, PromptBlocks.fill(template, values));
    return new ProfilePrompt(extract(answer, limits.prompt()));
  }

  /**
   * The text of the last complete {@code <prompt>} block (the last closing tag and the last
   * opening tag before it), checked against the cap; one linear pass over the capped answer.
   */
  static String extract(String answer, int maxChars) {
    String capped = AnswerText.cap(answer);
    List<int[]> tags = AnswerText.tags(capped, "prompt");
    int close = tags.size() - 1;
    while (close >= 0 && tags.get(close)[2] != 1) {
      close--;
    }
    if (close < 0) {
      throw new RejectedUpdateException("the answer has no <prompt>...</prompt> block");
    }
    int open = close - 1;
    while (open >= 0 && tags.get(open)[2] != 0) {
      open--;
    }
    if (open < 0) {
      throw new RejectedUpdateException("the answer closes </prompt> without opening <prompt>");
    }
    String text = capped.substring(tags.get(open)[1], tags.get(close)[0]).strip();
    if (text.isEmpty()) {
      throw new RejectedUpdateException("the proposed prompt is empty");
    }
    if (text.length() > maxChars) {
      throw new RejectedUpdateException(
          "the proposed prompt has " + text.length() + " characters, over the cap of " + maxChars);
    }
    return UntrustedText.block(text, maxChars);
  }
}
