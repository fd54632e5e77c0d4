package dev.agp.eval.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.MethodResult;
import dev.agp.eval.PreparedMethod;
import dev.agp.eval.RankingMetrics;
import dev.agp.llm.Stage;
import dev.agp.llm.StageUsage;
import dev.agp.llm.UsageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an {@link ExperimentResult} as files people and tools read:
 *
 * <ul>
 *   <li>{@value #MARKDOWN}: the table (NDCG@k with interval, the paired comparison with Base, HR@k,
 *       MRR, mean position, calls, tokens, cost, time), the settings, how candidates were made,
 *       what each method learned, and the statistics used;
 *   <li>{@value #JSON}: everything, per-user rankings included;
 *   <li>{@value #CSV}: one row per method; {@value #USERS_CSV}: one row per method and test user;
 *   <li>PNG charts: {@code methods.png} (NDCG@k with intervals), {@code agp-validation.png}
 *       (validation score per epoch, when a method reports one) and {@code ablation-grid.png}
 *       (batch size x history length, when the methods form a full grid).
 * </ul>
 *
 * Charts are drawn headless; no window opens.
 */
public final class ExperimentReport {

  /** The Markdown report's file name. */
  public static final String MARKDOWN = "results.md";
  /** The JSON document's file name. */
  public static final String JSON = "results.json";
  /** The per-method CSV's file name. */
  public static final String CSV = "results.csv";
  /** The per-user CSV's file name. */
  public static final String USERS_CSV = "users.csv";
  /** The {@code format} field of the JSON document. */
  public static final String FORMAT = "agp-experiment";
  /** The JSON document's version. */
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ExperimentReport() {}

  /**
   * Writes every file into {@code dir} (created if needed), replacing earlier ones, and returns
   * their paths.
   *
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be written
   */
  public static List<Path> write(ExperimentResult result, Path dir) {
    requireNonNull(result, "result");
    requireNonNull(dir, "dir");
    List<Path> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      List<String> charts = new ArrayList<>();
      out.add(Charts.methods(result, dir));
      charts.add(Charts.METHODS);
      Optional<Path> v = Charts.validation(result, dir);
      v.ifPresent(p -> {
        out.add(p);
        charts.add(Charts.VALIDATION);
      });
      Optional<Path> g = Charts.grid(result, dir);
      g.ifPresent(p -> {
        out.add(p);
        charts.add(Charts.GRID);
      });
      out.add(writeText(dir.resolve(MARKDOWN), markdown(result, charts)));
      out.add(writeText(dir.resolve(JSON), json(result)));
      out.add(writeText(dir.resolve(CSV), csv(result)));
      out.add(writeText(dir.resolve(USERS_CSV), usersCsv(result)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  private static Path writeText(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  // ---- Markdown

  /** The Markdown report without chart links: the table, settings, candidates and details. */
  public static String markdown(ExperimentResult result) {
    return markdown(requireNonNull(result, "result"), List.of());
  }

  static String markdown(ExperimentResult r, List<String> charts) {
    ExperimentResult.Settings s = r.settings();
    int k = s.cutoff();
    String level = Math.round(s.confidence() * 100) + "%";
    StringBuilder md = new StringBuilder();
    md.append("# Experiment results\n\n");
    md.append(s.testUsers()).append(" test users, ").append(s.trainUsers()).append(" training and ")
        .append(s.validationUsers()).append(" validation users; seed ").append(s.seed()).append("; run ")
        .append(r.started()).append(", ").append(seconds(r.wallTime())).append(".\n\n");
    md.append("LLM: ").append(s.llm()).append(".\n\n");
    md.append("| Method | NDCG@").append(k).append(" [").append(level).append(" CI] | Δ vs Base [").append(level)
        .append(" CI] | p (bootstrap) | p (Wilcoxon) | HR@").append(k)
        .append(" | MRR | Mean pos. | Calls | Tokens | Cost | Time |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (MethodResult m : r.methods()) {
      RankingMetrics.MeanMetrics mm = m.means();
      md.append("| ").append(escape(m.name()))
          .append(" | ").append(f4(m.ndcg().mean())).append(" [").append(f4(m.ndcg().low())).append(", ")
          .append(f4(m.ndcg().high())).append("]");
      if (m.versusBase().isPresent()) {
        MethodResult.PairedComparison p = m.versusBase().get();
        md.append(" | ").append(signed(p.meanDifference())).append(" [").append(signed(p.low())).append(", ")
            .append(signed(p.high())).append("] | ").append(p(p.bootstrapP())).append(" | ").append(p(p.wilcoxonP()));
      } else {
        md.append(" | — | — | —");
      }
      md.append(" | ").append(f4(mm.hitRate())).append(" | ").append(f4(mm.mrr())).append(" | ")
          .append(Double.isNaN(mm.meanPosition()) ? "—" : String.format(Locale.ROOT, "%.2f", mm.meanPosition()))
          .append(" | ").append(m.calls()).append(" | ").append(m.tokens()).append(" | ")
          .append(m.cost().isPresent() ? String.format(Locale.ROOT, "%.4f", m.cost().getAsDouble()) : "—")
          .append(" | ").append(seconds(m.wallTime())).append(" |\n");
    }
    md.append("\nCost model: ").append(s.costModel()).append(".\n");

    md.append("\n## Calls and failures\n\n| Method | Planned calls | Training calls | Test calls | Input tokens | Output tokens | "
        + "Retries | Failed calls | Fallbacks | Repaired answers | Training time | Test time |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (MethodResult m : r.methods()) {
      StageUsage all = m.usage().total();
      md.append("| ").append(escape(m.name())).append(" | ")
          .append(m.plannedCalls().isPresent() ? String.valueOf(m.plannedCalls().getAsLong()) : "unknown").append(" | ")
          .append(m.trainingUsage().total().calls()).append(" | ").append(m.testUsage().total().calls()).append(" | ")
          .append(all.inputTokens()).append(" | ").append(all.outputTokens()).append(" | ").append(all.retries())
          .append(" | ").append(all.failures()).append(" | ").append(m.fallbacks()).append(" | ").append(m.repaired())
          .append(" | ").append(seconds(m.trainingTime())).append(" | ").append(seconds(m.testTime())).append(" |\n");
    }

    r.candidates().ifPresent(c -> {
      md.append("\n## Candidates\n\n");
      md.append("Base recommender: ").append(escape(c.base())).append("; mode ").append(c.mode()).append(", ")
          .append(c.k()).append(" candidates per user, seed ").append(c.seed()).append(".\n\n");
      md.append("- users with a held-out item: ").append(c.evaluableUsers()).append('\n');
      md.append("- held-out item in the base top ").append(c.k()).append(": ").append(c.hits()).append(" (")
          .append(String.format(Locale.ROOT, "%.2f%%", 100 * c.hitRate())).append(")\n");
      if (c.inserted() > 0) {
        md.append("- held-out item inserted: ").append(c.inserted()).append('\n');
      }
      md.append("- eligible users: ").append(c.eligibleUsers()).append('\n');
      md.append("- fewer than ").append(c.k()).append(" candidates: ").append(c.shortLists())
          .append("; naming unknown items: ").append(c.unknownItems()).append('\n');
      md.append("- base NDCG@").append(c.k()).append(" over the users whose held-out item it ranks: ")
          .append(f4(c.baseNdcgOnHits())).append('\n');
    });

    boolean anyDetails = r.methods().stream().anyMatch(m -> !m.details().isEmpty() || !m.parameters().isEmpty());
    if (anyDetails) {
      md.append("\n## Methods\n");
      for (MethodResult m : r.methods()) {
        if (m.details().isEmpty() && m.parameters().isEmpty()) {
          continue;
        }
        md.append("\n### ").append(escape(m.name())).append("\n\n");
        m.parameters().forEach((key, v) -> md.append("- ").append(key).append(": ").append(v).append('\n'));
        for (Map.Entry<String, String> e : m.details().entrySet()) {
          if (e.getValue().contains("\n") || e.getValue().length() > 120) {
            md.append("- ").append(e.getKey()).append(":\n\n```text\n").append(e.getValue().replace("```", "'''"))
                .append("\n```\n\n");
          } else {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
          }
        }
        if (!m.validationCurve().isEmpty()) {
          md.append("- validation NDCG@").append(k).append(" per epoch: ");
          List<String> pts = new ArrayList<>();
          for (PreparedMethod.ValidationPoint p : m.validationCurve()) {
            pts.add(p.epoch() + ": " + f4(p.score()) + (p.selected() ? " (selected)" : ""));
          }
          md.append(String.join(", ", pts)).append('\n');
        }
      }
    }
    RppSection.markdown(md, r);
    if (!charts.isEmpty()) {
      md.append("\n## Charts\n\n");
      for (String c : charts) {
        md.append("![").append(c).append("](").append(c).append(")\n");
      }
    }
    md.append("\n## Statistics\n\n");
    md.append("- Metrics follow trec_eval: NDCG@k with linear gain and discount 1/log2(rank+1), ideal DCG over the"
        + " relevant items; HR@k = share of users with the held-out item in the top k; MRR over the whole list;"
        + " mean position = mean 1-based rank of the held-out item.\n");
    md.append("- Intervals: percentile bootstrap of the mean over users, ").append(s.bootstrapSamples())
        .append(" resamples, seed ").append(s.seed()).append(".\n");
    md.append("- Δ vs Base: per-user NDCG@").append(k).append(" differences on the same users; interval and p value"
        + " from the paired bootstrap of their mean (p = twice the smaller share of resampled means on either side of"
        + " 0); Wilcoxon signed-rank test with zero differences dropped, exact for up to 30 untied pairs, else the"
        + " normal approximation with tie and continuity corrections.\n");
    return md.toString();
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }

  private static String p(double v) {
    return v < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  // ---- CSV

  /** One row per method: the table's columns, machine-readable. */
  public static String csv(ExperimentResult result) {
    requireNonNull(result, "result");
    StringBuilder sb = new StringBuilder(
        "method,ndcg,ndcg_low,ndcg_high,delta_vs_base,delta_low,delta_high,p_bootstrap,p_wilcoxon,wins,losses,ties,"
            + "hit_rate,mrr,mrr_at_k,precision,recall,mean_position,users,training_calls,test_calls,input_tokens,"
            + "output_tokens,cost,training_seconds,test_seconds,fallbacks,repaired,llm\n");
    for (MethodResult m : result.methods()) {
      RankingMetrics.MeanMetrics mm = m.means();
      List<String> f = new ArrayList<>();
      f.add(csvField(m.name()));
      f.add(num(m.ndcg().mean()));
      f.add(num(m.ndcg().low()));
      f.add(num(m.ndcg().high()));
      if (m.versusBase().isPresent()) {
        MethodResult.PairedComparison p = m.versusBase().get();
        f.addAll(List.of(num(p.meanDifference()), num(p.low()), num(p.high()), num(p.bootstrapP()), num(p.wilcoxonP()),
            String.valueOf(p.wins()), String.valueOf(p.losses()), String.valueOf(p.ties())));
      } else {
        f.addAll(List.of("", "", "", "", "", "", "", ""));
      }
      f.addAll(List.of(num(mm.hitRate()), num(mm.mrr()), num(mm.mrrAtK()), num(mm.precision()), num(mm.recall()),
          Double.isNaN(mm.meanPosition()) ? "" : num(mm.meanPosition()), String.valueOf(mm.users()),
          String.valueOf(m.trainingUsage().total().calls()), String.valueOf(m.testUsage().total().calls()),
          String.valueOf(m.usage().total().inputTokens()), String.valueOf(m.usage().total().outputTokens()),
          m.cost().isPresent() ? num(m.cost().getAsDouble()) : "",
          num(m.trainingTime().toMillis() / 1000.0), num(m.testTime().toMillis() / 1000.0),
          String.valueOf(m.fallbacks()), String.valueOf(m.repaired()), csvField(result.settings().llm())));
      sb.append(String.join(",", f)).append('\n');
    }
    return sb.toString();
  }

  /** One row per method and test user: position, metrics, flags and the ranking. */
  public static String usersCsv(ExperimentResult result) {
    requireNonNull(result, "result");
    StringBuilder sb = new StringBuilder("method,user,position,ndcg,mrr,hit,fallback,repaired,ranking\n");
    for (MethodResult m : result.methods()) {
      for (MethodResult.UserResult u : m.users()) {
        sb.append(csvField(m.name())).append(',').append(csvField(u.userId())).append(',')
            .append(u.metrics().position().isPresent() ? String.valueOf(u.metrics().position().getAsInt()) : "")
            .append(',').append(num(u.metrics().ndcg())).append(',').append(num(u.metrics().mrr())).append(',')
            .append(num(u.metrics().hitRate())).append(',').append(u.fallback()).append(',').append(u.repaired())
            .append(',').append(csvField(String.join(" ", u.ranking()))).append('\n');
      }
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.toString(v);
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  // ---- JSON

  /** The whole result as a versioned JSON document (format {@value #FORMAT}). */
  public static String json(ExperimentResult result) {
    requireNonNull(result, "result");
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("started", result.started().toString());
    root.put("wallSeconds", result.wallTime().toMillis() / 1000.0);
    ExperimentResult.Settings s = result.settings();
    ObjectNode settings = root.putObject("settings");
    settings.put("cutoff", s.cutoff());
    settings.put("seed", s.seed());
    settings.put("concurrency", s.concurrency());
    settings.put("bootstrapSamples", s.bootstrapSamples());
    settings.put("confidence", s.confidence());
    settings.put("trainUsers", s.trainUsers());
    settings.put("validationUsers", s.validationUsers());
    settings.put("testUsers", s.testUsers());
    settings.put("costModel", s.costModel());
    settings.put("llm", s.llm());
    result.candidates().ifPresent(c -> candidates(root.putObject("candidates"), c));
    ArrayNode methods = root.putArray("methods");
    for (MethodResult m : result.methods()) {
      method(methods.addObject(), m);
    }
    RppSection.json(root, result);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void candidates(ObjectNode n, CandidateSets.Report c) {
    n.put("base", c.base());
    n.put("mode", c.mode().name());
    n.put("k", c.k());
    n.put("seed", c.seed());
    n.put("evaluableUsers", c.evaluableUsers());
    n.put("hits", c.hits());
    n.put("hitRate", c.hitRate());
    n.put("inserted", c.inserted());
    n.put("eligibleUsers", c.eligibleUsers());
    n.put("shortLists", c.shortLists());
    n.put("unknownItems", c.unknownItems());
    n.put("baseNdcgOnHits", c.baseNdcgOnHits());
  }

  private static void method(ObjectNode n, MethodResult m) {
    n.put("name", m.name());
    ObjectNode params = n.putObject("parameters");
    m.parameters().forEach(params::put);
    ObjectNode metrics = n.putObject("metrics");
    RankingMetrics.MeanMetrics mm = m.means();
    metrics.put("k", mm.k());
    metrics.put("users", mm.users());
    metrics.put("ndcg", mm.ndcg());
    metrics.put("hitRate", mm.hitRate());
    metrics.put("mrr", mm.mrr());
    metrics.put("mrrAtK", mm.mrrAtK());
    metrics.put("precision", mm.precision());
    metrics.put("recall", mm.recall());
    putNumberOrNull(metrics, "meanPosition", mm.meanPosition());
    metrics.put("positioned", mm.positioned());
    ObjectNode ci = n.putObject("ndcgInterval");
    ci.put("mean", m.ndcg().mean());
    ci.put("low", m.ndcg().low());
    ci.put("high", m.ndcg().high());
    ci.put("confidence", m.ndcg().confidence());
    if (m.versusBase().isPresent()) {
      paired(n.putObject("versusBase"), m.versusBase().get());
    } else {
      n.putNull("versusBase");
    }
    if (m.plannedCalls().isPresent()) {
      n.put("plannedCalls", m.plannedCalls().getAsLong());
    } else {
      n.putNull("plannedCalls");
    }
    usage(n.putObject("trainingUsage"), m.trainingUsage());
    usage(n.putObject("testUsage"), m.testUsage());
    if (m.cost().isPresent()) {
      n.put("cost", m.cost().getAsDouble());
    } else {
      n.putNull("cost");
    }
    n.put("trainingSeconds", m.trainingTime().toMillis() / 1000.0);
    n.put("testSeconds", m.testTime().toMillis() / 1000.0);
    n.put("fallbacks", m.fallbacks());
    n.put("repaired", m.repaired());
    ArrayNode curve = n.putArray("validationCurve");
    for (PreparedMethod.ValidationPoint p : m.validationCurve()) {
      ObjectNode e = curve.addObject();
      e.put("epoch", p.epoch());
      e.put("score", p.score());
      e.put("selected", p.selected());
    }
    ObjectNode details = n.putObject("details");
    m.details().forEach(details::put);
    RppSection.json(n, m);
    ArrayNode users = n.putArray("users");
    for (MethodResult.UserResult u : m.users()) {
      ObjectNode e = users.addObject();
      e.put("user", u.userId());
      ArrayNode ranking = e.putArray("ranking");
      u.ranking().forEach(ranking::add);
      if (u.metrics().position().isPresent()) {
        e.put("position", u.metrics().position().getAsInt());
      } else {
        e.putNull("position");
      }
      e.put("ndcg", u.metrics().ndcg());
      e.put("mrr", u.metrics().mrr());
      e.put("hit", u.metrics().hitRate());
      e.put("fallback", u.fallback());
      e.put("repaired", u.repaired());
    }
  }

  /** A paired comparison's fields into {@code v}. */
  static void paired(ObjectNode v, MethodResult.PairedComparison p) {
    v.put("baseline", p.baseline());
    v.put("meanDifference", p.meanDifference());
    v.put("low", p.low());
    v.put("high", p.high());
    v.put("bootstrapP", p.bootstrapP());
    v.put("wilcoxonWPlus", p.wilcoxonWPlus());
    v.put("wilcoxonZ", p.wilcoxonZ());
    v.put("wilcoxonP", p.wilcoxonP());
    v.put("wins", p.wins());
    v.put("losses", p.losses());
    v.put("ties", p.ties());
  }

  private static void usage(ObjectNode n, UsageReport u) {
    StageUsage t = u.total();
    n.put("calls", t.calls());
    n.put("inputTokens", t.inputTokens());
    n.put("outputTokens", t.outputTokens());
    n.put("failures", t.failures());
    n.put("retries", t.retries());
    n.put("cacheHits", t.cacheHits());
    n.put("truncated", t.truncated());
    ObjectNode stages = n.putObject("byStage");
    for (Map.Entry<Stage, StageUsage> e : u.byStage().entrySet()) {
      ObjectNode s = stages.putObject(e.getKey().name());
      s.put("calls", e.getValue().calls());
      s.put("inputTokens", e.getValue().inputTokens());
      s.put("outputTokens", e.getValue().outputTokens());
      s.put("failures", e.getValue().failures());
      s.put("retries", e.getValue().retries());
    }
  }

  private static void putNumberOrNull(ObjectNode n, String key, double v) {
    if (Double.isNaN(v)) {
      n.putNull(key);
    } else {
      n.put(key, v);
    }
  }
}
