package dev.agp.rpp;

import dev.agp.UserCase;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The four agents with their action spaces and the state featurisation: turns a user's state
 * into chosen actions and the prompt they assemble. The fit samples; serving takes each agent's
 * most likely action at the initial state (no action yet, the initial history length, reward 0).
 */
final class Policy {

  /**
   * A user's place in its episode: per pattern the base action currently in the prompt (or
   * {@link StateEncoder#NONE}), the history length chosen so far, and the last reward.
   */
  record Episode(int[] current, int historyLength, double lastReward) {
    static Episode start(RppSettings s) {
      int[] none = new int[PromptPattern.values().length];
      java.util.Arrays.fill(none, StateEncoder.NONE);
      return new Episode(none, s.initialHistoryLength(), 0);
    }
  }

  /**
   * Chosen actions.
   *
   * @param state the state they were chosen in
   * @param actions per pattern ordinal, the action index
   * @param historyLength the history length they lead to (before capping by the user's history)
   */
  record Choice(double[] state, int[] actions, int historyLength) {}

  final RppSettings settings;
  final StateEncoder encoder;
  final Map<PromptPattern, Agent> agents;
  final ActionSpace space;

  Policy(RppSettings settings, StateEncoder encoder, Map<PromptPattern, Agent> agents, ActionSpace space) {
    this.settings = settings;
    this.encoder = encoder;
    this.agents = new EnumMap<>(agents);
    this.space = space;
  }

  double[] state(double[] embedding, Episode e) {
    return encoder.encode(embedding, e.current(), e.historyLength(), e.lastReward());
  }

  Choice sample(double[] embedding, Episode e, SplittableRandom random) {
    double[] x = state(embedding, e);
    int[] a = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      a[p.ordinal()] = agents.get(p).sample(x, random);
    }
    return new Choice(x, a, nextLength(e.historyLength(), a));
  }

  Choice greedy(double[] embedding) {
    Episode e = Episode.start(settings);
    double[] x = state(embedding, e);
    int[] a = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      a[p.ordinal()] = agents.get(p).best(x);
    }
    return new Choice(x, a, nextLength(e.historyLength(), a));
  }

  /** The episode after {@code c} earned {@code reward}. */
  Episode next(Choice c, double reward) {
    int[] current = new int[c.actions().length];
    for (PromptPattern p : PromptPattern.values()) {
      current[p.ordinal()] = space.baseOf(p, c.actions()[p.ordinal()]);
    }
    return new Episode(current, c.historyLength(), reward);
  }

  /** The prompt {@code c} assembles for {@code user}. */
  RppPrompt prompt(UserCase user, Choice c) {
    Map<PromptPattern, Integer> actions = new EnumMap<>(PromptPattern.class);
    Map<PromptPattern, String> sentences = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      int a = c.actions()[p.ordinal()];
      actions.put(p, a);
      sentences.put(p, space.text(p, a));
    }
    return new RppPrompt(actions, sentences, Math.min(c.historyLength(), user.history().size()));
  }

  private int nextLength(int length, int[] actions) {
    int increment = PromptPattern.HISTORY_INCREMENTS.get(actions[PromptPattern.HISTORY_RECORDS.ordinal()]);
    return Math.min(settings.maxHistoryLength(), length + increment);
  }
}
