package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@link RppModel} has served: per pattern, how often each action was in a prompt sent
 * to the LLM, and how many history items those prompts showed. RPP+'s per-user rewrites are
 * counted under the action they rewrote.
 *
 * @param prompts ranking prompts sent
 * @param actions per pattern, per action index of {@link RppModel#actionSpace} (for the history
 *     pattern, of {@link PromptPattern#HISTORY_INCREMENTS}), how often it was chosen
 * @param historyLengths per number of history items shown, how many prompts showed it, ascending
 * @param refined RPP+ prompts whose sentences were rewritten for the user before ranking
 * @param refineFailures RPP+ refinement calls that failed, their prompts sent unrefined
 */
public record ServedPrompts(
    long prompts,
    Map<PromptPattern, List<Long>> actions,
    Map<Integer, Long> historyLengths,
    long refined,
    long refineFailures) {

  /**
   * @param prompts ranking prompts sent
   * @param actions per pattern, per action index of {@link RppModel#actionSpace} (for the history
   *     pattern, of {@link PromptPattern#HISTORY_INCREMENTS}), how often it was chosen
   * @param historyLengths per number of history items shown, how many prompts showed it, ascending
   * @param refined RPP+ prompts whose sentences were rewritten for the user before ranking
   * @param refineFailures RPP+ refinement calls that failed, their prompts sent unrefined
   * @throws NullPointerException if an argument or entry is null
   */
  public ServedPrompts {
    EnumMap<PromptPattern, List<Long>> a = new EnumMap<>(PromptPattern.class);
    requireNonNull(actions, "actions").forEach((k, v) -> a.put(requireNonNull(k), List.copyOf(v)));
    actions = Collections.unmodifiableMap(a);
    historyLengths = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(historyLengths, "historyLengths")));
  }
}
