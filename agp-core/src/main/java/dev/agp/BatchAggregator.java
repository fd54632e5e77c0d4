package dev.agp;

import java.util.List;

/** Combines a batch's outcomes, weighted, into feedback for the optimizer. */
@FunctionalInterface
public interface BatchAggregator {

  /**
   * @param outcomes the batch's successful users, in batch order; non-empty
   * @return the batch's feedback: text, weights and averages
   * @throws dev.agp.llm.LlmException when a summarising call fails
   */
  BatchFeedback aggregate(List<UserOutcome> outcomes);
}
