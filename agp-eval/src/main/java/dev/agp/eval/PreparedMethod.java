package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.CaseReranker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A method ready to score test users, with what its preparation learned.
 *
 * @param reranker what reorders each test user's candidates
 * @param validationCurve validation scores during training, in order (AGP: NDCG@10 per epoch, 0 =
 *     the initial prompt); empty for methods that do not train
 * @param details facts worth reporting (the learned prompt, the best epoch, ...), in order
 * @param servedHistograms read once the test users are ranked: counts of what the reranker served
 *     (RPP: per prompt pattern, how often each sentence and history length was sent); empty for
 *     most methods
 */
public record PreparedMethod(
    CaseReranker reranker,
    List<ValidationPoint> validationCurve,
    Map<String, String> details,
    Supplier<List<Histogram>> servedHistograms) {

  /**
   * @param reranker what reorders each test user's candidates
   * @param validationCurve validation scores during training, in order (AGP: NDCG@10 per epoch, 0 =
   *     the initial prompt); empty for methods that do not train
   * @param details facts worth reporting (the learned prompt, the best epoch, ...), in order
   * @param servedHistograms read once the test users are ranked: counts of what the reranker served
   *     (RPP: per prompt pattern, how often each sentence and history length was sent); empty for
   *     most methods
   * @throws NullPointerException if an argument or entry is null
   */
  public PreparedMethod {
    requireNonNull(reranker, "reranker");
    validationCurve = List.copyOf(validationCurve);
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(details, "details")));
    requireNonNull(servedHistograms, "servedHistograms");
  }

  /**
   * A method without served histograms.
   *
   * @param reranker what reorders each test user's candidates
   * @param validationCurve validation scores during training, in order (AGP: NDCG@10 per epoch, 0 =
   *     the initial prompt); empty for methods that do not train
   * @param details facts worth reporting (the learned prompt, the best epoch, ...), in order
   * @throws NullPointerException if an argument or entry is null
   */
  public PreparedMethod(CaseReranker reranker, List<ValidationPoint> validationCurve, Map<String, String> details) {
    this(reranker, validationCurve, details, List::of);
  }

  /**
   * A method that learned nothing worth reporting.
   *
   * @param reranker the trained reranker
   * @return the method, without curve, details or histograms
   */
  public static PreparedMethod of(CaseReranker reranker) {
    return new PreparedMethod(reranker, List.of(), Map.of());
  }

  /**
   * One validation score during training.
   *
   * @param epoch 0 for the starting point, then 1-based
   * @param score the validation score (NDCG at the method's cutoff)
   * @param selected whether this epoch's state was the one kept
   */
  public record ValidationPoint(int epoch, double score, boolean selected) {}
}
