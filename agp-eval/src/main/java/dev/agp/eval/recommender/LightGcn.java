package dev.agp.eval.recommender;

import static java.util.Objects.requireNonNull;

import dev.agp.eval.LooSplit;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * LightGCN (He et al., 2020) in plain Java: the collaborative base of the AGP paper.
 *
 * <ul>
 *   <li><b>Graph.</b> The user-item graph of the training interactions, normalised {@code
 *       D^-1/2 A D^-1/2} (edge weight {@code 1/sqrt(deg(u) deg(i))}).
 *   <li><b>Propagation.</b> {@code layers} rounds of neighbour averaging without weights or
 *       non-linearities; the final embedding is the mean of layer 0 to {@code layers}.
 *   <li><b>Loss.</b> BPR over (user, consumed item, sampled unconsumed item) triples, one per
 *       training edge per epoch, plus {@code l2} times half the squared norm of the triple's
 *       layer-0 embeddings, averaged over the batch.
 *   <li><b>Optimiser.</b> Adam on the layer-0 embeddings (initialised normal, std 0.1), gradients
 *       propagated back through the graph every batch.
 *   <li><b>Selection.</b> Every {@code evalEvery} epochs, NDCG@10 of the validation items over all
 *       items the user has not consumed; the best epoch's embeddings are kept and training stops
 *       after {@code patience} evaluations without improvement.
 * </ul>
 *
 * <p><b>Determinism.</b> Initialisation, edge order and negative samples come from {@code seed}.
 * Graph propagation, the Adam update and scoring run on {@code threads} threads by rows; every
 * value is computed by one thread in a fixed order, so the trained model is bit-for-bit the same
 * at any thread count. Sampling and the BPR gradient are sequential (they are cheap); the next
 * batch's negatives are drawn on a background thread while the current batch trains, in the
 * same order as drawn inline.
 *
 * <p><b>Speed.</b> The inner loops (propagation, Adam, validation scoring) run on the Java Vector
 * API when the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code agp}
 * command line does this by itself), else on plain Java loops; both compute the same bits, so the
 * choice changes only the speed. {@link TrainingLog#kernel()} says which ran; the system property
 * {@code agp.lightgcn.kernel} ({@code auto}, {@code vector}, {@code scalar}) forces one.
 *
 * <pre>{@code
 * LightGcnModel base = LightGcn.builder().dimension(64).layers(3).epochs(100).seed(42).build().fit(split);
 * List<String> top10 = base.recommend(userId, history, 10);
 * }</pre>
 */
public final class LightGcn {

  /** Embedding size. */
  public static final int DEFAULT_DIMENSION = 64;
  /** Propagation rounds. */
  public static final int DEFAULT_LAYERS = 3;
  /** Most epochs. */
  public static final int DEFAULT_EPOCHS = 200;
  /**
   * Triples per Adam step. Larger than the LightGCN paper's 2048: every step propagates through
   * the whole graph twice, so fewer, larger steps (with a larger learning rate) reach the same
   * validation score in a quarter of the time on a CPU.
   */
  public static final int DEFAULT_BATCH_SIZE = 8192;
  /** Adam's step size. */
  public static final double DEFAULT_LEARNING_RATE = 0.01;
  /** Weight of the L2 penalty. */
  public static final double DEFAULT_L2 = 1e-4;
  /** Epochs between validation scorings. */
  public static final int DEFAULT_EVAL_EVERY = 5;
  /** Scorings without improvement before stopping. */
  public static final int DEFAULT_PATIENCE = 4;
  /** The seed of initialisation, edge order and negative sampling. */
  public static final long DEFAULT_SEED = 42;

  final int dimension;
  final int layers;
  final int epochs;
  final int batchSize;
  final double learningRate;
  final double l2;
  final int evalEvery;
  final int patience;
  final long seed;
  final int threads;
  final Consumer<EpochStats> listener;
  final @Nullable Kernel kernel;

  private LightGcn(Builder b) {
    this.dimension = b.dimension;
    this.layers = b.layers;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.learningRate = b.learningRate;
    this.l2 = b.l2;
    this.evalEvery = b.evalEvery;
    this.patience = b.patience;
    this.seed = b.seed;
    this.threads = b.threads;
    this.listener = b.listener;
    this.kernel = b.kernel;
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The inner loops a fit in this JVM runs on: the Vector API kernel when the JVM has {@code
   * jdk.incubator.vector}, else the scalar one (with how to get the other). Both compute the same
   * bits. The first call starts the vector kernel's JIT warm-up on a background thread (a second
   * or so of one core); fits run on the scalar kernel until it is done, so calling this before
   * loading data lets the warm-up happen meanwhile.
   *
   * @return a description such as "Vector API (jdk.incubator.vector, 512-bit, 16 float lanes)"
   * @throws IllegalStateException if {@code -Dagp.lightgcn.kernel=vector} and the module is missing
   */
  public static String kernel() {
    return Kernel.select().name();
  }

  /**
   * Trains on the split's training interactions, selecting the epoch by its validation items.
   *
   * @param split the split whose training interactions are learned from
   * @return the trained model
   * @throws NullPointerException if split is null
   * @throws IllegalArgumentException if the split has no training interactions
   */
  public LightGcnModel fit(LooSplit split) {
    return new LightGcnTrainer(this, TrainingSet.of(split)).train();
  }

  /**
   * One epoch of training.
   *
   * @param epoch 1-based
   * @param loss mean BPR loss over the epoch's triples (the L2 term excluded)
   * @param validationNdcg NDCG@10 of the validation items when scored this epoch
   * @param validationRecall Recall@10 (= hit rate) of the validation items when scored
   * @param elapsed time since training started
   * @param trainingTime this epoch's training steps (sampling, propagation, gradients, Adam)
   * @param propagationTime the part of {@code trainingTime} spent propagating through the graph
   *     (forward and back), the sparse kernel's share
   * @param validationTime this epoch's validation scoring, zero when not scored
   */
  public record EpochStats(
      int epoch,
      double loss,
      OptionalDouble validationNdcg,
      OptionalDouble validationRecall,
      Duration elapsed,
      Duration trainingTime,
      Duration propagationTime,
      Duration validationTime) {

    /**
     * @param epoch 1-based
     * @param loss mean BPR loss over the epoch's triples (the L2 term excluded)
     * @param validationNdcg NDCG@10 of the validation items when scored this epoch
     * @param validationRecall Recall@10 (= hit rate) of the validation items when scored
     * @param elapsed time since training started
     * @param trainingTime this epoch's training steps (sampling, propagation, gradients, Adam)
     * @param propagationTime the part of {@code trainingTime} spent propagating through the graph
     *     (forward and back), the sparse kernel's share
     * @param validationTime this epoch's validation scoring, zero when not scored
     * @throws NullPointerException if an argument is null
     */
    public EpochStats {
      requireNonNull(validationNdcg, "validationNdcg");
      requireNonNull(validationRecall, "validationRecall");
      requireNonNull(elapsed, "elapsed");
      requireNonNull(trainingTime, "trainingTime");
      requireNonNull(propagationTime, "propagationTime");
      requireNonNull(validationTime, "validationTime");
    }
  }

  /**
   * What a fit did.
   *
   * @param epochs every epoch run, in order
   * @param bestEpoch the epoch whose embeddings were kept
   * @param bestValidationNdcg its validation NDCG@10 (0 without validation users)
   * @param validationUsers users with a validation item
   * @param users users in the graph
   * @param items items in the graph
   * @param edges distinct user-item edges
   * @param threads threads used
   * @param trainingTime wall time of the whole fit
   * @param kernel the inner loops that ran: the Vector API kernel, or the scalar one and how to get
   *     the vector one (both give the same bits; the first steps of a JVM's first fit may run on the
   *     scalar one while the vector one is compiled, which is logged)
   */
  public record TrainingLog(
      List<EpochStats> epochs,
      int bestEpoch,
      double bestValidationNdcg,
      int validationUsers,
      int users,
      int items,
      long edges,
      int threads,
      Duration trainingTime,
      String kernel) {

    /**
     * @param epochs every epoch run, in order
     * @param bestEpoch the epoch whose embeddings were kept
     * @param bestValidationNdcg its validation NDCG@10 (0 without validation users)
     * @param validationUsers users with a validation item
     * @param users users in the graph
     * @param items items in the graph
     * @param edges distinct user-item edges
     * @param threads threads used
     * @param trainingTime wall time of the whole fit
     * @param kernel the inner loops that ran: the Vector API kernel, or the scalar one and how to
     *     get the vector one (both give the same bits; the first steps of a JVM's first fit may run
     *     on the scalar one while the vector one is compiled, which is logged)
     * @throws NullPointerException if an argument is null
     */
    public TrainingLog {
      epochs = List.copyOf(epochs);
      requireNonNull(trainingTime, "trainingTime");
      requireNonNull(kernel, "kernel");
    }
  }

  /**
   * Options of {@link LightGcn}. Setters throw {@link NullPointerException} for null and {@link
   * IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private int dimension = DEFAULT_DIMENSION;
    private int layers = DEFAULT_LAYERS;
    private int epochs = DEFAULT_EPOCHS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private double learningRate = DEFAULT_LEARNING_RATE;
    private double l2 = DEFAULT_L2;
    private int evalEvery = DEFAULT_EVAL_EVERY;
    private int patience = DEFAULT_PATIENCE;
    private long seed = DEFAULT_SEED;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Consumer<EpochStats> listener = e -> { };
    private @Nullable Kernel kernel;

    private Builder() {}

    /**
     * Embedding size, {@code >= 1} (default {@value LightGcn#DEFAULT_DIMENSION}).
     *
     * @param d the embedding size
     * @return this builder
     */
    public Builder dimension(int d) {
      this.dimension = atLeast("dimension", d, 1);
      return this;
    }

    /**
     * Propagation rounds, {@code >= 0} (default {@value LightGcn#DEFAULT_LAYERS}; 0 is matrix
     * factorisation).
     *
     * @param k the number of layers
     * @return this builder
     */
    public Builder layers(int k) {
      this.layers = atLeast("layers", k, 0);
      return this;
    }

    /**
     * Most epochs, {@code >= 1} (default {@value LightGcn#DEFAULT_EPOCHS}).
     *
     * @param n the most epochs
     * @return this builder
     */
    public Builder epochs(int n) {
      this.epochs = atLeast("epochs", n, 1);
      return this;
    }

    /**
     * Triples per step, {@code >= 1} (default {@value LightGcn#DEFAULT_BATCH_SIZE}).
     *
     * @param n the batch size
     * @return this builder
     */
    public Builder batchSize(int n) {
      this.batchSize = atLeast("batchSize", n, 1);
      return this;
    }

    /**
     * Adam's step size, {@code > 0} (default {@value LightGcn#DEFAULT_LEARNING_RATE}).
     *
     * @param lr the learning rate
     * @return this builder
     */
    public Builder learningRate(double lr) {
      if (!(lr > 0 && Double.isFinite(lr))) {
        throw new IllegalArgumentException("learningRate must be > 0 but was " + lr);
      }
      this.learningRate = lr;
      return this;
    }

    /**
     * L2 weight, {@code >= 0} (default {@value LightGcn#DEFAULT_L2}).
     *
     * @param l2 the L2 regularisation weight
     * @return this builder
     */
    public Builder l2(double l2) {
      if (!(l2 >= 0 && Double.isFinite(l2))) {
        throw new IllegalArgumentException("l2 must be >= 0 but was " + l2);
      }
      this.l2 = l2;
      return this;
    }

    /**
     * Epochs between validation scorings, {@code >= 1} (default {@value
     * LightGcn#DEFAULT_EVAL_EVERY}).
     *
     * @param n the epochs between scorings
     * @return this builder
     */
    public Builder evalEvery(int n) {
      this.evalEvery = atLeast("evalEvery", n, 1);
      return this;
    }

    /**
     * Scorings without improvement before stopping, {@code >= 1} (default {@value
     * LightGcn#DEFAULT_PATIENCE}).
     *
     * @param n the scorings without improvement tolerated
     * @return this builder
     */
    public Builder patience(int n) {
      this.patience = atLeast("patience", n, 1);
      return this;
    }

    /**
     * The seed; any value, 0 included.
     *
     * @param seed the seed of initialisation, edge order and negative sampling
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Threads for propagation and scoring, {@code >= 1} (default: available processors); never
     * changes results.
     *
     * @param n the number of threads
     * @return this builder
     */
    public Builder threads(int n) {
      this.threads = atLeast("threads", n, 1);
      return this;
    }

    /**
     * Called after every epoch, on the training thread.
     *
     * @param listener told each epoch's statistics
     * @return this builder
     */
    public Builder listener(Consumer<EpochStats> listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Forces a kernel (tests comparing them); by default {@link Kernel#select()} chooses. */
    Builder kernel(Kernel kernel) {
      this.kernel = requireNonNull(kernel, "kernel");
      return this;
    }

    /** {@return the trainer} */
    public LightGcn build() {
      return new LightGcn(this);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + " but was " + v);
      }
      return v;
    }
  }
}
