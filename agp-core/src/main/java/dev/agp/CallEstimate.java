package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.Stage;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The LLM calls a fit plans to make, computed before any call. Exact when every user succeeds,
 * every user needs a critique and patience never runs out; users already at target (no
 * critique), prompts already scored (no re-scoring) and early stopping can only lower it.
 *
 * @param calls planned calls per stage
 * @param inputTokens approximate input tokens per stage (about 4 characters a token)
 * @param maxOutputTokens the output tokens the stage caps allow per stage
 * @param trainUsers training users
 * @param validationUsers validation users
 * @param epochs epochs planned
 * @param batchesPerEpoch batches per epoch
 */
public record CallEstimate(
    Map<Stage, Long> calls,
    Map<Stage, Long> inputTokens,
    Map<Stage, Long> maxOutputTokens,
    int trainUsers,
    int validationUsers,
    int epochs,
    int batchesPerEpoch) {

  /**
   * @param calls planned calls per stage
   * @param inputTokens approximate input tokens per stage (about 4 characters a token)
   * @param maxOutputTokens the output tokens the stage caps allow per stage
   * @param trainUsers training users
   * @param validationUsers validation users
   * @param epochs epochs planned
   * @param batchesPerEpoch batches per epoch
   * @throws NullPointerException if a map is null
   */
  public CallEstimate {
    calls = copy(calls);
    inputTokens = copy(inputTokens);
    maxOutputTokens = copy(maxOutputTokens);
  }

  private static Map<Stage, Long> copy(Map<Stage, Long> m) {
    EnumMap<Stage, Long> c = new EnumMap<>(Stage.class);
    requireNonNull(m).forEach((k, v) -> {
      if (v != 0) {
        c.put(k, v);
      }
    });
    return Collections.unmodifiableMap(c);
  }

  /**
   * All planned calls.
   *
   * @return the number of planned calls over all stages
   */
  public long totalCalls() {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * All approximate input tokens.
   *
   * @return the approximate input tokens over all stages
   */
  public long totalInputTokens() {
    return inputTokens.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * All output tokens the caps allow.
   *
   * @return the output tokens the caps allow over all stages
   */
  public long totalMaxOutputTokens() {
    return maxOutputTokens.values().stream().mapToLong(Long::longValue).sum();
  }
}
