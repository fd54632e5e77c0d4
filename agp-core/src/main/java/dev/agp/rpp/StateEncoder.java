package dev.agp.rpp;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.agp.Item;
import dev.agp.UserCase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The agents' state: what they know about a user when they choose, as a vector.
 *
 * <p>Layout, in order:
 *
 * <ol>
 *   <li>the user embedding ({@code d} values), L2-normalised and scaled to norm {@code √d} so
 *       that its components have unit mean square whatever the source's scale (a zero vector stays
 *       zero);
 *   <li>for each pattern in {@link PromptPattern} order, a one-hot of the base action currently
 *       in the user's prompt (5 + 3 + 9 + 5 values with the built-in sentences); all zero before
 *       the first step; a refined RPP+ sentence is encoded as the base sentence it was refined
 *       from;
 *   <li>the history length currently chosen divided by the maximum history length;
 *   <li>the step of the episode divided by the number of steps (0 at the first step).
 * </ol>
 *
 * Nothing in it needs the ground truth: serving, which never sees a reward, rebuilds the same
 * states by rolling the greedy policy forward. (The paper's state also held an encoding of the
 * previous ranking; rebuilding that at serving would cost one ranking call per step.) The
 * embedding comes from the caller's function, or from {@link #hashedHistory}.
 */
final class StateEncoder {

  /** The one-hot entry for "no action yet". */
  static final int NONE = -1;

  private final int embeddingDimension;
  private final int[] baseActions;
  private final int maxHistoryLength;
  private final int steps;
  private final int dimension;

  StateEncoder(int embeddingDimension, int[] baseActions, int maxHistoryLength, int steps) {
    this.embeddingDimension = embeddingDimension;
    this.baseActions = baseActions.clone();
    this.maxHistoryLength = maxHistoryLength;
    this.steps = steps;
    int d = embeddingDimension + 2;
    for (int n : baseActions) {
      d += n;
    }
    this.dimension = d;
  }

  int dimension() {
    return dimension;
  }

  int embeddingDimension() {
    return embeddingDimension;
  }

  /**
   * The state vector.
   *
   * @param embedding the raw user embedding, {@code embeddingDimension} finite values
   * @param current per pattern, the base action in the prompt, or {@link #NONE}
   * @param historyLength the history length currently chosen
   * @param step the episode's step, from 0
   */
  double[] encode(double[] embedding, int[] current, int historyLength, int step) {
    double[] x = new double[dimension];
    double norm = 0;
    for (double v : embedding) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      double scale = Math.sqrt(embeddingDimension) / norm;
      for (int i = 0; i < embeddingDimension; i++) {
        x[i] = embedding[i] * scale;
      }
    }
    int at = embeddingDimension;
    for (int p = 0; p < baseActions.length; p++) {
      if (current[p] != NONE) {
        x[at + current[p]] = 1;
      }
      at += baseActions[p];
    }
    x[at] = (double) historyLength / maxHistoryLength;
    x[at + 1] = (double) step / steps;
    return x;
  }

  /**
   * Checks a supplied embedding.
   *
   * @throws IllegalArgumentException naming the user if it has the wrong dimension or a
   *     non-finite value
   */
  double[] checked(String userId, double[] embedding) {
    if (embedding.length != embeddingDimension) {
      throw new IllegalArgumentException(
          "the user embedding of user " + userId + " has " + embedding.length + " values, not "
              + embeddingDimension + " like the others");
    }
    for (int i = 0; i < embedding.length; i++) {
      if (!Double.isFinite(embedding[i])) {
        throw new IllegalArgumentException(
            "the user embedding of user " + userId + " has a non-finite value at index " + i);
      }
    }
    return embedding;
  }

  /**
   * Embeds a user with {@code function}, which sees the user without its ground truth.
   *
   * @throws IllegalArgumentException naming the user if the embedding is null, or as {@link #checked}
   */
  static double[] embed(Function<UserCase, double[]> function, UserCase user) {
    UserCase blind = user.relevantItemIds().isEmpty()
        ? user
        : UserCase.forServing(user.userId(), user.history(), user.candidates());
    double[] e = function.apply(blind);
    if (e == null) {
      throw new IllegalArgumentException("the user embedding function returned null for user " + user.userId());
    }
    return e.clone();
  }

  /**
   * A seeded hashed bag-of-history embedding: every history item adds its id (weight 1) and each
   * word of its title of two or more letters or digits (weight {@value #WORD_WEIGHT}) to one of
   * {@code dimension} buckets with a ±1 sign, both chosen by a seeded 128-bit MurmurHash3 of the
   * feature (the hashing trick). Users who consumed the same items, or items with the same words,
   * get similar vectors.
   */
  static Function<UserCase, double[]> hashedHistory(int dimension, long seed) {
    HashFunction hash = Hashing.murmur3_128((int) (seed ^ (seed >>> 32)));
    return user -> {
      double[] e = new double[dimension];
      for (Item item : user.history()) {
        add(e, hash, "i\u0000" + item.id(), 1.0);
        for (String word : words(item.title())) {
          add(e, hash, "w\u0000" + word, WORD_WEIGHT);
        }
      }
      return e;
    };
  }

  static final double WORD_WEIGHT = 0.5;

  private static void add(double[] e, HashFunction hash, String feature, double weight) {
    long h = hash.hashString(feature, StandardCharsets.UTF_8).asLong();
    int bucket = (int) Math.floorMod(h, (long) e.length);
    e[bucket] += (h < 0 ? -1 : 1) * weight;
  }

  static List<String> words(String title) {
    return java.util.Arrays.stream(title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> w.length() >= 2)
        .toList();
  }
}
