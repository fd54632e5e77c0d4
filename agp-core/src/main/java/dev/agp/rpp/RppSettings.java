package dev.agp.rpp;

import dev.agp.internal.Fingerprints;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptTemplate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every option of an RPP fit, resolved and validated by the builder. */
record RppSettings(
    String domain,
    int iterations,
    int batchSize,
    int concurrency,
    long seed,
    double discount,
    double actorLearningRate,
    double criticLearningRate,
    int hiddenUnits,
    int initialHistoryLength,
    int maxHistoryLength,
    int embeddingDimension,
    boolean suppliedEmbedding,
    boolean shuffleCandidates,
    boolean refine,
    int maxRefinedSentences,
    double refineMinReward,
    int refineMinUsers,
    int maxSentenceChars,
    double maxFailureRate,
    int cutoff,
    int maxTitleChars,
    Map<Stage, Double> temperatures,
    Map<Stage, Integer> maxOutputTokens,
    Map<PromptPattern, List<Integer>> actionOutputTokens,
    Map<PromptPattern, List<String>> sentences,
    Map<RppTemplate, String> templates,
    List<String> shownAttributes) {

  RppSettings {
    shownAttributes = List.copyOf(shownAttributes);
    EnumMap<PromptPattern, List<String>> s = new EnumMap<>(PromptPattern.class);
    sentences.forEach((k, v) -> s.put(k, List.copyOf(v)));
    sentences = java.util.Collections.unmodifiableMap(s);
    templates = java.util.Collections.unmodifiableMap(new EnumMap<>(templates));
    temperatures = java.util.Collections.unmodifiableMap(new EnumMap<>(temperatures));
    maxOutputTokens = java.util.Collections.unmodifiableMap(new EnumMap<>(maxOutputTokens));
    EnumMap<PromptPattern, List<Integer>> caps = new EnumMap<>(PromptPattern.class);
    actionOutputTokens.forEach((k, v) -> caps.put(k, List.copyOf(v)));
    actionOutputTokens = java.util.Collections.unmodifiableMap(caps);
  }

  /** These settings with the embedding of a saved model. */
  RppSettings withEmbedding(boolean supplied, int dimension) {
    return new RppSettings(
        domain, iterations, batchSize, concurrency, seed, discount, actorLearningRate, criticLearningRate,
        hiddenUnits, initialHistoryLength, maxHistoryLength, dimension, supplied, shuffleCandidates, refine,
        maxRefinedSentences, refineMinReward, refineMinUsers, maxSentenceChars, maxFailureRate, cutoff, maxTitleChars,
        temperatures, maxOutputTokens, actionOutputTokens, sentences, templates, shownAttributes);
  }

  /** The number of base actions of each pattern, in {@link PromptPattern} order. */
  int[] baseActions() {
    int[] n = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      n[p.ordinal()] = p == PromptPattern.HISTORY_RECORDS ? PromptPattern.HISTORY_INCREMENTS.size() : sentences.get(p).size();
    }
    return n;
  }

  /** Output units of a pattern's actor: its base actions, plus the refined slots under RPP+. */
  int capacity(PromptPattern p) {
    return baseActions()[p.ordinal()] + (refine && p.choosesSentences() ? maxRefinedSentences : 0);
  }

  /**
   * The output cap of a ranking call whose prompt holds the base actions {@code baseActions} (per
   * pattern ordinal): the largest cap those actions carry, or the {@link Stage#RPP_RANK} stage cap
   * when none carries one.
   */
  int rankOutputTokens(int[] baseActions) {
    int cap = 0;
    for (PromptPattern p : PromptPattern.values()) {
      cap = Math.max(cap, actionOutputTokens.get(p).get(baseActions[p.ordinal()]));
    }
    return cap > 0 ? cap : maxOutputTokens.get(Stage.RPP_RANK);
  }

  /** The largest output cap any ranking call can get. */
  int maxRankOutputTokens() {
    int cap = 0;
    for (List<Integer> caps : actionOutputTokens.values()) {
      for (int c : caps) {
        cap = Math.max(cap, c);
      }
    }
    boolean anyWithout = actionOutputTokens.values().stream().allMatch(l -> l.contains(0));
    return anyWithout ? Math.max(cap, maxOutputTokens.get(Stage.RPP_RANK)) : cap;
  }

  PromptTemplate template(RppTemplate t) {
    return PromptTemplate.parse(t.name(), templates.get(t));
  }

  /**
   * The settings that decide a fit's result, as text, for refusing to resume a checkpoint under
   * another configuration. Concurrency, listeners and the failure threshold are left out.
   */
  Map<String, String> fingerprint() {
    Map<String, String> m = new TreeMap<>();
    m.put("domain", domain);
    m.put("iterations", String.valueOf(iterations));
    m.put("batchSize", String.valueOf(batchSize));
    m.put("seed", String.valueOf(seed));
    m.put("discount", String.valueOf(discount));
    m.put("actorLearningRate", String.valueOf(actorLearningRate));
    m.put("criticLearningRate", String.valueOf(criticLearningRate));
    m.put("hiddenUnits", String.valueOf(hiddenUnits));
    m.put("initialHistoryLength", String.valueOf(initialHistoryLength));
    m.put("maxHistoryLength", String.valueOf(maxHistoryLength));
    m.put("embedding", suppliedEmbedding ? "supplied" : "hashed, dimension " + embeddingDimension);
    m.put("shuffleCandidates", String.valueOf(shuffleCandidates));
    m.put("refine", String.valueOf(refine));
    m.put("maxRefinedSentences", String.valueOf(maxRefinedSentences));
    m.put("refineMinReward", String.valueOf(refineMinReward));
    m.put("refineMinUsers", String.valueOf(refineMinUsers));
    m.put("maxSentenceChars", String.valueOf(maxSentenceChars));
    m.put("cutoff", String.valueOf(cutoff));
    m.put("maxTitleChars", String.valueOf(maxTitleChars));
    if (!shownAttributes.isEmpty()) {
      m.put("shownAttributes", String.join(",", shownAttributes));
    }
    m.put("temperatures", new TreeMap<>(temperatures).toString());
    m.put("maxOutputTokens", new TreeMap<>(maxOutputTokens).toString());
    m.put("actionOutputTokens", new TreeMap<>(actionOutputTokens).toString());
    sentences.forEach((p, list) -> m.put("sentences." + p.name(), Fingerprints.sha256(String.join("\n", list))));
    templates.forEach((t, text) -> m.put("template." + t.name(), Fingerprints.sha256(text)));
    return m;
  }
}
