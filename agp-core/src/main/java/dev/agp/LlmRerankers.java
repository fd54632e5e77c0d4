package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.internal.Checks;
import dev.agp.internal.LlmCalls;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.Stage;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.PromptTemplates;
import dev.agp.prompt.RankingParser;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's LLM baselines, as {@link CaseReranker}s:
 *
 * <ul>
 *   <li><b>LLM-Dir</b> ({@link #direct}): history and labelled candidates in one prompt, the
 *       ordering out ({@link Stage#DIRECT_RERANK}).
 *   <li><b>LLM-CoT</b> ({@link #chainOfThought}): the same, reasoning step by step before the
 *       ordering ({@link Stage#COT_RERANK}).
 * </ul>
 *
 * Both use the same labels and parser as AGP, and return the base order flagged as a fallback
 * when the backend fails (an {@link LlmException}; other exceptions of the client propagate, see
 * {@link LlmClient}) or the answer cannot be read ({@link AnswerParseException}). A call refused by the client's {@link
 * dev.agp.llm.LlmBudget} is not a backend failure: its {@link LlmBudgetExceededException}
 * propagates, so that an evaluation stops instead of scoring the base order for the remaining
 * users. {@code rerank} throws {@link IllegalArgumentException}, naming the user, for more
 * candidates than {@link CandidateLabels#MAX_CANDIDATES}. Thread-safe.
 */
public final class LlmRerankers {

  /** History items shown, the same default as AGP's profiles. */
  public static final int DEFAULT_HISTORY_LENGTH = AgpOptimizer.DEFAULT_HISTORY_LENGTH;
  /** Output cap of LLM-Dir. */
  public static final int DEFAULT_DIRECT_MAX_TOKENS = 300;
  /** Output cap of LLM-CoT (reasoning included). */
  public static final int DEFAULT_COT_MAX_TOKENS = 1500;

  private LlmRerankers() {}

  /**
   * LLM-Dir with default options.
   *
   * @param llm the client that ranks
   * @return the reranker
   */
  public static CaseReranker direct(LlmClient llm) {
    return builder(llm).direct();
  }

  /**
   * LLM-CoT with default options.
   *
   * @param llm the client that ranks
   * @return the reranker
   */
  public static CaseReranker chainOfThought(LlmClient llm) {
    return builder(llm).chainOfThought();
  }

  /**
   * Options for the baselines.
   *
   * @param llm the client that ranks
   * @return a builder with every option at its default
   */
  public static Builder builder(LlmClient llm) {
    return new Builder(requireNonNull(llm, "llm"));
  }

  /** Options of the LLM baselines. */
  public static final class Builder {
    private final LlmClient llm;
    private String domain = AgpOptimizer.DEFAULT_DOMAIN;
    private int historyLength = DEFAULT_HISTORY_LENGTH;
    private double temperature = AgpOptimizer.DEFAULT_TEMPERATURE;
    private int maxTitleChars = AgpOptimizer.DEFAULT_MAX_TITLE_CHARS;
    private List<String> shownAttributes = List.of();
    private PromptTemplates templates = PromptTemplates.defaults();

    private Builder(LlmClient llm) {
      this.llm = llm;
    }

    /**
     * The word prompts use for what is recommended.
     *
     * @param domain the word, for example {@code movie}
     * @return this builder
     */
    public Builder domain(String domain) {
      requireNonNull(domain, "domain");
      if (domain.isBlank()) {
        throw new IllegalArgumentException("domain must not be blank");
      }
      this.domain = domain.strip();
      return this;
    }

    /**
     * History items shown, {@code >= 1}.
     *
     * @param n the number of history items
     * @return this builder
     */
    public Builder historyLength(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("historyLength must be >= 1 but was " + n);
      }
      this.historyLength = n;
      return this;
    }

    /**
     * Sampling temperature in [0, 2] (default 0).
     *
     * @param t the sampling temperature
     * @return this builder
     */
    public Builder temperature(double t) {
      if (!(t >= 0 && t <= 2)) {
        throw new IllegalArgumentException("temperature must be in [0, 2] but was " + t);
      }
      this.temperature = t;
      return this;
    }

    /**
     * Longest title shown, {@code >= 10}.
     *
     * @param chars the longest title
     * @return this builder
     */
    public Builder maxTitleChars(int chars) {
      if (chars < 10) {
        throw new IllegalArgumentException("maxTitleChars must be >= 10 but was " + chars);
      }
      this.maxTitleChars = chars;
      return this;
    }

    /**
     * Item attributes shown after each title, as {@link AgpOptimizer.Builder#shownAttributes}
     * (default none).
     *
     * @param keys the attribute keys, in the order shown
     * @return this builder
     * @throws NullPointerException if the list or a key is null
     * @throws IllegalArgumentException if a key is blank or repeated
     */
    public Builder shownAttributes(List<String> keys) {
      this.shownAttributes = dev.agp.internal.Checks.attributeKeys(keys);
      return this;
    }

    /**
     * Replaces {@link TemplateName#DIRECT_RERANK} or {@link TemplateName#COT_RERANK}.
     *
     * @param name the template to replace
     * @param text the replacement's text
     * @return this builder
     * @throws IllegalArgumentException if the text lacks a required placeholder or uses an unknown one
     */
    public Builder template(TemplateName name, String text) {
      this.templates = templates.with(name, text);
      return this;
    }

    /**
     * LLM-Dir.
     *
     * @return the LLM-Dir reranker
     */
    public CaseReranker direct() {
      return new Baseline(this, Stage.DIRECT_RERANK, TemplateName.DIRECT_RERANK, DEFAULT_DIRECT_MAX_TOKENS);
    }

    /**
     * LLM-CoT.
     *
     * @return the LLM-CoT reranker
     */
    public CaseReranker chainOfThought() {
      return new Baseline(this, Stage.COT_RERANK, TemplateName.COT_RERANK, DEFAULT_COT_MAX_TOKENS);
    }
  }

  private static final class Baseline implements CaseReranker {
    private static final Logger log = LoggerFactory.getLogger(LlmRerankers.class);

    private final LlmCalls calls;
    private final Stage stage;
    private final PromptTemplate template;
    private final String domain;
    private final int historyLength;
    private final int maxTitleChars;
    private final List<String> shownAttributes;

    Baseline(Builder b, Stage stage, TemplateName name, int maxTokens) {
      this.calls = new LlmCalls(b.llm, Map.of(stage, b.temperature), Map.of(stage, maxTokens));
      this.stage = stage;
      this.template = b.templates.get(name);
      this.domain = b.domain;
      this.historyLength = b.historyLength;
      this.maxTitleChars = b.maxTitleChars;
      this.shownAttributes = b.shownAttributes;
    }

    @Override
    public Ranking rerank(UserCase user) {
      requireNonNull(user, "user");
      Checks.labelable(user);
      int k = user.candidates().size();
      Map<String, String> values =
          Map.of(
              "history", PromptBlocks.history(user.recentHistory(historyLength), maxTitleChars, shownAttributes),
              "candidates", PromptBlocks.candidates(user.candidates(), maxTitleChars, shownAttributes),
              "domain", domain,
              "count", String.valueOf(k),
              "example", CandidateLabels.example(k));
      String answer;
      try {
        answer = calls.complete(stage, PromptBlocks.fill(template, values));
      } catch (LlmBudgetExceededException e) {
        throw e;
      } catch (LlmException e) {
        log.warn("{} for user {} failed ({}); returning the base order", stage, user.userId(), e.getMessage());
        return Ranking.fallback(user);
      }
      RankingParser.Result parsed;
      try {
        parsed = RankingParser.parse(answer, user.candidates());
      } catch (AnswerParseException e) {
        log.warn("{} for user {}: {}; returning the base order", stage, user.userId(), e.getMessage());
        return Ranking.fallback(user);
      }
      return new Ranking(user.userId(), parsed.itemIds(), parsed.stats(), false);
    }
  }
}
