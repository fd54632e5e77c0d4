package dev.agp.rpp;

import dev.agp.UserCase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The four agents with their action spaces and the state featurisation: turns a user's state
 * into chosen actions and the prompt they assemble.
 *
 * <p>A user's episode has one step per training iteration. The fit samples each step's actions;
 * serving {@linkplain #rollForward rolls the episode forward} from its start for the same number
 * of steps, taking each agent's most likely action at every step and moving to the next state
 * exactly as training does ({@link #next}), and serves the last step's choice. No reward enters
 * the state, so serving (which never sees one) decides in the states training visited.
 */
final class Policy {

  /**
   * A user's place in its episode: per pattern the base action currently in the prompt (or
   * {@link StateEncoder#NONE}), the history length chosen so far, and the steps taken.
   */
  record Episode(int[] current, int historyLength, int step) {
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
   * @param step the step of the episode they were chosen at (0-based)
   */
  record Choice(double[] state, int[] actions, int historyLength, int step) {}

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
    return encoder.encode(embedding, e.current(), e.historyLength(), e.step());
  }

  /** Actions drawn from each agent's policy at {@code e} (training). */
  Choice sample(double[] embedding, Episode e, SplittableRandom random) {
    double[] x = state(embedding, e);
    int[] a = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      a[p.ordinal()] = agents.get(p).sample(x, random);
    }
    return new Choice(x, a, nextLength(e.historyLength(), a), e.step());
  }

  /** Each agent's most likely action at {@code e}. */
  Choice greedy(double[] embedding, Episode e) {
    double[] x = state(embedding, e);
    int[] a = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      a[p.ordinal()] = agents.get(p).best(x);
    }
    return new Choice(x, a, nextLength(e.historyLength(), a), e.step());
  }

  /**
   * The greedy episode of a user from its start, one choice per trained step ({@code
   * iterations}); the last one is what serving sends.
   */
  List<Choice> rollForward(double[] embedding) {
    List<Choice> path = new ArrayList<>(settings.iterations());
    Episode e = Episode.start(settings);
    for (int t = 0; t < settings.iterations(); t++) {
      Choice c = greedy(embedding, e);
      path.add(c);
      e = next(c);
    }
    return path;
  }

  /** The choice serving sends: the last step of {@link #rollForward}. */
  Choice serve(double[] embedding) {
    List<Choice> path = rollForward(embedding);
    return path.get(path.size() - 1);
  }

  /**
   * Every agent's default action (action 0: no role, no history added, the first sentences), for
   * any user; the choice carries no state.
   */
  Choice defaults() {
    int[] a = new int[PromptPattern.values().length];
    return new Choice(new double[0], a, nextLength(settings.initialHistoryLength(), a), 0);
  }

  /** The episode after {@code c}: its base actions in the prompt, its history length, one step on. */
  Episode next(Choice c) {
    int[] current = new int[c.actions().length];
    for (PromptPattern p : PromptPattern.values()) {
      current[p.ordinal()] = space.baseOf(p, c.actions()[p.ordinal()]);
    }
    return new Episode(current, c.historyLength(), c.step() + 1);
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

  /** The output cap of the ranking call of {@code prompt}: see {@link RppSettings#rankOutputTokens}. */
  int rankOutputTokens(RppPrompt prompt) {
    int[] base = new int[PromptPattern.values().length];
    for (PromptPattern p : PromptPattern.values()) {
      base[p.ordinal()] = space.baseOf(p, prompt.action(p));
    }
    return settings.rankOutputTokens(base);
  }

  private int nextLength(int length, int[] actions) {
    int increment = PromptPattern.HISTORY_INCREMENTS.get(actions[PromptPattern.HISTORY_RECORDS.ordinal()]);
    return Math.min(settings.maxHistoryLength(), length + increment);
  }
}
