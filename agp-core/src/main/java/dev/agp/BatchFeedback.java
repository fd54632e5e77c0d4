package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training batch's feedback, ready for {@link PromptOptimizer#update}.
 *
 * @param text the summarised instructions, or the weighted feedback itself when summarisation is
 *     off
 * @param weights each contributing user's weight (sums to 1), in batch order
 * @param averagePosition mean position of the batch's relevant items
 * @param averageDisplacement mean distance of relevant items below their targets
 * @param ndcg the batch's mean NDCG at the optimizer's cutoff
 * @param strength the update strength derived from the displacement
 * @param droppedUsers users whose feedback did not fit the size cap (smallest weights first)
 * @param summarised whether an LLM summarised the feedback
 */
public record BatchFeedback(
    String text,
    Map<String, Double> weights,
    double averagePosition,
    double averageDisplacement,
    double ndcg,
    UpdateStrength strength,
    int droppedUsers,
    boolean summarised) {

  /**
   * @param text the summarised instructions, or the weighted feedback itself when summarisation is
   *     off
   * @param weights each contributing user's weight (sums to 1), in batch order
   * @param averagePosition mean position of the batch's relevant items
   * @param averageDisplacement mean distance of relevant items below their targets
   * @param ndcg the batch's mean NDCG at the optimizer's cutoff
   * @param strength the update strength derived from the displacement
   * @param droppedUsers users whose feedback did not fit the size cap (smallest weights first)
   * @param summarised whether an LLM summarised the feedback
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a count is negative
   */
  public BatchFeedback {
    requireNonNull(text, "text");
    requireNonNull(strength, "strength");
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(weights, "weights")));
    if (droppedUsers < 0) {
      throw new IllegalArgumentException("droppedUsers must be >= 0 but was " + droppedUsers);
    }
  }
}
