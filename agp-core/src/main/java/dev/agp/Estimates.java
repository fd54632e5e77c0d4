package dev.agp;

import dev.agp.llm.LlmMessage;
import dev.agp.llm.Stage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a fit's calls from the schedule alone, and approximates its input tokens by rendering the
 * built-in prompts with the real histories and candidates (texts the LLM will write are assumed
 * to fill their caps).
 */
final class Estimates {

  /** Characters per token of the approximation. */
  static final double CHARS_PER_TOKEN = 4.0;

  private Estimates() {}

  static CallEstimate of(AgpSettings s, List<UserCase> train, List<UserCase> validation) {
    int n = train.size();
    int b = s.batchSize();
    int batches = (n + b - 1) / b;
    Map<Stage, Long> calls = new EnumMap<>(Stage.class);
    Map<Stage, Long> input = new EnumMap<>(Stage.class);
    Map<Stage, Long> output = new EnumMap<>(Stage.class);

    Sizes trainSizes = sizes(s, train);
    Sizes validationSizes = sizes(s, validation);
    int scorings = s.epochs() + (s.scoreInitialPrompt() ? 1 : 0);
    long perEpochUsers = n * (s.greedyAcceptance() ? 2L : 1L);

    add(calls, Stage.PROFILE, perEpochUsers * s.epochs() + (long) validation.size() * scorings);
    add(calls, Stage.RERANK, perEpochUsers * s.epochs() + (long) validation.size() * scorings);
    add(input, Stage.PROFILE, trainSizes.profile * s.epochs() * (s.greedyAcceptance() ? 2 : 1) + validationSizes.profile * scorings);
    add(input, Stage.RERANK, trainSizes.rerank * s.epochs() * (s.greedyAcceptance() ? 2 : 1) + validationSizes.rerank * scorings);
    if (s.critiques()) {
      add(calls, Stage.CRITIQUE, (long) n * s.epochs());
      add(input, Stage.CRITIQUE, trainSizes.critique * s.epochs());
    }
    if (s.summarizes()) {
      add(calls, Stage.SUMMARIZE, (long) batches * s.epochs());
      add(input, Stage.SUMMARIZE, tokens(templateChars(s, s.feedbackMode() == FeedbackMode.PAPER
          ? TemplateName.SUMMARIZE : TemplateName.SUMMARIZE_COMPACT) + s.limits().prompt()
          + Math.min(s.limits().feedback(), b * (long) s.limits().critique())) * batches * s.epochs());
    }
    add(calls, Stage.OPTIMIZE, (long) batches * s.epochs());
    long feedbackChars = s.summarizes() ? s.limits().summary() : s.limits().feedback();
    add(input, Stage.OPTIMIZE,
        tokens(templateChars(s, TemplateName.OPTIMIZE) + s.limits().prompt() + feedbackChars) * batches * s.epochs());
    calls.forEach((stage, c) -> {
      Integer cap = s.maxOutputTokens().get(stage);
      if (cap != null) {
        output.put(stage, c * cap);
      }
    });
    return new CallEstimate(calls, input, output, n, validation.size(), s.epochs(), batches);
  }

  private record Sizes(long profile, long rerank, long critique) {}

  private static Sizes sizes(AgpSettings s, List<UserCase> users) {
    PromptTemplate profileT = s.templates().get(TemplateName.PROFILE);
    PromptTemplate rerankT = s.templates().get(TemplateName.RERANK);
    PromptTemplate critiqueT = s.templates().get(TemplateName.CRITIQUE);
    AgpSettings.Limits l = s.limits();
    String profile = "x".repeat((int) Math.min(l.profile(), 4L * s.maxOutputTokens().getOrDefault(Stage.PROFILE, l.profile())));
    long p = 0;
    long r = 0;
    long c = 0;
    for (UserCase u : users) {
      String history = PromptBlocks.history(u.recentHistory(s.historyLength()), l.title(), l.attributes());
      String candidates = PromptBlocks.candidates(u.candidates(), l.title(), l.attributes());
      Map<String, String> v = new HashMap<>();
      v.put("instruction", s.initialPrompt().text());
      v.put("history", history);
      v.put("domain", s.domain());
      v.put("historyCount", "10");
      v.put("profile", profile);
      v.put("candidates", candidates);
      v.put("count", String.valueOf(u.candidates().size()));
      v.put("example", CandidateLabels.example(u.candidates().size()));
      v.put("prompt", s.initialPrompt().text());
      v.put("ranking", candidates);
      v.put("feedback", "x".repeat(300));
      p += tokens(chars(PromptBlocks.fill(profileT, v)));
      r += tokens(chars(PromptBlocks.fill(rerankT, v)));
      c += tokens(chars(PromptBlocks.fill(critiqueT, v)));
    }
    return new Sizes(p, r, c);
  }

  private static long templateChars(AgpSettings s, TemplateName name) {
    return s.templates().text(name).length();
  }

  private static long chars(List<LlmMessage> messages) {
    long n = 0;
    for (LlmMessage m : messages) {
      n += m.text().length();
    }
    return n;
  }

  static long tokens(long chars) {
    return (long) Math.ceil(chars / CHARS_PER_TOKEN);
  }

  private static void add(Map<Stage, Long> m, Stage s, long v) {
    m.merge(s, v, Long::sum);
  }
}
