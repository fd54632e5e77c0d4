package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.internal.PromptBlocks;
import dev.agp.llm.Stage;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default {@link PromptOptimizer}: asks for the rewritten prompt between {@code <prompt>}
 * markers, with the update strength in words, and refuses answers without markers, empty
 * prompts and prompts over the length cap.
 */
final class LlmPromptOptimizer implements PromptOptimizer {

  private static final Pattern OPEN = Pattern.compile("<\\s*prompt\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern CLOSE = Pattern.compile("<\\s*/\\s*prompt\\s*>", Pattern.CASE_INSENSITIVE);

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

  /** The text of the last complete {@code <prompt>} block, checked against the cap. */
  static String extract(String answer, int maxChars) {
    int close = -1;
    int closeEnd = -1;
    Matcher c = CLOSE.matcher(answer);
    while (c.find()) {
      close = c.start();
      closeEnd = c.end();
    }
    if (close < 0) {
      throw new RejectedUpdateException("the answer has no <prompt>...</prompt> block");
    }
    int open = -1;
    Matcher o = OPEN.matcher(answer.substring(0, close));
    while (o.find()) {
      open = o.end();
    }
    if (open < 0) {
      throw new RejectedUpdateException("the answer closes </prompt> without opening <prompt>");
    }
    assert closeEnd > close;
    String text = answer.substring(open, close).strip();
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
