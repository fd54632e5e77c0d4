package dev.agp.eval.recommender;

import static java.util.Objects.requireNonNull;

import dev.agp.eval.LooSplit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequential base model from item-to-item transitions: training sequences count each pair
 * (item, an item consumed up to {@code window} steps later) with weight {@code decay^(gap - 1)};
 * each item's row is normalised to sum to 1. A user's next items score as the sum over their last
 * {@code window} items, the most recent weighted 1, the one before {@code decay}, and so on;
 * popularity, scaled by {@code backoff}, breaks ties and fills lists for users whose recent items
 * have no transitions. Deterministic; ties go to the item first seen in training.
 *
 * <pre>{@code
 * BaseRecommender seq = Transitions.builder().window(3).decay(0.5).build().fit(split);
 * }</pre>
 */
public final class Transitions {

  /** Pairs counted up to this many steps apart, and recent items read at recommendation time. */
  public static final int DEFAULT_WINDOW = 3;
  /** Weight of each further step. */
  public static final double DEFAULT_DECAY = 0.5;
  /** Weight of normalised popularity added to every score. */
  public static final double DEFAULT_BACKOFF = 1e-3;

  private final int window;
  private final double decay;
  private final double backoff;

  private Transitions(Builder b) {
    this.window = b.window;
    this.decay = b.decay;
    this.backoff = b.backoff;
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counts the transitions of the split's training sequences.
   *
   * @param split the split whose training sequences are counted
   * @return the trained recommender
   * @throws NullPointerException if split is null
   * @throws IllegalArgumentException if the split has no training interactions
   */
  public BaseRecommender fit(LooSplit split) {
    return new Model(TrainingSet.of(split), window, (float) decay, (float) backoff);
  }

  private static final class Model implements BaseRecommender {
    private final TrainingSet t;
    private final int window;
    private final float decay;
    private final int[][] targets;
    private final float[][] weights;
    private final float[] prior;

    Model(TrainingSet t, int window, float decay, float backoff) {
      this.t = t;
      this.window = window;
      this.decay = decay;
      List<Map<Integer, Double>> rows = new java.util.ArrayList<>(t.items.length);
      for (int i = 0; i < t.items.length; i++) {
        rows.add(null);
      }
      long[] counts = new long[t.items.length];
      for (int[] seq : t.sequences) {
        for (int a = 0; a < seq.length; a++) {
          counts[seq[a]]++;
          double w = 1;
          for (int gap = 1; gap <= window && a + gap < seq.length; gap++) {
            int from = seq[a];
            int to = seq[a + gap];
            if (from != to) {
              Map<Integer, Double> row = rows.get(from);
              if (row == null) {
                row = new HashMap<>();
                rows.set(from, row);
              }
              row.merge(to, w, Double::sum);
            }
            w *= decay;
          }
        }
      }
      targets = new int[t.items.length][];
      weights = new float[t.items.length][];
      for (int i = 0; i < t.items.length; i++) {
        Map<Integer, Double> row = rows.get(i);
        if (row == null) {
          targets[i] = new int[0];
          weights[i] = new float[0];
          continue;
        }
        int[] to = row.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        double sum = row.values().stream().mapToDouble(Double::doubleValue).sum();
        float[] w = new float[to.length];
        for (int j = 0; j < to.length; j++) {
          w[j] = (float) (row.get(to[j]) / sum);
        }
        targets[i] = to;
        weights[i] = w;
      }
      long max = 1;
      for (long c : counts) {
        max = Math.max(max, c);
      }
      prior = new float[t.items.length];
      for (int i = 0; i < prior.length; i++) {
        prior[i] = (float) (backoff * counts[i] / max);
      }
    }

    @Override
    public String name() {
      return "Transitions(window=" + window + ", decay=" + decay + ")";
    }

    @Override
    public List<String> recommend(String userId, List<String> history, int k) {
      requireNonNull(userId, "userId");
      requireNonNull(history, "history");
      TopK.checkK(k);
      float[] score = prior.clone();
      float w = 1;
      int read = 0;
      for (int h = history.size() - 1; h >= 0 && read < window; h--) {
        Integer item = t.itemIndex.get(requireNonNull(history.get(h), "history item"));
        read++;
        if (item != null) {
          int[] to = targets[item];
          float[] tw = weights[item];
          for (int j = 0; j < to.length; j++) {
            score[to[j]] += w * tw[j];
          }
        }
        w *= decay;
      }
      return TopK.ids(TopK.select(score, t.excluded(history), k), t.items);
    }
  }

  /**
   * Options of {@link Transitions}. Setters throw {@link IllegalArgumentException} naming the
   * option for a bad value.
   */
  public static final class Builder {
    private int window = DEFAULT_WINDOW;
    private double decay = DEFAULT_DECAY;
    private double backoff = DEFAULT_BACKOFF;

    private Builder() {}

    /**
     * Steps apart counted, and recent items read, {@code >= 1} (default {@value
     * Transitions#DEFAULT_WINDOW}).
     *
     * @param window the steps apart counted
     * @return this builder
     */
    public Builder window(int window) {
      if (window < 1) {
        throw new IllegalArgumentException("window must be >= 1 but was " + window);
      }
      this.window = window;
      return this;
    }

    /**
     * Weight per further step, in (0, 1] (default {@value Transitions#DEFAULT_DECAY}).
     *
     * @param decay the factor applied to a transition's weight per further step
     * @return this builder
     */
    public Builder decay(double decay) {
      if (!(decay > 0 && decay <= 1)) {
        throw new IllegalArgumentException("decay must be in (0, 1] but was " + decay);
      }
      this.decay = decay;
      return this;
    }

    /**
     * Weight of popularity, in [0, 1] (default {@value Transitions#DEFAULT_BACKOFF}).
     *
     * @param backoff the popularity weight
     * @return this builder
     */
    public Builder backoff(double backoff) {
      if (!(backoff >= 0 && backoff <= 1)) {
        throw new IllegalArgumentException("backoff must be in [0, 1] but was " + backoff);
      }
      this.backoff = backoff;
      return this;
    }

    /** {@return the trainer} */
    public Transitions build() {
      return new Transitions(this);
    }
  }
}
