package dev.agp;

import dev.agp.internal.Fingerprints;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptTemplates;
import java.util.Map;
import java.util.TreeMap;

/** Every option of a fit, resolved and validated by the builder. */
record AgpSettings(
    String domain,
    ProfilePrompt initialPrompt,
    int batchSize,
    int epochs,
    int historyLength,
    int patience,
    int concurrency,
    long seed,
    double validationFraction,
    FeedbackMode feedbackMode,
    boolean summarize,
    FeedbackSignal signal,
    WeightScheme weighting,
    boolean greedyAcceptance,
    boolean scoreInitialPrompt,
    double maxFailureRate,
    int cutoff,
    Limits limits,
    Map<Stage, Double> temperatures,
    Map<Stage, Integer> maxOutputTokens,
    PromptTemplates templates) {

  /**
   * Length caps on text sent to and accepted from the LLM, in characters, and the item attributes
   * shown next to titles (none by default).
   */
  record Limits(
      int title, int profile, int critique, int feedback, int summary, int prompt, int summaryWords,
      java.util.List<String> attributes) {
    Limits {
      attributes = java.util.List.copyOf(attributes);
    }
  }

  /** Whether per-user CRITIQUE calls are made. */
  boolean critiques() {
    return feedbackMode == FeedbackMode.PAPER && signal == FeedbackSignal.POSITIONS;
  }

  /** Whether a SUMMARIZE call is made per batch. */
  boolean summarizes() {
    return summarize && signal == FeedbackSignal.POSITIONS;
  }

  /**
   * The settings that decide a fit's result, as text, for refusing to resume a checkpoint under
   * another configuration. Concurrency, listeners and the failure threshold are left out: they do
   * not change what a successful fit computes.
   */
  Map<String, String> fingerprint() {
    Map<String, String> m = new TreeMap<>();
    m.put("domain", domain);
    m.put("initialPrompt", Fingerprints.sha256(initialPrompt.text()));
    m.put("batchSize", String.valueOf(batchSize));
    m.put("epochs", String.valueOf(epochs));
    m.put("historyLength", String.valueOf(historyLength));
    m.put("patience", String.valueOf(patience));
    m.put("seed", String.valueOf(seed));
    m.put("validationFraction", String.valueOf(validationFraction));
    m.put("feedbackMode", feedbackMode.name());
    m.put("summarize", String.valueOf(summarize));
    m.put("feedbackSignal", signal.name());
    m.put("weighting", weighting.name());
    m.put("greedyAcceptance", String.valueOf(greedyAcceptance));
    m.put("scoreInitialPrompt", String.valueOf(scoreInitialPrompt));
    m.put("cutoff", String.valueOf(cutoff));
    m.put("limits", limits.toString());
    m.put("temperatures", new TreeMap<>(temperatures).toString());
    m.put("maxOutputTokens", new TreeMap<>(maxOutputTokens).toString());
    for (TemplateName t : TemplateName.values()) {
      m.put("template." + t.name(), Fingerprints.sha256(templates.text(t)));
    }
    return m;
  }
}
