package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.RankingParser;
import dev.agp.prompt.UntrustedText;
import java.util.Map;

/** The default {@link Reranker}: profile and labelled candidates in, a parsed permutation out. */
final class LlmListwiseReranker implements Reranker {

  private final LlmCalls calls;
  private final PromptTemplate template;
  private final String domain;
  private final AgpSettings.Limits limits;

  LlmListwiseReranker(LlmCalls calls, PromptTemplate template, String domain, AgpSettings.Limits limits) {
    this.calls = calls;
    this.template = template;
    this.domain = domain;
    this.limits = limits;
  }

  @Override
  public Ranking rerank(UserCase user, UserProfile profile) {
    int k = user.candidates().size();
    Map<String, String> values =
        Map.of(
            "profile", UntrustedText.block(profile.text(), limits.profile()),
            "candidates", PromptBlocks.candidates(user.candidates(), limits.title(), limits.attributes()),
            "domain", domain,
            "count", String.valueOf(k),
            "example", CandidateLabels.example(k));
    String answer = calls.complete(Stage.RERANK, PromptBlocks.fill(template, values));
    RankingParser.Result parsed = RankingParser.parse(answer, user.candidates());
    return new Ranking(user.userId(), parsed.itemIds(), parsed.stats(), false);
  }
}
