package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Usage per {@link Stage}, and per model and stage: calls, tokens, failures, retries, cache hits,
 * rejected updates, latency. Stages never called are absent from {@link #byStage()} and read as
 * {@link StageUsage#ZERO} through {@link #stage(Stage)}. Cost follows from a {@link PriceTable}
 * through {@link #cost(PriceTable)}.
 *
 * <p>Failed calls and counters without a model (such as rejected updates) are kept under {@link
 * #UNKNOWN_MODEL}. Reports built by {@link LlmUsageMeter} satisfy: for every stage, {@code
 * byStage} is the sum of that stage over {@code byModel}.
 *
 * @param byStage usage of each stage that was used, in {@link Stage} order
 * @param byModel usage of each model (sorted by name) per stage; empty in reports written before
 *     the SDK recorded models
 */
public record UsageReport(Map<Stage, StageUsage> byStage, Map<String, Map<Stage, StageUsage>> byModel) {

  /** The model name under which usage of an unknown model is kept. */
  public static final String UNKNOWN_MODEL = "";

  /** Nothing used. */
  public static final UsageReport EMPTY = new UsageReport(Map.of(), Map.of());

  /**
   * @param byStage usage of each stage that was used, in {@link Stage} order
   * @param byModel usage of each model (sorted by name) per stage; empty in reports written before
   *     the SDK recorded models
   * @throws NullPointerException if byStage, a key or a value is null
   */
  public UsageReport {
    byStage = stages(requireNonNull(byStage, "byStage"));
    TreeMap<String, Map<Stage, StageUsage>> models = new TreeMap<>();
    // documents saved before usage was kept per model have no byModel: read them as empty
    if (byModel != null) {
      byModel.forEach(
          (model, usage) -> {
            Map<Stage, StageUsage> s = stages(requireNonNull(usage, "byModel value"));
            if (!s.isEmpty()) {
              models.put(requireNonNull(model, "byModel key"), s);
            }
          });
    }
    byModel = Collections.unmodifiableMap(models);
  }

  /**
   * A report without per-model usage.
   *
   * @param byStage usage of each stage that was used, in {@link Stage} order
   * @throws NullPointerException if the map, a key or a value is null
   */
  public UsageReport(Map<Stage, StageUsage> byStage) {
    this(byStage, Map.of());
  }

  private static Map<Stage, StageUsage> stages(Map<Stage, StageUsage> m) {
    EnumMap<Stage, StageUsage> copy = new EnumMap<>(Stage.class);
    m.forEach(
        (k, v) -> {
          if (!requireNonNull(v, "usage").isZero()) {
            copy.put(requireNonNull(k, "stage"), v);
          }
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * The usage of one stage, {@link StageUsage#ZERO} when it was not used.
   *
   * @param stage the pipeline step asked about
   * @return its usage
   */
  public StageUsage stage(Stage stage) {
    return byStage.getOrDefault(stage, StageUsage.ZERO);
  }

  /**
   * {@return the models with recorded usage, sorted; {@link #UNKNOWN_MODEL} among them when it has
   * some}
   */
  public Set<String> models() {
    return byModel.keySet();
  }

  /**
   * The usage of one model over all stages, {@link StageUsage#ZERO} when it was not used.
   *
   * @param model the model's name
   * @return its usage
   */
  public StageUsage model(String model) {
    return sum(byModel.getOrDefault(requireNonNull(model, "model"), Map.of()));
  }

  /**
   * The usage of one model in one stage, {@link StageUsage#ZERO} when there was none.
   *
   * @param stage the pipeline step asked about
   * @param model the model's name
   * @return the usage
   */
  public StageUsage usage(Stage stage, String model) {
    requireNonNull(stage, "stage");
    return byModel.getOrDefault(requireNonNull(model, "model"), Map.of()).getOrDefault(stage, StageUsage.ZERO);
  }

  /** {@return the sum over all stages} */
  public StageUsage total() {
    return sum(byStage);
  }

  private static StageUsage sum(Map<Stage, StageUsage> m) {
    StageUsage t = StageUsage.ZERO;
    for (StageUsage s : m.values()) {
      t = t.plus(s);
    }
    return t;
  }

  /** {@return calls per stage, for comparing against an estimate} */
  public Map<Stage, Long> calls() {
    EnumMap<Stage, Long> m = new EnumMap<>(Stage.class);
    byStage.forEach((k, v) -> m.put(k, v.calls()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * The stage-wise (and model-wise) sum.
   *
   * @param other the other report
   * @return the sum
   */
  public UsageReport plus(UsageReport other) {
    EnumMap<Stage, StageUsage> m = new EnumMap<>(Stage.class);
    m.putAll(byStage);
    other.byStage.forEach((k, v) -> m.merge(k, v, StageUsage::plus));
    Map<String, Map<Stage, StageUsage>> models = new TreeMap<>();
    for (UsageReport r : new UsageReport[] {this, other}) {
      r.byModel.forEach(
          (model, stages) -> {
            Map<Stage, StageUsage> target = models.computeIfAbsent(model, x -> new EnumMap<>(Stage.class));
            stages.forEach((k, v) -> target.merge(k, v, StageUsage::plus));
          });
    }
    return new UsageReport(m, models);
  }

  /**
   * What was spent since an earlier snapshot of the same meter.
   *
   * @param earlier the earlier snapshot
   * @return the difference
   */
  public UsageReport minus(UsageReport earlier) {
    EnumMap<Stage, StageUsage> m = new EnumMap<>(Stage.class);
    byStage.forEach((k, v) -> m.put(k, v.minus(earlier.stage(k))));
    Map<String, Map<Stage, StageUsage>> models = new TreeMap<>();
    byModel.forEach(
        (model, stages) -> {
          Map<Stage, StageUsage> target = new EnumMap<>(Stage.class);
          stages.forEach((k, v) -> target.put(k, v.minus(earlier.usage(k, model))));
          models.put(model, target);
        });
    return new UsageReport(m, models);
  }

  /**
   * The cost of the recorded tokens at {@code prices}, per stage and model. Tokens of models the
   * table has no price for (and of {@link #UNKNOWN_MODEL}) are not priced but counted in {@link
   * CostReport#unpricedTokens()}.
   *
   * @param prices the prices per model
   * @return the cost report
   * @throws NullPointerException if prices is null
   */
  public CostReport cost(PriceTable prices) {
    requireNonNull(prices, "prices");
    BigDecimal total = BigDecimal.ZERO;
    Map<Stage, BigDecimal> perStage = new EnumMap<>(Stage.class);
    Map<String, BigDecimal> perModel = new TreeMap<>();
    Map<String, Long> unpriced = new TreeMap<>();
    for (Map.Entry<String, Map<Stage, StageUsage>> e : byModel.entrySet()) {
      String model = e.getKey();
      var price = prices.priceOf(model);
      for (Map.Entry<Stage, StageUsage> s : e.getValue().entrySet()) {
        StageUsage u = s.getValue();
        if (u.totalTokens() == 0) {
          continue;
        }
        if (price.isEmpty()) {
          unpriced.merge(model, u.totalTokens(), Long::sum);
          continue;
        }
        BigDecimal c = price.get().cost(new TokenUsage(u.inputTokens(), u.outputTokens()));
        total = total.add(c);
        perStage.merge(s.getKey(), c, BigDecimal::add);
        perModel.merge(model, c, BigDecimal::add);
      }
    }
    return new CostReport(total, perStage, perModel, unpriced, prices.asOf());
  }
}
