package dev.agp.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.Histogram;
import dev.agp.eval.MethodResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's sections about what methods served: RPP's learned prompts against its untrained
 * control (paired, user by user), the served-choice histograms, and answers cut at their output
 * cap. Kept apart from the general tables.
 */
final class RppSection {

  /** The {@code method} detail of an RPP-untrained row. */
  static final String UNTRAINED = "RPP-untrained";

  private RppSection() {}

  /** The untrained RPP row, when the experiment has one. */
  static Optional<MethodResult> untrained(ExperimentResult r) {
    return r.methods().stream().filter(m -> UNTRAINED.equals(m.details().get("method"))).findFirst();
  }

  /** RPP and RPP+ rows (learned prompts). */
  static List<MethodResult> learned(ExperimentResult r) {
    return r.methods().stream()
        .filter(m -> "RPP".equals(m.details().get("method")) || "RPP+".equals(m.details().get("method")))
        .toList();
  }

  static void markdown(StringBuilder md, ExperimentResult r) {
    int k = r.settings().cutoff();
    String level = Math.round(r.settings().confidence() * 100) + "%";
    Optional<MethodResult> control = untrained(r);
    List<MethodResult> learned = learned(r);
    if (control.isPresent() && !learned.isEmpty()) {
      md.append("\n## What RPP learned: against its untrained prompt\n\n");
      md.append(control.get().name()).append(" sends every user the prompt RPP starts from (every agent on its default"
          + " action). Per-user NDCG@").append(k).append(" differences on the same test users:\n\n");
      md.append("| Method | Δ vs ").append(escape(control.get().name())).append(" [").append(level)
          .append(" CI] | p (bootstrap) | p (Wilcoxon) | Wins | Losses | Ties |\n|---|---|---|---|---|---|---|\n");
      for (MethodResult m : learned) {
        MethodResult.PairedComparison p = r.paired(m.name(), control.get().name()).orElseThrow();
        md.append("| ").append(escape(m.name())).append(" | ").append(signed(p.meanDifference())).append(" [")
            .append(signed(p.low())).append(", ").append(signed(p.high())).append("] | ").append(pValue(p.bootstrapP()))
            .append(" | ").append(pValue(p.wilcoxonP())).append(" | ").append(p.wins()).append(" | ").append(p.losses())
            .append(" | ").append(p.ties()).append(" |\n");
      }
    }
    List<MethodResult> withHistograms = r.methods().stream().filter(m -> !m.servedHistograms().isEmpty()).toList();
    if (!withHistograms.isEmpty()) {
      md.append("\n## Served prompts\n\nHow often each choice was in a prompt sent for the test users.\n");
      for (MethodResult m : withHistograms) {
        for (Histogram h : m.servedHistograms()) {
          md.append("\n**").append(escape(h.title())).append("**\n\n| Choice | Prompts | Share |\n|---|---|---|\n");
          long total = h.total();
          for (Histogram.Bar b : h.bars()) {
            md.append("| ").append(escape(b.label())).append(" | ").append(b.count()).append(" | ")
                .append(total == 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100.0 * b.count() / total)).append(" |\n");
          }
        }
      }
    }
    List<String> cut = new ArrayList<>();
    for (MethodResult m : r.methods()) {
      long train = m.trainingUsage().total().truncated();
      long test = m.testUsage().total().truncated();
      if (train + test > 0 || learned.contains(m) || control.map(c -> c == m).orElse(false)) {
        cut.add(escape(m.name()) + ": " + train + " in training, " + test + " in test");
      }
    }
    if (!cut.isEmpty()) {
      md.append("\nAnswers cut at their output cap (they used the whole allowance; counted in the calls and tokens): ")
          .append(String.join("; ", cut)).append(".\n");
    }
  }

  /** The served histograms of {@code m}, into its JSON object. */
  static void json(ObjectNode n, MethodResult m) {
    ArrayNode hs = n.putArray("servedHistograms");
    for (Histogram h : m.servedHistograms()) {
      ObjectNode o = hs.addObject();
      o.put("title", h.title());
      ArrayNode bars = o.putArray("bars");
      for (Histogram.Bar b : h.bars()) {
        bars.addObject().put("label", b.label()).put("count", b.count());
      }
    }
  }

  /** The learned RPP rows against the untrained one, into the document's root. */
  static void json(ObjectNode root, ExperimentResult r) {
    Optional<MethodResult> control = untrained(r);
    if (control.isEmpty()) {
      return;
    }
    ArrayNode a = root.putArray("versusRppUntrained");
    for (MethodResult m : learned(r)) {
      MethodResult.PairedComparison p = r.paired(m.name(), control.get().name()).orElseThrow();
      ObjectNode o = a.addObject();
      o.put("method", m.name());
      ExperimentReport.paired(o, p);
    }
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }

  private static String pValue(double v) {
    return v < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", v);
  }
}
