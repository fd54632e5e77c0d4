package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.rpp.PromptPattern;
import dev.agp.rpp.RefinedSentence;
import dev.agp.rpp.RppModel;
import dev.agp.rpp.RppOptimizer;
import dev.agp.rpp.ServedPrompts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The RPP methods' shared parts: the optimizer each builds, and what experiment reports say about
 * an RPP model (its serving rule, its rewrites, what it served).
 */
final class RppMethods {

  /** Longest sentence shown in a histogram label. */
  static final int LABEL_CHARS = 90;

  private RppMethods() {}

  /**
   * {@link Method#rpp} when {@code train}, else {@link Method#rppUntrained}: a fresh optimizer per
   * context (its client, seed and concurrency, then {@code options}) fits, or serves its untrained
   * prompt; planned calls are the fit's estimate plus the serving calls per test user.
   */
  static Method method(String name, UnaryOperator<RppOptimizer.Builder> options, boolean train) {
    Methods.checkName(name);
    requireNonNull(options, "options");
    Function<MethodContext, RppOptimizer> optimizer =
        ctx -> requireNonNull(
                options.apply(RppOptimizer.builder().llm(ctx.llm()).seed(ctx.seed()).concurrency(ctx.concurrency())),
                "options returned null")
            .build();
    return new Methods.Simple(
        name, Map.of(),
        ctx -> {
          RppOptimizer o = optimizer.apply(ctx);
          RppModel model = train ? o.fit(ctx.train()) : o.untrained();
          Map<String, String> details = new LinkedHashMap<>();
          details.put("method", model.method());
          if (train) {
            details.put("final mean training reward", String.format(Locale.ROOT, "%.4f", model.history().finalMeanReward()));
            details.put("refined sentences kept", String.valueOf(model.history().refined().size()));
            details.put("failed users", String.valueOf(model.history().failedUsers()));
          }
          details.putAll(describe(model));
          return new PreparedMethod(model, List.of(), details, () -> histograms(model));
        },
        (ctx, n) -> {
          RppOptimizer o = optimizer.apply(ctx);
          return OptionalLong.of(train ? o.estimate(ctx.train()).totalCalls() + (long) n * o.servingCallsPerUser() : n);
        },
        train ? MethodKind.METHOD : MethodKind.CONTROL);
  }

  /** Facts known before the test users: how prompts are chosen, RPP+'s admitted rewrites. */
  static Map<String, String> describe(RppModel model) {
    Map<String, String> m = new LinkedHashMap<>();
    if (model.method().equals("RPP-untrained")) {
      m.put("serving", "every agent's default action for every user (no role, the initial history length, the"
          + " first reasoning and output-format sentences)");
      return m;
    }
    m.put("serving", "the last step of the greedy roll-forward over the " + model.history().iterations().size()
        + " trained steps (the state path training followed; no reward or held-out item needed)");
    if (model.method().equals("RPP+")) {
      m.put("RPP+ at serving", "one RPP_REFINE call per test user rewrites the chosen sentences for that user");
      List<RefinedSentence> admitted = model.history().refined();
      if (!admitted.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (RefinedSentence r : admitted) {
          sb.append(sb.length() == 0 ? "" : "\n").append(label(r.pattern())).append(" #").append(r.action())
              .append(" (from #").append(r.parent()).append(", ").append(r.userIds().size()).append(" users, mean reward ")
              .append(String.format(Locale.ROOT, "%.3f", r.reward())).append(r.replaced() ? ", replaced a weaker one" : "")
              .append("): ").append(r.text());
        }
        m.put("rewrites admitted on several users' evidence", sb.toString());
      }
    }
    return m;
  }

  /** Per pattern, how often each action (history: each length) was served, read after the test users. */
  static List<Histogram> histograms(RppModel model) {
    ServedPrompts s = model.served();
    String who = model.method();
    Set<String> admitted = new HashSet<>();
    model.history().refined().forEach(r -> admitted.add(r.pattern() + "#" + r.action()));
    List<Histogram> out = new ArrayList<>();
    for (PromptPattern p : PromptPattern.values()) {
      List<Histogram.Bar> bars = new ArrayList<>();
      if (p == PromptPattern.HISTORY_RECORDS) {
        s.historyLengths().forEach((length, count) -> bars.add(new Histogram.Bar(length + " items shown", count)));
        out.add(new Histogram(who + ": history records (items shown)", bars));
        continue;
      }
      List<String> sentences = model.actionSpace(p);
      List<Long> counts = s.actions().get(p);
      for (int a = 0; a < sentences.size(); a++) {
        String text = sentences.get(a).isEmpty() ? "(none)" : abbreviate(sentences.get(a));
        bars.add(new Histogram.Bar(
            "#" + a + (admitted.contains(p + "#" + a) ? " [RPP+ rewrite] " : " ") + text, a < counts.size() ? counts.get(a) : 0));
      }
      out.add(new Histogram(who + ": " + label(p), bars));
    }
    if (who.equals("RPP+")) {
      out.add(new Histogram(who + ": per-user refinement at serving", List.of(
          new Histogram.Bar("sentences rewritten for the user", s.refined()),
          new Histogram.Bar("refinement call failed, chosen sentences sent", s.refineFailures()))));
    }
    return out;
  }

  static String label(PromptPattern p) {
    return p.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static String abbreviate(String s) {
    return s.length() <= LABEL_CHARS ? s : s.substring(0, LABEL_CHARS - 1) + "…";
  }
}
