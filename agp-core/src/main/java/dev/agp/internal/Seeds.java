package dev.agp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Derives independent random streams from one seed, so every shuffle is reproducible alone. */
public final class Seeds {

  /** The stream that splits validation users off the training users. */
  public static final long VALIDATION_SPLIT = -1;

  private Seeds() {}

  /**
   * A well-mixed 64-bit value for (seed, stream): SplitMix64's finaliser.
   *
   * @param seed the run's seed
   * @param stream the stream, for example a user's index
   * @return the mixed value
   */
  public static long mix(long seed, long stream) {
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A Fisher-Yates shuffle of {@code items} driven by (seed, stream).
   *
   * @param <T> the element type
   * @param items the items, not changed
   * @param seed the run's seed
   * @param stream what the shuffle is for, for example a user's index
   * @return a shuffled copy
   */
  public static <T> List<T> shuffle(List<T> items, long seed, long stream) {
    List<T> out = new ArrayList<>(items);
    SplittableRandom r = new SplittableRandom(mix(seed, stream));
    for (int i = out.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = out.get(i);
      out.set(i, out.get(j));
      out.set(j, t);
    }
    return out;
  }
}
