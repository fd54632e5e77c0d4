package dev.agp.eval.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.ExperimentResult;
import dev.agp.eval.MethodKind;
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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes an {@link ExperimentResult} as files people and tools read:
 *
 * <ul>
 *   <li>{@value #MARKDOWN}: the table (NDCG@k with interval, the paired comparison with Base,
 *       HR@1, HR@3, MRR, mean position, calls, tokens, cost, time; HR@k only when lists are longer
 *       than k), the sanity check of the user-blind rows, paired comparisons between methods, the
 *       settings, how candidates were made, what each method learned, and the statistics used; a
 *       partial result (a run that stopped early) says so at the top;
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
  public static final int VERSION = 2;

  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ExperimentReport() {}

  /**
   * Writes every file into {@code dir} (created if needed), replacing earlier ones, and returns
   * their paths.
   *
   * @param result the experiment's result
   * @param dir the output folder
   * @return the files written
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

  /**
   * Writes {@code file} through a temporary file and an atomic move. The temporary file is created
   * like the charts are (not with {@code Files.createTempFile}, which is private to the owner), so
   * every report file gets the permissions the process's umask gives.
   */
  private static Path writeText(Path file, String text) throws IOException {
    Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  // ---- Markdown

  /**
   * The Markdown report without chart links: the table, settings, candidates and details.
   *
   * @param result the experiment's result
   * @return the Markdown text
   */
  public static String markdown(ExperimentResult result) {
    return markdown(requireNonNull(result, "result"), List.of());
  }

  static String markdown(ExperimentResult r, List<String> charts) {
    ExperimentResult.Settings s = r.settings();
    int k = s.cutoff();
    String level = Math.round(s.confidence() * 100) + "%";
    StringBuilder md = new StringBuilder();
    md.append("# Experiment results\n\n");
    r.partial().ifPresent(why -> md.append("> **Partial results.** The run stopped before every method finished: ")
        .append(why.replace("\n", " ")).append(". The rows below are the methods that finished.\n\n"));
    md.append(s.testUsers()).append(" test users, ").append(s.trainUsers()).append(" training and ")
        .append(s.validationUsers()).append(" validation users; seed ").append(s.seed()).append("; run ")
        .append(r.started()).append(", ").append(seconds(r.wallTime())).append(".\n\n");
    md.append("LLM: ").append(s.llm()).append(".\n\n");
    boolean hitAtK = hitRateInformative(r);
    md.append("| Method | NDCG@").append(k).append(" [").append(level).append(" CI] | Δ vs Base [").append(level)
        .append(" CI] | p (bootstrap) | p (Wilcoxon) | HR@1 | HR@3 | ").append(hitAtK ? "HR@" + k + " | " : "")
        .append("MRR | Mean pos. | Calls | Tokens | Cost | Time |\n");
    md.append("|---|---|---|---|---|---|---|").append(hitAtK ? "---|" : "").append("---|---|---|---|---|---|\n");
    for (MethodResult m : r.methods()) {
      RankingMetrics.MeanMetrics mm = m.means();
      md.append("| ").append(escape(label(m)))
          .append(" | ").append(f4(m.ndcg().mean())).append(" [").append(f4(m.ndcg().low())).append(", ")
          .append(f4(m.ndcg().high())).append("]");
      if (m.versusBase().isPresent()) {
        MethodResult.PairedComparison p = m.versusBase().get();
        md.append(" | ").append(signed(p.meanDifference())).append(" [").append(signed(p.low())).append(", ")
            .append(signed(p.high())).append("] | ").append(p(p.bootstrapP())).append(" | ").append(p(p.wilcoxonP()));
      } else {
        md.append(" | — | — | —");
      }
      md.append(" | ").append(f4(m.hitRate(1))).append(" | ").append(f4(m.hitRate(3)));
      if (hitAtK) {
        md.append(" | ").append(f4(mm.hitRate()));
      }
      md.append(" | ").append(f4(mm.mrr())).append(" | ")
          .append(Double.isNaN(mm.meanPosition()) ? "—" : String.format(Locale.ROOT, "%.2f", mm.meanPosition()))
          .append(" | ").append(m.calls()).append(" | ").append(m.tokens()).append(" | ")
          .append(m.cost().isPresent() ? String.format(Locale.ROOT, "%.4f", m.cost().getAsDouble()) : "—")
          .append(" | ").append(seconds(m.wallTime())).append(" |\n");
    }
    md.append("\nRows: Base is the base recommender's order; *sanity* rows are user-blind orders of the same lists"
        + " (no LLM call); *control* rows are a learning method without its learning (untrained) or trained on"
        + " permuted labels.\n");
    sanity(md, r);
    comparisons(md, r);
    md.append("\nCost model: ").append(s.costModel()).append(".\n");

    md.append("\n## Calls and failures\n\n| Method | Planned calls | Training calls | Test calls | Input tokens | Output tokens | "
        + "Retries | Failed calls | Fallbacks | Repaired answers | Base-order answers | Training time | Test time |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (MethodResult m : r.methods()) {
      StageUsage all = m.usage().total();
      md.append("| ").append(escape(m.name())).append(" | ")
          .append(m.plannedCalls().isPresent() ? String.valueOf(m.plannedCalls().getAsLong()) : "unknown").append(" | ")
          .append(m.trainingUsage().total().calls()).append(" | ").append(m.testUsage().total().calls()).append(" | ")
          .append(all.inputTokens()).append(" | ").append(all.outputTokens()).append(" | ").append(all.retries())
          .append(" | ").append(all.failures()).append(" | ").append(m.fallbacks()).append(" | ").append(m.repaired())
          .append(" | ").append(m.baseOrderAnswers())
          .append(" | ").append(seconds(m.trainingTime())).append(" | ").append(seconds(m.testTime())).append(" |\n");
    }
    md.append("\nBase-order answers: LLM answers (not fallbacks) that were exactly the base order; many of them mean"
        + " the model copied the list or ignored the user.\n");

    r.candidates().ifPresent(c -> {
      md.append("\n## Candidates\n\n");
      md.append("Base recommender: ").append(escape(c.base())).append("; mode ").append(modeName(c.mode())).append(", ")
          .append(c.k()).append(" candidates per user, seed ").append(c.seed()).append(".\n\n");
      md.append(modeDescription(c.mode(), c.k())).append("\n\n");
      md.append("- users with a held-out item: ").append(c.evaluableUsers()).append('\n');
      md.append("- held-out item in the base top ").append(c.k()).append(": ").append(c.hits()).append(" (")
          .append(String.format(Locale.ROOT, "%.2f%%", 100 * c.hitRate())).append(")\n");
      if (c.mode() == CandidateMode.BASE_WINDOW) {
        md.append("- lists that are a window deeper in the base ranking: ").append(c.windowed()).append('\n');
        md.append("- held-out item the base cannot rank (not eligible): ").append(c.unranked()).append('\n');
      }
      md.append("- eligible users: ").append(c.eligibleUsers()).append('\n');
      md.append("- median rank of the held-out item in the base's full ranking (eligible users): ")
          .append(String.format(Locale.ROOT, "%.1f", c.medianHeldOutRank())).append('\n');
      md.append("- fewer than ").append(c.k()).append(" candidates: ").append(c.shortLists())
          .append("; naming unknown items: ").append(c.unknownItems()).append('\n');
      md.append("- base NDCG@").append(c.k()).append(" over the users whose held-out item it ranks in its top ")
          .append(c.k()).append(": ").append(f4(c.baseNdcgOnHits())).append('\n');
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
        + " relevant items; HR@n = share of users with the held-out item in the first n places; MRR over the whole list;"
        + " mean position = mean 1-based rank of the held-out item.\n");
    md.append("- Intervals: percentile bootstrap of the mean over users, ").append(s.bootstrapSamples())
        .append(" resamples, seed ").append(s.seed()).append(".\n");
    md.append("- Δ vs Base: per-user NDCG@").append(k).append(" differences on the same users; interval and p value"
        + " from the paired bootstrap of their mean (p = twice the smaller share of resampled means on either side of"
        + " 0); Wilcoxon signed-rank test with zero differences dropped, exact for up to 30 untied pairs, else the"
        + " normal approximation with tie and continuity corrections.\n");
    return md.toString();
  }

  /**
   * The mode as the command line and reports name it.
   *
   * @param mode the candidate mode
   * @return {@code paper} or {@code window}
   */
  public static String modeName(CandidateMode mode) {
    return requireNonNull(mode, "mode") == CandidateMode.BASE_TOP_K ? "paper" : "window";
  }

  /**
   * One paragraph on what the mode's numbers mean.
   *
   * @param mode the candidate mode
   * @param k the cutoff the numbers are at
   * @return the paragraph
   */
  public static String modeDescription(CandidateMode mode, int k) {
    if (requireNonNull(mode, "mode") == CandidateMode.BASE_TOP_K) {
      return "Paper protocol: each user's list is the base model's top " + k + ", and only users whose held-out item"
          + " is in it are evaluated, as in the paper's table.";
    }
    return "Window protocol: each user's list is " + k + " consecutive items of the base model's own ranking that"
        + " contain the held-out item (the top " + k + " when it is there), at a seeded place, in the base order;"
        + " every user whose held-out item the base can rank is eligible. No candidate is the odd one out, so"
        + " user-blind orders (the sanity rows) should not beat Base; the base order carries little signal inside a"
        + " window, so Base is close to a random order. Not comparable with the paper's table.";
  }

  private static void sanity(StringBuilder md, ExperimentResult r) {
    boolean any = r.methods().stream().anyMatch(m -> m.kind() == MethodKind.SANITY);
    if (!any || r.baseHalfWidth().isEmpty()) {
      return;
    }
    md.append("\n## Sanity check\n\n");
    List<String> warnings = r.sanityWarnings();
    if (warnings.isEmpty()) {
      md.append("Passed: no user-blind order beats Base by more than the half-width of Base's interval (")
          .append(f4(r.baseHalfWidth().getAsDouble())).append(").\n");
    } else {
      md.append("**Failed**:\n\n");
      warnings.forEach(w -> md.append("- ").append(w).append('\n'));
      md.append("\nGains of LLM methods on these lists may come from that signal rather than from modelling users.\n");
    }
  }

  private static void comparisons(StringBuilder md, ExperimentResult r) {
    if (r.comparisons().isEmpty()) {
      return;
    }
    String level = Math.round(r.settings().confidence() * 100) + "%";
    md.append("\n## Paired comparisons\n\n| Method | versus | Δ NDCG@").append(r.settings().cutoff()).append(" [")
        .append(level).append(" CI] | p (bootstrap) | p (Wilcoxon) | wins / losses / ties |\n|---|---|---|---|---|---|\n");
    for (ExperimentResult.MethodComparison c : r.comparisons()) {
      MethodResult.PairedComparison p = c.versus();
      md.append("| ").append(escape(c.method())).append(" | ").append(escape(p.baseline())).append(" | ")
          .append(signed(p.meanDifference())).append(" [").append(signed(p.low())).append(", ").append(signed(p.high()))
          .append("] | ").append(p(p.bootstrapP())).append(" | ").append(p(p.wilcoxonP())).append(" | ").append(p.wins())
          .append(" / ").append(p.losses()).append(" / ").append(p.ties()).append(" |\n");
    }
  }

  /** The row's name, with its kind when it is not a method under evaluation. */
  static String label(MethodResult m) {
    return switch (m.kind()) {
      case SANITY -> m.name() + " (sanity)";
      case CONTROL -> m.name() + " (control)";
      default -> m.name();
    };
  }

  /** HR@k says something only when some list is longer than k (else every held-out item is in the top k). */
  static boolean hitRateInformative(ExperimentResult r) {
    return r.candidates().map(c -> c.k() > r.settings().cutoff()).orElseGet(() -> r.methods().stream()
        .flatMap(m -> m.users().stream()).anyMatch(u -> u.ranking().size() > r.settings().cutoff()));
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

  /**
   * One row per method: the table's columns, machine-readable.
   *
   * @param result the experiment's result
   * @return the CSV text, with a header line
   */
  public static String csv(ExperimentResult result) {
    requireNonNull(result, "result");
    StringBuilder sb = new StringBuilder(
        "method,kind,ndcg,ndcg_low,ndcg_high,delta_vs_base,delta_low,delta_high,p_bootstrap,p_wilcoxon,wins,losses,ties,"
            + "hr_at_1,hr_at_3,hit_rate_at_k,mrr,mrr_at_k,precision,recall,mean_position,users,training_calls,test_calls,"
            + "input_tokens,output_tokens,cost,training_seconds,test_seconds,fallbacks,repaired,base_order_answers,llm\n");
    for (MethodResult m : result.methods()) {
      RankingMetrics.MeanMetrics mm = m.means();
      List<String> f = new ArrayList<>();
      f.add(csvField(m.name()));
      f.add(m.kind().name().toLowerCase(Locale.ROOT));
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
      f.addAll(List.of(num(m.hitRate(1)), num(m.hitRate(3)), num(mm.hitRate()), num(mm.mrr()), num(mm.mrrAtK()), num(mm.precision()), num(mm.recall()),
          Double.isNaN(mm.meanPosition()) ? "" : num(mm.meanPosition()), String.valueOf(mm.users()),
          String.valueOf(m.trainingUsage().total().calls()), String.valueOf(m.testUsage().total().calls()),
          String.valueOf(m.usage().total().inputTokens()), String.valueOf(m.usage().total().outputTokens()),
          m.cost().isPresent() ? num(m.cost().getAsDouble()) : "",
          num(m.trainingTime().toMillis() / 1000.0), num(m.testTime().toMillis() / 1000.0),
          String.valueOf(m.fallbacks()), String.valueOf(m.repaired()), String.valueOf(m.baseOrderAnswers()),
          csvField(result.settings().llm())));
      sb.append(String.join(",", f)).append('\n');
    }
    return sb.toString();
  }

  /**
   * One row per method and test user: position, metrics, flags and the ranking.
   *
   * @param result the experiment's result
   * @return the CSV text, with a header line
   */
  public static String usersCsv(ExperimentResult result) {
    requireNonNull(result, "result");
    StringBuilder sb = new StringBuilder("method,user,position,ndcg,mrr,hit,fallback,repaired,base_order,ranking\n");
    for (MethodResult m : result.methods()) {
      for (MethodResult.UserResult u : m.users()) {
        sb.append(csvField(m.name())).append(',').append(csvField(u.userId())).append(',')
            .append(u.metrics().position().isPresent() ? String.valueOf(u.metrics().position().getAsInt()) : "")
            .append(',').append(num(u.metrics().ndcg())).append(',').append(num(u.metrics().mrr())).append(',')
            .append(num(u.metrics().hitRate())).append(',').append(u.fallback()).append(',').append(u.repaired())
            .append(',').append(u.baseOrder()).append(',').append(csvField(String.join(" ", u.ranking()))).append('\n');
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

  /**
   * The whole result as a versioned JSON document (format {@value #FORMAT}).
   *
   * @param result the experiment's result
   * @return the JSON text
   */
  public static String json(ExperimentResult result) {
    requireNonNull(result, "result");
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("started", result.started().toString());
    root.put("wallSeconds", result.wallTime().toMillis() / 1000.0);
    root.put("complete", result.complete());
    if (result.partial().isPresent()) {
      root.put("partial", result.partial().get());
    } else {
      root.putNull("partial");
    }
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
    ArrayNode comparisons = root.putArray("comparisons");
    for (ExperimentResult.MethodComparison c : result.comparisons()) {
      ObjectNode e = comparisons.addObject();
      e.put("method", c.method());
      paired(e.putObject("versus"), c.versus());
    }
    ObjectNode sanity = root.putObject("sanity");
    if (result.baseHalfWidth().isPresent()) {
      sanity.put("baseHalfWidth", result.baseHalfWidth().getAsDouble());
    } else {
      sanity.putNull("baseHalfWidth");
    }
    sanity.put("passed", result.sanityWarnings().isEmpty());
    ArrayNode warnings = sanity.putArray("warnings");
    result.sanityWarnings().forEach(warnings::add);
    RppSection.json(root, result);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void candidates(ObjectNode n, CandidateSets.Report c) {
    n.put("base", c.base());
    n.put("mode", modeName(c.mode()));
    n.put("k", c.k());
    n.put("seed", c.seed());
    n.put("evaluableUsers", c.evaluableUsers());
    n.put("hits", c.hits());
    n.put("hitRate", c.hitRate());
    n.put("unranked", c.unranked());
    n.put("windowed", c.windowed());
    n.put("eligibleUsers", c.eligibleUsers());
    n.put("shortLists", c.shortLists());
    n.put("unknownItems", c.unknownItems());
    n.put("baseNdcgOnHits", c.baseNdcgOnHits());
    n.put("medianHeldOutRank", c.medianHeldOutRank());
  }

  private static void method(ObjectNode n, MethodResult m) {
    n.put("name", m.name());
    n.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
    ObjectNode params = n.putObject("parameters");
    m.parameters().forEach(params::put);
    ObjectNode metrics = n.putObject("metrics");
    RankingMetrics.MeanMetrics mm = m.means();
    metrics.put("k", mm.k());
    metrics.put("users", mm.users());
    metrics.put("ndcg", mm.ndcg());
    metrics.put("hitRate", mm.hitRate());
    putNumberOrNull(metrics, "hitRateAt1", m.hitRate(1));
    putNumberOrNull(metrics, "hitRateAt3", m.hitRate(3));
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
    n.put("baseOrderAnswers", m.baseOrderAnswers());
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
      e.put("baseOrder", u.baseOrder());
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
