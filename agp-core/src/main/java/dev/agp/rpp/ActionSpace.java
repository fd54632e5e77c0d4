package dev.agp.rpp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sentences each agent chooses among: the base sentences, then (RPP+) refined sentences, each
 * remembering the base sentence it came from and the reward it earned. For {@link
 * PromptPattern#HISTORY_RECORDS} every action carries the same introducing sentence; the action
 * index selects the increment. Mutable during a fit, copied into the model.
 */
final class ActionSpace {

  /**
   * One action.
   *
   * @param text the sentence ("" for none)
   * @param parent the base action it was refined from, or -1 for a base action
   * @param reward the reward a refined sentence earned when it was added (0 for base actions)
   */
  record Action(String text, int parent, double reward) {
    boolean refined() {
      return parent >= 0;
    }
  }

  private final Map<PromptPattern, List<Action>> actions = new EnumMap<>(PromptPattern.class);
  private final Map<PromptPattern, Integer> base = new EnumMap<>(PromptPattern.class);

  /** The base actions of {@code settings}. */
  static ActionSpace of(RppSettings settings) {
    Map<PromptPattern, List<Action>> m = new EnumMap<>(PromptPattern.class);
    int[] n = settings.baseActions();
    for (PromptPattern p : PromptPattern.values()) {
      List<Action> list = new ArrayList<>();
      for (int a = 0; a < n[p.ordinal()]; a++) {
        String text = p.choosesSentences() ? settings.sentences().get(p).get(a) : settings.sentences().get(p).get(0);
        list.add(new Action(text, -1, 0));
      }
      m.put(p, list);
    }
    return new ActionSpace(m);
  }

  ActionSpace(Map<PromptPattern, List<Action>> actions) {
    for (PromptPattern p : PromptPattern.values()) {
      List<Action> list = actions.get(p);
      if (list == null || list.isEmpty()) {
        throw new IllegalArgumentException("no actions for pattern " + p);
      }
      int b = 0;
      while (b < list.size() && !list.get(b).refined()) {
        b++;
      }
      for (int i = b; i < list.size(); i++) {
        if (!list.get(i).refined() || list.get(i).parent() >= b) {
          throw new IllegalArgumentException("pattern " + p + ": action " + i + " must be refined from a base action");
        }
      }
      this.actions.put(p, new ArrayList<>(list));
      this.base.put(p, b);
    }
  }

  ActionSpace copy() {
    return new ActionSpace(actions);
  }

  int size(PromptPattern p) {
    return actions.get(p).size();
  }

  int baseSize(PromptPattern p) {
    return base.get(p);
  }

  Action get(PromptPattern p, int a) {
    return actions.get(p).get(a);
  }

  String text(PromptPattern p, int a) {
    return get(p, a).text();
  }

  /** The base action {@code a} is, or was refined from. */
  int baseOf(PromptPattern p, int a) {
    Action x = get(p, a);
    return x.refined() ? x.parent() : a;
  }

  List<Action> list(PromptPattern p) {
    return List.copyOf(actions.get(p));
  }

  Map<PromptPattern, List<Action>> all() {
    Map<PromptPattern, List<Action>> m = new EnumMap<>(PromptPattern.class);
    actions.forEach((k, v) -> m.put(k, List.copyOf(v)));
    return m;
  }

  /** Whether {@code text} is already an action of {@code p}, ignoring case and spacing. */
  boolean contains(PromptPattern p, String text) {
    String key = key(text);
    return actions.get(p).stream().anyMatch(a -> key(a.text()).equals(key));
  }

  /** The refined action with the lowest reward, or -1 when there is none. */
  int weakestRefined(PromptPattern p) {
    List<Action> list = actions.get(p);
    int weakest = -1;
    for (int i = base.get(p); i < list.size(); i++) {
      if (weakest < 0 || list.get(i).reward() < list.get(weakest).reward()) {
        weakest = i;
      }
    }
    return weakest;
  }

  /** Puts {@code action} at {@code slot}: appended when slot is the current size, else replacing. */
  void place(PromptPattern p, int slot, Action action) {
    List<Action> list = actions.get(p);
    if (slot == list.size()) {
      list.add(action);
    } else {
      list.set(slot, action);
    }
  }

  static String key(String s) {
    return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
