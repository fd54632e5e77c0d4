package dev.agp.rpp;

import dev.agp.CallEstimate;
import dev.agp.UserCase;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.Stage;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Plans RPP's calls before any is made. A fit: one RPP_RANK call per training user per
 * iteration, and for RPP+ one RPP_REFINE call as well. Serving: one RPP_RANK call per user, and
 * for RPP+ one RPP_REFINE call as well. Input tokens are approximated (about 4 characters a token)
 * by rendering the prompts with each user's real history and candidates: for a fit, the longest
 * sentence of every pattern (or a rewrite at its length cap, for RPP+) and the longest history the
 * agent can reach; for serving, the prompt chosen for the user (RPP+: its sentences rewritten at
 * the length cap). Output tokens are the caps: the largest a ranking call can get, or the one the
 * chosen prompt gets.
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
    output.put(Stage.RPP_RANK, n * s.iterations() * s.maxRankOutputTokens());
    if (s.refine()) {
      output.put(Stage.RPP_REFINE, n * s.iterations() * s.maxOutputTokens().get(Stage.RPP_REFINE));
    }
    return new CallEstimate(calls, input, output, (int) n, 0, s.iterations(), batches);
  }

  /**
   * The calls serving {@code users} makes with the prompts chosen for them.
   *
   * @param refine whether each user's sentences are rewritten for it first (a trained RPP+ model)
   * @param rankCap the output cap of a prompt's ranking call
   */
  static CallEstimate serving(
      RppSettings s, List<UserCase> users, List<RppPrompt> prompts, boolean refine, ToIntFunction<RppPrompt> rankCap) {
    RppPrompter prompter = new RppPrompter(s);
    long rankTokens = 0;
    long refineTokens = 0;
    long rankOutput = 0;
    for (int i = 0; i < users.size(); i++) {
      UserCase u = users.get(i);
      RppPrompt p = prompts.get(i);
      rankOutput += rankCap.applyAsInt(p);
      if (refine) {
        Map<PromptPattern, String> originals = RppPrompter.refinable(p);
        refineTokens += tokens(prompter.refine(u, p, originals));
        Map<PromptPattern, String> longest = new EnumMap<>(PromptPattern.class);
        originals.keySet().forEach(pattern -> longest.put(pattern, "x".repeat(s.maxSentenceChars())));
        p = p.withSentences(longest);
      }
      rankTokens += tokens(prompter.rank(u, prompter.shown(u), p));
    }
    long n = users.size();
    Map<Stage, Long> calls = new EnumMap<>(Stage.class);
    Map<Stage, Long> input = new EnumMap<>(Stage.class);
    Map<Stage, Long> output = new EnumMap<>(Stage.class);
    calls.put(Stage.RPP_RANK, n);
    input.put(Stage.RPP_RANK, rankTokens);
    output.put(Stage.RPP_RANK, rankOutput);
    if (refine) {
      calls.put(Stage.RPP_REFINE, n);
      input.put(Stage.RPP_REFINE, refineTokens);
      output.put(Stage.RPP_REFINE, n * s.maxOutputTokens().get(Stage.RPP_REFINE));
    }
    return new CallEstimate(calls, input, output, 0, 0, 0, 0);
  }

  private static long tokens(List<LlmMessage> messages) {
    long chars = 0;
    for (LlmMessage m : messages) {
      chars += m.text().length();
    }
    return (long) Math.ceil(chars / CHARS_PER_TOKEN);
  }
}
