package dev.agp.examples;

import dev.agp.eval.ExperimentResult;
import dev.agp.eval.MethodResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The terminal table of an experiment: one row per method. Calls and tokens are this run's;
 * answers served by the response cache and test users scored with the base order because the
 * backend failed get columns of their own whenever there are any.
 */
final class ResultsTable {

  private ResultsTable() {}

  static String format(ExperimentResult result) {
    int k = result.settings().cutoff();
    String level = Math.round(result.settings().confidence() * 100) + "%";
    boolean cost = result.methods().stream().anyMatch(m -> m.cost().isPresent());
    boolean cached = result.methods().stream().anyMatch(m -> m.usage().total().cacheHits() > 0);
    boolean fallbacks = result.methods().stream().anyMatch(m -> m.fallbacks() > 0);
    List<String[]> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("Method", "NDCG@" + k + " [" + level + " CI]", "vs Base", "HR@1", "HR@3",
        "MRR", "Base-order", "Calls"));
    if (cached) {
      header.add("Cached");
    }
    header.add("Tokens");
    if (fallbacks) {
      header.add("Fallbacks");
    }
    if (cost) {
      header.add("Cost (USD)");
    }
    rows.add(header.toArray(String[]::new));
    for (MethodResult m : result.methods()) {
      List<String> row = new ArrayList<>();
      row.add(switch (m.kind()) {
        case SANITY -> m.name() + " (sanity)";
        case CONTROL -> m.name() + " (control)";
        default -> m.name();
      });
      row.add(String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", m.ndcg().mean(), m.ndcg().low(), m.ndcg().high()));
      row.add(m.versusBase().map(c -> String.format(Locale.ROOT, "%+.4f", c.meanDifference())).orElse(""));
      row.add(String.format(Locale.ROOT, "%.4f", m.hitRate(1)));
      row.add(String.format(Locale.ROOT, "%.4f", m.hitRate(3)));
      row.add(String.format(Locale.ROOT, "%.4f", m.means().mrr()));
      row.add(m.calls() == 0 ? "" : String.valueOf(m.baseOrderAnswers()));
      row.add(String.format(Locale.ROOT, "%,d", m.calls()));
      if (cached) {
        row.add(String.format(Locale.ROOT, "%,d", m.usage().total().cacheHits()));
      }
      row.add(String.format(Locale.ROOT, "%,d", m.tokens()));
      if (fallbacks) {
        row.add(m.fallbacks() == 0 ? "" : String.format(Locale.ROOT, "%d of %d", m.fallbacks(), m.users().size()));
      }
      if (cost) {
        row.add(m.cost().isPresent() ? String.format(Locale.ROOT, "%.4f", m.cost().getAsDouble()) : "");
      }
      rows.add(row.toArray(String[]::new));
    }
    int[] width = new int[header.size()];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < rows.size(); j++) {
      String[] r = rows.get(j);
      for (int i = 0; i < r.length; i++) {
        String cell = i == 0 ? pad(r[i], width[i]) : leftPad(r[i], width[i]);
        sb.append(i == 0 ? "" : "  ").append(cell);
      }
      sb.append('\n');
      if (j == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
      }
    }
    List<String> warnings = result.sanityWarnings();
    if (result.baseHalfWidth().isPresent() && result.methods().stream().anyMatch(m -> m.kind() == dev.agp.eval.MethodKind.SANITY)) {
      if (warnings.isEmpty()) {
        sb.append(String.format(Locale.ROOT,
            "Sanity check passed: no user-blind order beats Base by more than Base's CI half-width (%.4f).%n",
            result.baseHalfWidth().getAsDouble()));
      } else {
        warnings.forEach(w -> sb.append("SANITY CHECK FAILED: ").append(w).append('\n'));
      }
    }
    for (ExperimentResult.MethodComparison c : result.comparisons()) {
      MethodResult.PairedComparison p = c.versus();
      sb.append(String.format(Locale.ROOT, "%s vs %s: %+.4f [%+.4f, %+.4f] NDCG@%d, Wilcoxon p %s, %d wins / %d losses%n",
          c.method(), p.baseline(), p.meanDifference(), p.low(), p.high(), k,
          p.wilcoxonP() < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p.wilcoxonP()), p.wins(), p.losses()));
    }
    return sb.toString();
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }

  private static String leftPad(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }
}
