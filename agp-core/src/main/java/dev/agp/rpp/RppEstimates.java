package dev.agp.rpp;

import dev.agp.CallEstimate;
import dev.agp.UserCase;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.Stage;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Plans an RPP fit's calls from the schedule alone: one RPP_RANK call per training user per
 * iteration, and for RPP+ one RPP_REFINE call as well. Input tokens are approximated (about 4
 * characters a token) by rendering the prompts with each user's real history and candidates, the
 * longest sentence of every pattern (or a rewrite at its length cap, for RPP+) and the longest
 * history the agent can reach; output tokens are the stage caps.
 */
final class RppEstimates {

  static final double CHARS_PER_TOKEN = 4.0;

  private RppEstimates() {}

  static CallEstimate of(RppSettings s, List<UserCase> train) {
    long n = train.size();
    int batches = (int) ((n + s.batchSize() - 1) / s.batchSize());
    RppPrompter prompter = new RppPrompter(s);
    Map<PromptPattern, Integer> actions = new EnumMap<>(PromptPattern.class);
    Map<PromptPattern, String> longest = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      String l = s.sentences().get(p).stream().max(Comparator.comparingInt(String::length)).orElse("");
      if (s.refine() && p.choosesSentences() && l.length() < s.maxSentenceChars()) {
        l = "x".repeat(s.maxSentenceChars());
      }
      longest.put(p, l);
      actions.put(p, 0);
    }
    RppPrompt widest = new RppPrompt(actions, longest, 0);
    long rankTokens = 0;
    long refineTokens = 0;
    for (UserCase u : train) {
      RppPrompt p = new RppPrompt(actions, longest, Math.min(s.maxHistoryLength(), u.history().size()));
      rankTokens += tokens(prompter.rank(u, prompter.shown(u), p));
      if (s.refine()) {
        refineTokens += tokens(prompter.refine(u, p, RppPrompter.refinable(widest)));
      }
    }
    Map<Stage, Long> calls = new EnumMap<>(Stage.class);
    Map<Stage, Long> input = new EnumMap<>(Stage.class);
    Map<Stage, Long> output = new EnumMap<>(Stage.class);
    calls.put(Stage.RPP_RANK, n * s.iterations());
    input.put(Stage.RPP_RANK, rankTokens * s.iterations());
    if (s.refine()) {
      calls.put(Stage.RPP_REFINE, n * s.iterations());
      input.put(Stage.RPP_REFINE, refineTokens * s.iterations());
    }
    calls.forEach((stage, c) -> {
      Integer cap = s.maxOutputTokens().get(stage);
      if (cap != null) {
        output.put(stage, c * cap);
      }
    });
    return new CallEstimate(calls, input, output, (int) n, 0, s.iterations(), batches);
  }

  private static long tokens(List<LlmMessage> messages) {
    long chars = 0;
    for (LlmMessage m : messages) {
      chars += m.text().length();
    }
    return (long) Math.ceil(chars / CHARS_PER_TOKEN);
  }
}
