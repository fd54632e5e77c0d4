package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.Map;

/**
 * Usage per {@link Stage}: calls, tokens, failures, retries, cache hits, rejected updates,
 * latency. Stages never called are absent from {@link #byStage()} and read as {@link
 * StageUsage#ZERO} through {@link #stage(Stage)}.
 *
 * @param byStage usage of each stage that was used, in {@link Stage} order
 */
public record UsageReport(Map<Stage, StageUsage> byStage) {

  /** Nothing used. */
  public static final UsageReport EMPTY = new UsageReport(Map.of());

  /**
   * @throws NullPointerException if the map or an entry is null
   */
  public UsageReport {
    requireNonNull(byStage, "byStage");
    EnumMap<Stage, StageUsage> copy = new EnumMap<>(Stage.class);
    byStage.forEach(
        (k, v) -> {
          if (!v.equals(StageUsage.ZERO)) {
            copy.put(requireNonNull(k), requireNonNull(v));
          }
        });
    byStage = java.util.Collections.unmodifiableMap(copy);
  }

  /** The usage of one stage, {@link StageUsage#ZERO} when it was not used. */
  public StageUsage stage(Stage stage) {
    return byStage.getOrDefault(stage, StageUsage.ZERO);
  }

  /** The sum over all stages. */
  public StageUsage total() {
    StageUsage t = StageUsage.ZERO;
    for (StageUsage s : byStage.values()) {
      t = t.plus(s);
    }
    return t;
  }

  /** Calls per stage, for comparing against an estimate. */
  public Map<Stage, Long> calls() {
    EnumMap<Stage, Long> m = new EnumMap<>(Stage.class);
    byStage.forEach((k, v) -> m.put(k, v.calls()));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The stage-wise sum. */
  public UsageReport plus(UsageReport other) {
    EnumMap<Stage, StageUsage> m = new EnumMap<>(Stage.class);
    m.putAll(byStage);
    other.byStage.forEach((k, v) -> m.merge(k, v, StageUsage::plus));
    return new UsageReport(m);
  }

  /** What was spent since an earlier snapshot of the same meter. */
  public UsageReport minus(UsageReport earlier) {
    EnumMap<Stage, StageUsage> m = new EnumMap<>(Stage.class);
    byStage.forEach((k, v) -> m.put(k, v.minus(earlier.stage(k))));
    return new UsageReport(m);
  }
}
