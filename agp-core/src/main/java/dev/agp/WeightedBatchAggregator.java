package dev.agp;

import dev.agp.internal.LlmCalls;
import dev.agp.llm.Stage;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.UntrustedText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link BatchAggregator}: weights users by their relevant items' mean position,
 * keeps the largest weights that fit the size cap, and summarises them in one SUMMARIZE call
 * (critiques in paper mode, profiles and positions in compact mode). With summarisation off the
 * weighted feedback itself goes to the optimizer; with score-only feedback only the batch's NDCG
 * and error count do.
 */
final class WeightedBatchAggregator implements BatchAggregator {

  private static final Logger log = LoggerFactory.getLogger(WeightedBatchAggregator.class);

  /** Characters of a profile shown for a user already at target in paper mode. */
  static final int ON_TARGET_PROFILE_CHARS = 400;

  private final @Nullable LlmCalls calls;
  private final AgpSettings settings;
  private final PromptTemplate summarizeTemplate;

  WeightedBatchAggregator(@Nullable LlmCalls calls, AgpSettings settings) {
    this.calls = calls;
    this.settings = settings;
    this.summarizeTemplate =
        settings.templates().get(
            settings.feedbackMode() == FeedbackMode.PAPER ? TemplateName.SUMMARIZE : TemplateName.SUMMARIZE_COMPACT);
    if (settings.summarizes() && calls == null) {
      throw new IllegalStateException("summarising feedback needs an LlmClient");
    }
  }

  @Override
  public BatchFeedback aggregate(List<UserOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one successful user");
    }
    int n = outcomes.size();
    double positionSum = 0;
    double displacementSum = 0;
    int placements = 0;
    double ndcgSum = 0;
    int listSize = 1;
    int belowTarget = 0;
    double[] raw = new double[n];
    double rawSum = 0;
    for (int i = 0; i < n; i++) {
      PositionFeedback f = outcomes.get(i).feedback();
      positionSum += f.averagePosition();
      ndcgSum += f.ndcg();
      for (ItemPlacement p : f.placements()) {
        displacementSum += Math.max(0, p.position() - p.targetPosition());
        placements++;
      }
      listSize = Math.max(listSize, outcomes.get(i).user().candidates().size());
      if (!f.atTarget()) {
        belowTarget++;
      }
      raw[i] = settings.weighting().raw(f.averagePosition());
      rawSum += raw[i];
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      weights.put(outcomes.get(i).user().userId(), raw[i] / rawSum);
    }
    double averagePosition = positionSum / n;
    double displacement = placements == 0 ? 0 : displacementSum / placements;
    double ndcg = ndcgSum / n;

    if (settings.signal() == FeedbackSignal.SCORE_ONLY) {
      String text =
          String.format(
              Locale.ROOT,
              "Mean NDCG@%d over the batch's %d users: %.3f. Users whose chosen %s was ranked below its target position: %d of %d.",
              settings.cutoff(), n, ndcg, settings.domain(), belowTarget, n);
      return new BatchFeedback(text, weights, averagePosition, displacement, ndcg,
          UpdateStrength.forScore(Math.min(1, ndcg)), 0, false);
    }

    List<Integer> byWeight = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byWeight.add(i);
    }
    byWeight.sort(Comparator.comparingDouble((Integer i) -> -raw[i]).thenComparingInt(i -> i));
    StringBuilder block = new StringBuilder();
    int included = 0;
    Map<String, Double> shownWeights = new HashMap<>();
    for (int i : byWeight) {
      UserOutcome o = outcomes.get(i);
      double w = raw[i] / rawSum;
      String entry =
          String.format(Locale.ROOT, "User %d (weight %.3f):%n", i + 1, w).replace("\r", "") + body(o) + "\n\n";
      if (included > 0 && block.length() + entry.length() > settings.limits().feedback()) {
        continue;
      }
      block.append(entry);
      shownWeights.put(o.user().userId(), w);
      included++;
    }
    String feedbackBlock = UntrustedText.block(block.toString().strip(), settings.limits().feedback());
    int dropped = n - included;
    UpdateStrength strength = UpdateStrength.forDisplacement(displacement, listSize);

    if (!settings.summarizes()) {
      return new BatchFeedback(feedbackBlock, weights, averagePosition, displacement, ndcg, strength, dropped, false);
    }
    Map<String, String> values =
        Map.of(
            "feedback", feedbackBlock,
            "prompt", UntrustedText.block(outcomes.get(0).prompt().text(), settings.limits().prompt()),
            "users", String.valueOf(included),
            "domain", settings.domain(),
            "maxWords", String.valueOf(settings.limits().summaryWords()));
    String summary = calls.complete(Stage.SUMMARIZE, PromptBlocks.fill(summarizeTemplate, values)).strip();
    if (summary.isEmpty()) {
      log.warn("The SUMMARIZE call returned nothing; the optimizer gets the weighted feedback itself");
      return new BatchFeedback(feedbackBlock, weights, averagePosition, displacement, ndcg, strength, dropped, false);
    }
    return new BatchFeedback(
        UntrustedText.block(summary, settings.limits().summary()),
        weights, averagePosition, displacement, ndcg, strength, dropped, true);
  }

  private String body(UserOutcome o) {
    AgpSettings.Limits limits = settings.limits();
    if (settings.feedbackMode() == FeedbackMode.PAPER) {
      if (o.critique().isPresent()) {
        return UntrustedText.block(o.critique().get(), limits.critique());
      }
      return "Ranked on target with this profile: "
          + UntrustedText.block(o.profile().text(), Math.min(ON_TARGET_PROFILE_CHARS, limits.profile()))
          + "\n" + o.feedback().text();
    }
    return "Profile: " + UntrustedText.block(o.profile().text(), limits.profile())
        + "\nOutcome: " + o.feedback().text();
  }
}
