package dev.agp.eval.report;

import dev.agp.eval.ExperimentResult;
import dev.agp.eval.MethodResult;
import dev.agp.eval.PreparedMethod;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts, drawn with XChart. */
final class Charts {

  static final String METHODS = "methods.png";
  static final String VALIDATION = "agp-validation.png";
  static final String GRID = "ablation-grid.png";

  private static final int WIDTH = 960;
  private static final int HEIGHT = 540;

  private Charts() {}

  /** NDCG@k per method: bars at the mean, whiskers spanning the bootstrap interval. */
  static Path methods(ExperimentResult r, Path dir) throws IOException {
    int k = r.settings().cutoff();
    String level = Math.round(r.settings().confidence() * 100) + "%";
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(llmTag(r) + "NDCG@" + k + " on " + r.settings().testUsers() + " test users (bars: mean; whiskers: " + level
            + " bootstrap interval)")
        .xAxisTitle("method").yAxisTitle("NDCG@" + k).build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    c.getStyler().setOverlapped(true);
    c.getStyler().setErrorBarsColor(Color.BLACK);
    c.getStyler().setYAxisDecimalPattern("0.00");
    c.getStyler().setXAxisLabelRotation(r.methods().size() > 6 ? 30 : 0);
    List<String> names = new ArrayList<>();
    List<Double> mean = new ArrayList<>();
    List<Double> mid = new ArrayList<>();
    List<Double> half = new ArrayList<>();
    for (MethodResult m : r.methods()) {
      names.add(m.name());
      mean.add(m.ndcg().mean());
      mid.add((m.ndcg().low() + m.ndcg().high()) / 2);
      half.add((m.ndcg().high() - m.ndcg().low()) / 2);
    }
    c.addSeries("mean", names, mean);
    CategorySeries interval = c.addSeries("interval", names, mid, half);
    interval.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
    interval.setMarker(SeriesMarkers.NONE);
    return save(c, dir.resolve(METHODS));
  }

  /** The validation score per epoch of every method that reports one (AGP), selected epochs marked. */
  static Optional<Path> validation(ExperimentResult r, Path dir) throws IOException {
    Optional<XYChart> c = validationChart(r);
    if (c.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(save(c.get(), dir.resolve(VALIDATION)));
  }

  /** Suffix of the series that marks a method's selected epoch. */
  static final String SELECTED = ": selected epoch";

  /**
   * The validation chart: a line per method, its selected epoch as a large diamond, and a y axis
   * whose tick labels have enough decimals to differ from each other however close the scores
   * are (a flat curve gets a small band around it).
   */
  static Optional<XYChart> validationChart(ExperimentResult r) {
    List<MethodResult> curves = r.methods().stream().filter(m -> !m.validationCurve().isEmpty()).toList();
    if (curves.isEmpty()) {
      return Optional.empty();
    }
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(llmTag(r) + "Validation NDCG@" + r.settings().cutoff() + " per epoch (epoch 0: the initial prompt;"
            + " diamond: the selected epoch)")
        .xAxisTitle("epoch").yAxisTitle("validation NDCG@" + r.settings().cutoff()).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisDecimalPattern("0");
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (MethodResult m : curves) {
      for (PreparedMethod.ValidationPoint p : m.validationCurve()) {
        low = Math.min(low, p.score());
        high = Math.max(high, p.score());
      }
    }
    if (high - low < FLAT) {
      c.getStyler().setYAxisMin(Math.max(0, low - FLAT_BAND));
      c.getStyler().setYAxisMax(Math.min(1, high + FLAT_BAND));
      low = Math.max(0, low - FLAT_BAND);
      high = Math.min(1, high + FLAT_BAND);
    }
    c.getStyler().setYAxisDecimalPattern(decimalPattern(high - low));
    Color[] palette = c.getStyler().getSeriesColors();
    int n = 0;
    for (MethodResult m : curves) {
      Color color = palette[n++ % palette.length];
      double[] x = new double[m.validationCurve().size()];
      double[] y = new double[x.length];
      List<Double> sx = new ArrayList<>();
      List<Double> sy = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        PreparedMethod.ValidationPoint p = m.validationCurve().get(i);
        x[i] = p.epoch();
        y[i] = p.score();
        if (p.selected()) {
          sx.add((double) p.epoch());
          sy.add(p.score());
        }
      }
      XYSeries s = c.addSeries(m.name(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineColor(color);
      s.setMarkerColor(color);
      if (!sx.isEmpty()) {
        XYSeries chosen = c.addSeries(m.name() + SELECTED, sx, sy);
        chosen.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chosen.setMarker(SeriesMarkers.DIAMOND);
        chosen.setMarkerColor(color);
      }
    }
    c.getStyler().setMarkerSize(9);
    return Optional.of(c);
  }

  /** Scores closer than this are drawn as a flat line inside a band. */
  private static final double FLAT = 1e-6;
  /** Half the band around a flat curve. */
  private static final double FLAT_BAND = 0.01;
  /** About this many ticks fit the axis: each needs a label of its own. */
  private static final int TICKS = 8;

  /**
   * A pattern with enough decimals for {@value #TICKS} evenly spaced ticks over {@code span} to
   * print differently (at least 2, at most 6).
   */
  static String decimalPattern(double span) {
    double step = Math.max(span, FLAT) / TICKS;
    int decimals = (int) Math.ceil(-Math.log10(step));
    decimals = Math.max(2, Math.min(6, decimals));
    return "0." + "0".repeat(decimals);
  }

  /** Batch size x history length: mean NDCG@k, grouped by batch size. */
  static Optional<Path> grid(ExperimentResult r, Path dir) throws IOException {
    List<MethodResult> cells = r.methods().stream()
        .filter(m -> m.parameters().containsKey("batchSize") && m.parameters().containsKey("historyLength"))
        .toList();
    if (cells.size() < 2) {
      return Optional.empty();
    }
    Set<Integer> batches = new TreeSet<>();
    Set<Integer> histories = new TreeSet<>();
    for (MethodResult m : cells) {
      batches.add(Integer.parseInt(m.parameters().get("batchSize")));
      histories.add(Integer.parseInt(m.parameters().get("historyLength")));
    }
    if (cells.size() != batches.size() * histories.size()) {
      return Optional.empty(); // not a full grid: a bar per missing cell would mislead
    }
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(llmTag(r) + "Ablation: batch size x history length (mean NDCG@" + r.settings().cutoff() + ")")
        .xAxisTitle("batch size").yAxisTitle("NDCG@" + r.settings().cutoff()).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    c.getStyler().setYAxisDecimalPattern("0.00");
    List<String> labels = new ArrayList<>();
    for (int b : batches) {
      labels.add("B=" + b);
    }
    for (int h : histories) {
      List<Double> values = new ArrayList<>();
      for (int b : batches) {
        values.add(cells.stream()
            .filter(m -> m.parameters().get("batchSize").equals(String.valueOf(b))
                && m.parameters().get("historyLength").equals(String.valueOf(h)))
            .findFirst().orElseThrow().ndcg().mean());
      }
      c.addSeries("history " + h, labels, values);
    }
    return Optional.of(save(c, dir.resolve(GRID)));
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
    String name = file.getFileName().toString();
    Path base = file.resolveSibling(name.substring(0, name.length() - ".png".length()));
    BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  /** "[simulated LLM] " when the experiment's LLM is simulated, so every chart says so. */
  static String llmTag(ExperimentResult r) {
    return r.settings().llm().toLowerCase(java.util.Locale.ROOT).contains("simulated") ? "[simulated LLM] " : "";
  }
}
