package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.internal.AgpJson;
import dev.agp.internal.Checks;
import dev.agp.internal.LlmCalls;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A learned profile prompt, ready to serve: {@link #rerank} writes the user's profile with the
 * prompt and ranks the candidates from it (two LLM calls). Thread-safe.
 *
 * <p>{@link #save} writes a versioned JSON document (prompt, the serving settings and templates,
 * the fit's history and usage; never a key); {@link #load(Path, LlmClient)} reads it back.
 */
public final class AgpModel implements CaseReranker {

  /** The {@code format} field of a saved model. */
  public static final String FORMAT = "agp-model";

  /** The document version this release writes; it reads this version and older ones. */
  public static final int VERSION = 1;

  private static final Logger log = LoggerFactory.getLogger(AgpModel.class);

  private final ProfilePrompt prompt;
  private final @Nullable ProfileGenerator profiles;
  private final @Nullable Reranker reranker;
  private final LlmUsageMeter meter;
  private final FitHistory history;
  private final AgpSettings settings;
  private final LongAdder fallbacks = new LongAdder();

  AgpModel(
      ProfilePrompt prompt,
      @Nullable ProfileGenerator profiles,
      @Nullable Reranker reranker,
      LlmUsageMeter meter,
      FitHistory history,
      AgpSettings settings) {
    this.prompt = prompt;
    this.profiles = profiles;
    this.reranker = reranker;
    this.meter = meter;
    this.history = history;
    this.settings = settings;
  }

  /** The selected prompt: the best by validation NDCG. */
  public ProfilePrompt prompt() {
    return prompt;
  }

  /**
   * Reranks {@code user}'s candidates. When the backend fails (after the client's retries, or by
   * throwing something other than an {@link LlmException}) or the answer cannot be read, the base
   * order comes back {@linkplain Ranking#fallback() flagged as a fallback} and the failure is
   * counted in {@link #usage()} and {@link #fallbacks()}; this method does not throw for LLM
   * failures or malformed answers.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalArgumentException if the user has more candidates than can be labelled ({@link
   *     CandidateLabels#MAX_CANDIDATES}); the message names the user
   * @throws IllegalStateException if the model was loaded without an LlmClient, or a custom
   *     reranker returned something other than a permutation of the candidates
   */
  @Override
  public Ranking rerank(UserCase user) {
    requireNonNull(user, "user");
    Checks.labelable(user);
    if (profiles == null || reranker == null) {
      throw new IllegalStateException(
          "this model was loaded without an LlmClient: use AgpModel.load(path, llm) or withLlm(llm)");
    }
    Ranking ranking;
    try {
      UserProfile profile = profiles.generate(user, prompt);
      ranking = reranker.rerank(user, profile);
    } catch (LlmException | AnswerParseException e) {
      fallbacks.increment();
      log.warn("Reranking user {} failed ({}); returning the base order", user.userId(), e.getMessage());
      return Ranking.fallback(user);
    }
    if (!ranking.isPermutationOf(user)) {
      throw new IllegalStateException(
          "the reranker returned " + ranking.itemIds() + " for user " + user.userId()
              + ", not a permutation of its candidates");
    }
    return ranking;
  }

  /** The fit's record: every batch and validation. Empty for a model that was not trained. */
  public FitHistory history() {
    return history;
  }

  /** Calls, tokens, failures, retries and latency per stage: the fit's and every rerank's since. */
  public UsageReport usage() {
    return meter.snapshot();
  }

  /** Reranks that fell back to the base order because the backend failed. */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** This model serving through {@code llm}, with the saved settings and templates. */
  public AgpModel withLlm(LlmClient llm) {
    requireNonNull(llm, "llm");
    LlmUsageMeter m = new LlmUsageMeter();
    m.add(meter.snapshot());
    LlmCalls calls = new LlmCalls(m.wrap(llm), settings.temperatures(), settings.maxOutputTokens());
    PromptTemplates t = settings.templates();
    return new AgpModel(
        prompt,
        new LlmProfileGenerator(calls, t.get(TemplateName.PROFILE), settings.domain(), settings.historyLength(), settings.limits()),
        new LlmListwiseReranker(calls, t.get(TemplateName.RERANK), settings.domain(), settings.limits()),
        m, history, settings);
  }

  /**
   * Writes this model as a versioned JSON document, atomically.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public void save(Path path) {
    requireNonNull(path, "path");
    AgpSettings.Limits l = settings.limits();
    ModelDocument doc =
        new ModelDocument(
            FORMAT, VERSION, prompt.text(),
            new ServingSettings(
                settings.domain(), settings.historyLength(), settings.cutoff(), l.title(), l.profile(), l.prompt(),
                settings.temperatures(), settings.maxOutputTokens(), settings.templates().overrides(), l.attributes()),
            history, usage());
    try {
      AgpJson.writeAtomically(path, doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + path, e);
    }
  }

  /**
   * Reads a saved model and serves it through {@code llm}.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(Path path, LlmClient llm) {
    return load(path).withLlm(llm);
  }

  /**
   * Reads a saved model for inspection ({@link #prompt()}, {@link #history()}, {@link #usage()});
   * bind a client with {@link #withLlm} before reranking.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(Path path) {
    requireNonNull(path, "path");
    ModelDocument doc;
    try {
      doc = AgpJson.MAPPER.readValue(path.toFile(), ModelDocument.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a saved model from " + path + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(doc.format())) {
      throw new IllegalArgumentException(path + " is not a saved AGP model (format " + doc.format() + ")");
    }
    if (doc.version() < 1 || doc.version() > VERSION) {
      throw new IllegalArgumentException(
          path + " has model version " + doc.version() + "; this release reads versions 1 to " + VERSION);
    }
    if (doc.prompt() == null || doc.settings() == null) {
      throw new IllegalArgumentException(path + " lacks the prompt or the settings of a saved model");
    }
    ServingSettings s = doc.settings();
    AgpOptimizer.Builder b =
        AgpOptimizer.builder()
            .domain(s.domain())
            .historyLength(s.historyLength())
            .cutoff(s.cutoff())
            .maxTitleChars(s.maxTitleChars())
            .maxProfileChars(s.maxProfileChars())
            .maxPromptChars(s.maxPromptChars())
            .initialPrompt(doc.prompt());
    if (s.shownAttributes() != null) {
      b.shownAttributes(s.shownAttributes());
    }
    s.temperatures().forEach(b::temperature);
    s.maxOutputTokens().forEach(b::maxOutputTokens);
    s.templates().forEach(b::template);
    AgpSettings settings = b.settings();
    LlmUsageMeter meter = new LlmUsageMeter();
    meter.add(doc.usage() == null ? UsageReport.EMPTY : doc.usage());
    return new AgpModel(
        new ProfilePrompt(doc.prompt()), null, null, meter,
        doc.history() == null ? FitHistory.EMPTY : doc.history(), settings);
  }

  /** The saved form of a model. */
  record ModelDocument(
      String format,
      int version,
      String prompt,
      ServingSettings settings,
      FitHistory history,
      UsageReport usage) {}

  /** What serving needs besides the prompt. */
  record ServingSettings(
      String domain,
      int historyLength,
      int cutoff,
      int maxTitleChars,
      int maxProfileChars,
      int maxPromptChars,
      Map<Stage, Double> temperatures,
      Map<Stage, Integer> maxOutputTokens,
      Map<TemplateName, String> templates,
      @Nullable List<String> shownAttributes) {}
}
