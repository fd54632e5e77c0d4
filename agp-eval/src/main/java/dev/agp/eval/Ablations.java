package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpOptimizer;
import dev.agp.FeedbackSignal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The paper's AGP ablations as lists of {@link Method}s for an {@link Experiment}, each built on
 * common {@code options} (applied first) with one setting changed:
 *
 * <ul>
 *   <li>{@link #summarization}: with and without the SUMMARIZE step;
 *   <li>{@link #feedbackSignal}: position-based feedback against the score-only signal;
 *   <li>{@link #grid}: batch size x history length; {@link #paperGrid} is 5/10/20 x 5/10/20.
 * </ul>
 *
 * Each method carries its settings as {@link Method#parameters()} ({@code summarize}, {@code
 * feedbackSignal}, {@code batchSize}, {@code historyLength}), which the report uses to draw the
 * grid chart.
 */
public final class Ablations {

  /** The paper's grid values for batch size and history length. */
  public static final List<Integer> PAPER_GRID = List.of(5, 10, 20);

  private Ablations() {}

  /**
   * "AGP" and "AGP w/o summarization".
   *
   * @param options the experiment's AGP settings, applied before the ablated one
   * @return the two methods, with summarization first
   * @throws NullPointerException if options is null
   */
  public static List<Method> summarization(UnaryOperator<AgpOptimizer.Builder> options) {
    requireNonNull(options, "options");
    return List.of(
        Method.agp("AGP", b -> options.apply(b).summarize(true), Map.of("summarize", "true")),
        Method.agp("AGP w/o summarization", b -> options.apply(b).summarize(false), Map.of("summarize", "false")));
  }

  /**
   * "AGP (position feedback)" and "AGP (score-only feedback)".
   *
   * @param options the experiment's AGP settings, applied before the ablated one
   * @return the two methods, position feedback first
   * @throws NullPointerException if options is null
   */
  public static List<Method> feedbackSignal(UnaryOperator<AgpOptimizer.Builder> options) {
    requireNonNull(options, "options");
    List<Method> out = new ArrayList<>();
    for (FeedbackSignal s : FeedbackSignal.values()) {
      String label = s == FeedbackSignal.POSITIONS ? "position feedback" : "score-only feedback";
      out.add(Method.agp("AGP (" + label + ")", b -> options.apply(b).feedbackSignal(s), Map.of("feedbackSignal", s.name())));
    }
    return List.copyOf(out);
  }

  /**
   * One AGP method per (batch size, history length), named {@code "AGP B=5 H=10"}.
   *
   * @param options the experiment's AGP settings, applied before batch size and history length
   * @param batchSizes the batch sizes to try
   * @param historyLengths the history lengths to try
   * @return the methods, batch size major, in the lists' order
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if a list is empty or holds a value below 1
   */
  public static List<Method> grid(
      UnaryOperator<AgpOptimizer.Builder> options, List<Integer> batchSizes, List<Integer> historyLengths) {
    requireNonNull(options, "options");
    requireNonNull(batchSizes, "batchSizes");
    requireNonNull(historyLengths, "historyLengths");
    check("batchSizes", batchSizes);
    check("historyLengths", historyLengths);
    List<Method> out = new ArrayList<>();
    for (int b : batchSizes) {
      for (int h : historyLengths) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("batchSize", String.valueOf(b));
        params.put("historyLength", String.valueOf(h));
        out.add(Method.agp("AGP B=" + b + " H=" + h, o -> options.apply(o).batchSize(b).historyLength(h), params));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The paper's 3 x 3 grid: batch size and history length each 5, 10 and 20.
   *
   * @param options the experiment's AGP settings, applied before batch size and history length
   * @return the nine methods, batch size major
   * @throws NullPointerException if options is null
   */
  public static List<Method> paperGrid(UnaryOperator<AgpOptimizer.Builder> options) {
    return grid(options, PAPER_GRID, PAPER_GRID);
  }

  private static void check(String name, List<Integer> values) {
    requireNonNull(values, name);
    if (values.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    for (Integer v : values) {
      if (requireNonNull(v, name + " element") < 1) {
        throw new IllegalArgumentException(name + " values must be >= 1 but one was " + v);
      }
    }
  }
}
