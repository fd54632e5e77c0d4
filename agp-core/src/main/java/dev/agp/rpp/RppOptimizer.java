package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import dev.agp.CallEstimate;
import dev.agp.UserCase;
import dev.agp.internal.Checks;
import dev.agp.internal.FitSupport;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmClient;
import dev.agp.llm.Stage;
import dev.agp.llm.Ticker;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * RPP and RPP+: learns, per user, which sentence of each prompt pattern to use, with one
 * actor-critic agent per pattern (Mao et al., ACM TOIS 2025).
 *
 * <pre>{@code
 * RppModel model = RppOptimizer.builder()
 *     .llm(llmClient)
 *     .domain("movie")
 *     .userEmbedding(lightGcn::userVector)   // optional; else a hashed bag-of-history embedding
 *     .refine(true)                          // RPP+; false (default) is RPP
 *     .checkpoint(Path.of("rpp-checkpoint.json"))
 *     .build()
 *     .fit(trainUsers);
 * Ranking r = model.rerank(userCase);         // one RPP_RANK call (RPP+: and one RPP_REFINE call)
 * }</pre>
 *
 * <p><b>The loop.</b> Every one of {@code iterations} passes visits the training users in a
 * seeded order, in batches of {@code batchSize}. For each user the four agents sample an action
 * from the user's state (see {@link RppModel} for the featurisation), the prompt those actions
 * assemble is sent once ({@link Stage#RPP_RANK}), and the reward is the NDCG at the cutoff of the
 * parsed ranking. A batch's calls run concurrently on {@code concurrency} threads; the updates
 * are then applied one user at a time in schedule order, each agent with its own TD error {@code
 * δ = r + γ V(s') − V(s)} ({@code γ = discount}), where {@code s'} is the user's state after the
 * step (the chosen actions in the prompt, the history length reached, one step further). A user's
 * episode has one step per iteration; the last step bootstraps from {@code V(s')} (the horizon
 * truncates the episode, it does not end it). Sampling streams are seeded per (iteration, user),
 * so results are the same at any concurrency for the same LLM answers.
 *
 * <p><b>Serving</b> ({@link RppModel#rerank}) rolls each user's episode forward from its start for
 * the trained number of steps ({@code iterations}), every agent taking its most likely action, and
 * sends the last step's prompt: the state it decides in is one training visited at its last
 * iteration. The state holds nothing serving cannot know (no reward, no held-out item), so the
 * roll-forward costs no call. {@link RppModel} documents the featurisation.
 *
 * <p><b>History range.</b> The history agent's actions add 0, 1 or 2 items at every step, starting
 * from {@code initialHistoryLength} (default {@value #DEFAULT_INITIAL_HISTORY_LENGTH}) and capped
 * at {@code maxHistoryLength} (default {@value #DEFAULT_MAX_HISTORY_LENGTH}) and by the user's
 * history: over the default 15 steps a prompt can show 5 to 20 items. With {@code
 * maxHistoryLength == initialHistoryLength} the agent has nothing to choose.
 *
 * <p><b>RPP+</b> ({@code refine(true)}), our reading of a part the authors did not publish: before
 * every ranking call, at training and at serving, one {@link Stage#RPP_REFINE} call asks the LLM
 * to rewrite the chosen role, reasoning and format sentences for the user at hand (the history
 * increment has no sentence to rewrite), and the ranking call uses the rewrites; the agents learn
 * which sentences to start from. A rewrite is used for its own user's call only. A rewrite of a
 * <em>base</em> sentence joins the shared action space only on evidence from several users: when
 * the rankings of at least {@code refineMinUsers} distinct training users used that same rewrite
 * (ignoring case and spacing) with a mean reward (one, the latest, per user) of at least {@code
 * refineMinReward}; best mean first, at most {@code maxRefinedSentences} per pattern, a full
 * pattern's weakest refined sentence replaced only by a better mean. A user-specific rewrite of an
 * admitted sentence is never admitted, so the action space never holds a rewrite of a rewrite. A
 * new action starts with the policy preferences of the base sentence it was refined from.
 *
 * <p><b>Output caps.</b> A ranking call may use the largest output cap its chosen actions carry
 * ({@link Builder#outputTokens}; the built-in reasoning sentences that ask for visible work carry
 * {@value #DEFAULT_REASONING_OUTPUT_TOKENS}), else the {@link Stage#RPP_RANK} stage cap; answers
 * that use their whole allowance are counted as truncated in the usage.
 *
 * <p><b>RPP-untrained</b> ({@link #untrained()}) serves every agent's default action to every user:
 * the fixed prompt RPP starts from, to compare a fit against.
 *
 * <p><b>Candidates</b> are shown in base order by default, or in a per-user seeded shuffle
 * ({@code shuffleCandidates(true)}, the same at training and serving), never with the held-out
 * item at a fixed position.
 *
 * <p>Instances are immutable and thread-safe; each {@link #fit} has its own state.
 */
public final class RppOptimizer {

  /** Passes over the training users. */
  public static final int DEFAULT_ITERATIONS = 15;
  /** Users whose calls run before their updates are applied. */
  public static final int DEFAULT_BATCH_SIZE = 10;
  /**
   * Users processed at once: at least the default batch size, so that a batch's users all run in
   * one wave (8, below the batch of 10, took two); as {@link dev.agp.AgpOptimizer#DEFAULT_CONCURRENCY}.
   */
  public static final int DEFAULT_CONCURRENCY = 20;
  /** The seed of every random stream. */
  public static final long DEFAULT_SEED = 42;
  /** The discount γ of the TD error. */
  public static final double DEFAULT_DISCOUNT = 0.95;
  /**
   * Adam's step size for the policies: the paper's. In our scripted two-kind world (the right
   * reasoning sentence depends on the kind of user) it learns the per-kind choice with the paper's
   * 100 training users (at least 98% right picks for held-out users of each kind on 8 of 8 seeds),
   * but not reliably with 50 (as low as 14% for one kind); with 50 users, 1e-3 for both networks
   * gave 100% on 8 of 8 seeds. Raise both rates when training on few users.
   */
  public static final double DEFAULT_ACTOR_LEARNING_RATE = 3e-4;
  /** Adam's step size for the value functions: the paper's (see {@link #DEFAULT_ACTOR_LEARNING_RATE}). */
  public static final double DEFAULT_CRITIC_LEARNING_RATE = 5e-4;
  /** Hidden tanh units of every policy and value network. */
  public static final int DEFAULT_HIDDEN_UNITS = 32;
  /** History items shown before the history agent adds any (the reference code's {@code ini_len}). */
  public static final int DEFAULT_INITIAL_HISTORY_LENGTH = 5;
  /**
   * The most history items the history agent can reach: 15 more than the initial length, room
   * for the agent to act at every default step (+0, +1 or +2 each).
   */
  public static final int DEFAULT_MAX_HISTORY_LENGTH = 20;
  /** Buckets of the hashed bag-of-history embedding. */
  public static final int DEFAULT_EMBEDDING_DIMENSION = 64;
  /** RPP+: refined sentences each pattern may add. */
  public static final int DEFAULT_MAX_REFINED_SENTENCES = 5;
  /**
   * RPP+: the mean reward a rewrite must earn over the users whose rankings used it to join the
   * action space (0.63 is the held-out item at position 2).
   */
  public static final double DEFAULT_REFINE_MIN_REWARD = 0.6;
  /** RPP+: the distinct training users whose rankings must have used a rewrite before it may join. */
  public static final int DEFAULT_REFINE_MIN_USERS = 3;
  /** RPP+: longest accepted rewrite, in characters. */
  public static final int DEFAULT_MAX_SENTENCE_CHARS = 300;
  /** Share of a batch's users that may fail before the fit aborts. */
  public static final double DEFAULT_MAX_FAILURE_RATE = 0.2;
  /** The NDCG cutoff of the reward. */
  public static final int DEFAULT_CUTOFF = 10;
  /** The word prompts use for what is recommended. */
  public static final String DEFAULT_DOMAIN = "item";
  /** Longest item title shown, in characters. */
  public static final int DEFAULT_MAX_TITLE_CHARS = 200;
  /** Sampling temperature of both stages unless set: deterministic answers. */
  public static final double DEFAULT_TEMPERATURE = 0.0;
  /**
   * The output cap of a ranking answer when a built-in reasoning sentence asking for visible work
   * is in the prompt (the reference code's cap for every call). Other answers are only the labels
   * and keep the {@link Stage#RPP_RANK} stage cap.
   */
  public static final int DEFAULT_REASONING_OUTPUT_TOKENS = 1024;
  /** Output token caps per stage; a ranking call takes its actions' caps when they carry one. */
  public static final Map<Stage, Integer> DEFAULT_MAX_OUTPUT_TOKENS =
      Collections.unmodifiableMap(new EnumMap<>(Map.of(Stage.RPP_RANK, 300, Stage.RPP_REFINE, 600)));

  /** The most sentences one pattern may offer (built-in or given). */
  public static final int MAX_SENTENCES = 26;

  static final Set<Stage> RPP_STAGES = Set.of(Stage.RPP_RANK, Stage.RPP_REFINE);
  /** The stream of the hashed embedding's seed. */
  static final long EMBEDDING_STREAM = 0x454D42L;

  private final RppSettings settings;
  private final LlmClient llm;
  private final @Nullable Function<UserCase, double[]> userEmbedding;
  private final List<RppListener> listeners;
  private final @Nullable Path checkpoint;
  private final Ticker ticker;
  private final Builder origin;

  private RppOptimizer(Builder b, RppSettings settings, LlmClient llm) {
    this.settings = settings;
    this.llm = llm;
    this.userEmbedding = b.userEmbedding;
    this.listeners = List.copyOf(b.listeners);
    this.checkpoint = b.checkpoint;
    this.ticker = b.ticker;
    this.origin = b.copy();
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this optimizer's options} */
  public Builder toBuilder() {
    return origin.copy();
  }

  /**
   * Learns the agents' policies on {@code train}.
   *
   * @param train the users to learn from; each needs a relevant item among its candidates
   * @return the model, with the fit's history
   * @throws NullPointerException if train or a user is null
   * @throws IllegalArgumentException if train is empty, a user has no relevant item, has too many
   *     candidates or repeats an id, or a supplied user embedding is malformed
   * @throws IllegalStateException if the checkpoint belongs to another configuration or cannot be
   *     read
   * @throws RppFitException if a batch fails beyond {@code maxFailureRate}, the budget runs out or
   *     the thread is interrupted (the checkpoint is written first)
   */
  public RppModel fit(List<UserCase> train) {
    validateUsers(train);
    return new RppRun(this, List.copyOf(train)).run();
  }

  /**
   * "RPP-untrained": a model that sends every user the prompt of every agent's default action (no
   * role, the initial history length, the first reasoning and output-format sentences), one
   * {@link Stage#RPP_RANK} call per user, without training and without RPP+'s refinement. The
   * fixed-prompt control that shows what {@link #fit} learned; it needs no user embedding and
   * makes no call until it reranks.
   *
   * @return the untrained model
   */
  public RppModel untrained() {
    RppSettings u = settings.withEmbedding(false, settings.embeddingDimension());
    StateEncoder encoder = new StateEncoder(u.embeddingDimension(), u.baseActions(), u.maxHistoryLength(), u.iterations());
    Map<PromptPattern, Agent> agents = new EnumMap<>(PromptPattern.class);
    int[] base = u.baseActions();
    for (PromptPattern p : PromptPattern.values()) {
      agents.put(p, new Agent(encoder.dimension(), u.hiddenUnits(), base[p.ordinal()], u.capacity(p),
          u.actorLearningRate(), u.criticLearningRate(), Seeds.mix(u.seed(), RppRun.NETWORK_STREAM + p.ordinal())));
    }
    dev.agp.llm.LlmUsageMeter meter = new dev.agp.llm.LlmUsageMeter(ticker);
    return new RppModel(u, new Policy(u, encoder, agents, ActionSpace.of(u)),
        StateEncoder.hashedHistory(u.embeddingDimension(), Seeds.mix(u.seed(), EMBEDDING_STREAM)),
        new dev.agp.internal.LlmCalls(meter.wrap(llm), u.temperatures(), u.maxOutputTokens()), meter,
        RppHistory.EMPTY, true);
  }

  /**
   * The calls a {@link #fit} would make, before any call.
   *
   * @param train the users {@link #fit} would get
   * @return the planned calls and tokens per stage
   * @throws NullPointerException if train or a user is null
   * @throws IllegalArgumentException as {@link #fit}
   */
  public CallEstimate estimate(List<UserCase> train) {
    validateUsers(train);
    return RppEstimates.of(settings, train);
  }

  /**
   * The calls {@link RppModel#rerank} makes per user once this optimizer has fit: 2 for RPP+, else
   * 1.
   *
   * @return the calls per user: 1 or 2
   */
  public int servingCallsPerUser() {
    return settings.refine() ? 2 : 1;
  }

  RppSettings settings() {
    return settings;
  }

  LlmClient llm() {
    return llm;
  }

  /** The embedding function: the caller's, or the seeded hashed bag-of-history one. */
  Function<UserCase, double[]> embedding() {
    return userEmbedding != null
        ? userEmbedding
        : StateEncoder.hashedHistory(settings.embeddingDimension(), Seeds.mix(settings.seed(), EMBEDDING_STREAM));
  }

  List<RppListener> listeners() {
    return listeners;
  }

  Optional<Path> checkpointPath() {
    return Optional.ofNullable(checkpoint);
  }

  Ticker ticker() {
    return ticker;
  }

  private static void validateUsers(List<UserCase> train) {
    FitSupport.requireFitUsers("RPP's reward is the NDCG of the relevant items", new FitSupport.NamedUsers("train", train));
  }

  /**
   * Options of an {@link RppOptimizer}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value; {@link #build()} throws
   * {@link IllegalStateException} for options that conflict.
   */
  public static final class Builder {
    private @Nullable LlmClient llm;
    private String domain = DEFAULT_DOMAIN;
    private int iterations = DEFAULT_ITERATIONS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int concurrency = DEFAULT_CONCURRENCY;
    private long seed = DEFAULT_SEED;
    private double discount = DEFAULT_DISCOUNT;
    private double actorLearningRate = DEFAULT_ACTOR_LEARNING_RATE;
    private double criticLearningRate = DEFAULT_CRITIC_LEARNING_RATE;
    private int hiddenUnits = DEFAULT_HIDDEN_UNITS;
    private int initialHistoryLength = DEFAULT_INITIAL_HISTORY_LENGTH;
    private int maxHistoryLength = DEFAULT_MAX_HISTORY_LENGTH;
    private int embeddingDimension = DEFAULT_EMBEDDING_DIMENSION;
    private boolean embeddingDimensionSet;
    private @Nullable Function<UserCase, double[]> userEmbedding;
    private boolean shuffleCandidates;
    private boolean refine;
    private int maxRefinedSentences = DEFAULT_MAX_REFINED_SENTENCES;
    private double refineMinReward = DEFAULT_REFINE_MIN_REWARD;
    private int refineMinUsers = DEFAULT_REFINE_MIN_USERS;
    private int maxSentenceChars = DEFAULT_MAX_SENTENCE_CHARS;
    private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
    private int cutoff = DEFAULT_CUTOFF;
    private int maxTitleChars = DEFAULT_MAX_TITLE_CHARS;
    private List<String> shownAttributes = List.of();
    private final Map<Stage, Double> temperatures = new EnumMap<>(Stage.class);
    private final Map<Stage, Integer> maxOutputTokens = new EnumMap<>(DEFAULT_MAX_OUTPUT_TOKENS);
    private final Map<PromptPattern, Map<Integer, Integer>> actionOutputTokens = new EnumMap<>(PromptPattern.class);
    private final Map<PromptPattern, List<String>> sentences = new EnumMap<>(PromptPattern.class);
    private final Map<RppTemplate, String> templates = new EnumMap<>(RppTemplate.class);
    private final List<RppListener> listeners = new ArrayList<>();
    private @Nullable Path checkpoint;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {
      for (Stage s : RPP_STAGES) {
        temperatures.put(s, DEFAULT_TEMPERATURE);
      }
    }

    Builder copy() {
      Builder b = new Builder();
      b.llm = llm;
      b.domain = domain;
      b.iterations = iterations;
      b.batchSize = batchSize;
      b.concurrency = concurrency;
      b.seed = seed;
      b.discount = discount;
      b.actorLearningRate = actorLearningRate;
      b.criticLearningRate = criticLearningRate;
      b.hiddenUnits = hiddenUnits;
      b.initialHistoryLength = initialHistoryLength;
      b.maxHistoryLength = maxHistoryLength;
      b.embeddingDimension = embeddingDimension;
      b.embeddingDimensionSet = embeddingDimensionSet;
      b.userEmbedding = userEmbedding;
      b.shuffleCandidates = shuffleCandidates;
      b.refine = refine;
      b.maxRefinedSentences = maxRefinedSentences;
      b.refineMinReward = refineMinReward;
      b.refineMinUsers = refineMinUsers;
      b.maxSentenceChars = maxSentenceChars;
      b.maxFailureRate = maxFailureRate;
      b.cutoff = cutoff;
      b.maxTitleChars = maxTitleChars;
      b.shownAttributes = shownAttributes;
      b.temperatures.putAll(temperatures);
      b.maxOutputTokens.putAll(maxOutputTokens);
      actionOutputTokens.forEach((p, m) -> b.actionOutputTokens.put(p, new java.util.TreeMap<>(m)));
      b.sentences.putAll(sentences);
      b.templates.putAll(templates);
      b.listeners.addAll(listeners);
      b.checkpoint = checkpoint;
      b.ticker = ticker;
      return b;
    }

    /**
     * The LLM that ranks (and, for RPP+, refines). Required.
     *
     * @param llm the client that ranks and refines
     * @return this builder
     */
    public Builder llm(LlmClient llm) {
      this.llm = requireNonNull(llm, "llm");
      return this;
    }

    /**
     * The word prompts use for what is recommended: "movie", "book", "business", ...
     *
     * @param domain the word, for example {@code movie}
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = Checks.domain(requireNonNull(domain, "domain"));
      return this;
    }

    /**
     * Passes over the training users, {@code >= 1} (default {@value
     * RppOptimizer#DEFAULT_ITERATIONS}).
     *
     * @param iterations the number of iterations
     * @return this builder
     */
    public Builder iterations(int iterations) {
      this.iterations = Checks.atLeast("iterations", iterations, 1);
      return this;
    }

    /**
     * Users whose calls run before their updates are applied, {@code >= 1} (default {@value
     * RppOptimizer#DEFAULT_BATCH_SIZE}); a checkpoint is written after each batch.
     *
     * @param batchSize the number of users per batch
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = Checks.atLeast("batchSize", batchSize, 1);
      return this;
    }

    /**
     * Users processed at once, {@code >= 1} (default {@value RppOptimizer#DEFAULT_CONCURRENCY});
     * never changes results.
     *
     * @param concurrency the number of users at once
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.atLeast("concurrency", concurrency, 1);
      return this;
    }

    /**
     * The seed of the networks, the schedules, the action sampling and the hashing; any value, 0
     * included.
     *
     * @param seed the seed of every random choice of the fit
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The discount γ of the TD error, in [0, 1) (default {@value RppOptimizer#DEFAULT_DISCOUNT}).
     *
     * @param discount the discount γ
     * @return this builder
     */
    public Builder discount(double discount) {
      if (!(discount >= 0 && discount < 1)) {
        throw new IllegalArgumentException("discount must be in [0, 1) but was " + discount);
      }
      this.discount = discount;
      return this;
    }

    /**
     * Adam's step size for the policies, in (0, 1] (default {@value
     * RppOptimizer#DEFAULT_ACTOR_LEARNING_RATE}).
     *
     * @param rate the learning rate
     * @return this builder
     */
    public Builder actorLearningRate(double rate) {
      this.actorLearningRate = rate("actorLearningRate", rate);
      return this;
    }

    /**
     * Adam's step size for the value functions, in (0, 1] (default {@value
     * RppOptimizer#DEFAULT_CRITIC_LEARNING_RATE}).
     *
     * @param rate the learning rate
     * @return this builder
     */
    public Builder criticLearningRate(double rate) {
      this.criticLearningRate = rate("criticLearningRate", rate);
      return this;
    }

    /**
     * Hidden units of every network, in [1, 1024] (default {@value
     * RppOptimizer#DEFAULT_HIDDEN_UNITS}).
     *
     * @param units the number of hidden units
     * @return this builder
     */
    public Builder hiddenUnits(int units) {
      this.hiddenUnits = Checks.between("hiddenUnits", units, 1, 1024);
      return this;
    }

    /**
     * History items shown before the history agent adds any, {@code >= 0} (default {@value
     * RppOptimizer#DEFAULT_INITIAL_HISTORY_LENGTH}).
     *
     * @param length the initial history length
     * @return this builder
     */
    public Builder initialHistoryLength(int length) {
      this.initialHistoryLength = Checks.atLeast("initialHistoryLength", length, 0);
      return this;
    }

    /**
     * The most history items the history agent can reach, {@code >= 1} (default {@value
     * RppOptimizer#DEFAULT_MAX_HISTORY_LENGTH}).
     *
     * @param length the longest history
     * @return this builder
     */
    public Builder maxHistoryLength(int length) {
      this.maxHistoryLength = Checks.atLeast("maxHistoryLength", length, 1);
      return this;
    }

    /**
     * Buckets of the hashed bag-of-history embedding used when no {@link #userEmbedding} is
     * given, in [2, 4096] (default {@value RppOptimizer#DEFAULT_EMBEDDING_DIMENSION}).
     *
     * @param dimension the number of buckets
     * @return this builder
     */
    public Builder embeddingDimension(int dimension) {
      this.embeddingDimension = Checks.between("embeddingDimension", dimension, 2, 4096);
      this.embeddingDimensionSet = true;
      return this;
    }

    /**
     * The user part of the agents' state, for example the base recommender's user vector. The
     * function sees each user without its ground truth and must return the same number of finite
     * values for every user; it is called once per training user per fit and once per {@link
     * RppModel#rerank}. Without it, a seeded hashed bag-of-history embedding is used.
     *
     * @param embedding the user's vector, from a case without ground truth
     * @return this builder
     */
    public Builder userEmbedding(Function<UserCase, double[]> embedding) {
      this.userEmbedding = requireNonNull(embedding, "userEmbedding");
      return this;
    }

    /**
     * Show candidates in a per-user seeded shuffle instead of base order (default false).
     *
     * @param shuffle true to shuffle
     * @return this builder
     */
    public Builder shuffleCandidates(boolean shuffle) {
      this.shuffleCandidates = shuffle;
      return this;
    }

    /**
     * RPP+ when true: refine the chosen sentences per user and grow the action spaces (default
     * false: RPP).
     *
     * @param refine true for RPP+
     * @return this builder
     */
    public Builder refine(boolean refine) {
      this.refine = refine;
      return this;
    }

    /**
     * RPP+: refined sentences each pattern may add, in [1, 100] (default {@value
     * RppOptimizer#DEFAULT_MAX_REFINED_SENTENCES}).
     *
     * @param max the most refined sentences per pattern
     * @return this builder
     */
    public Builder maxRefinedSentences(int max) {
      this.maxRefinedSentences = Checks.between("maxRefinedSentences", max, 1, 100);
      return this;
    }

    /**
     * RPP+: the mean reward a rewrite must earn, over the users whose rankings used it, to join
     * the action space, in [0, 1] (default {@value RppOptimizer#DEFAULT_REFINE_MIN_REWARD}).
     *
     * @param reward the least mean reward
     * @return this builder
     */
    public Builder refineMinReward(double reward) {
      this.refineMinReward = Checks.between("refineMinReward", reward, 0, 1);
      return this;
    }

    /**
     * RPP+: the distinct training users whose rankings must have used the same rewrite before it
     * may join the action space, in [2, 1000] (default {@value RppOptimizer#DEFAULT_REFINE_MIN_USERS}):
     * a sentence written for one user is never served to others on that user's evidence alone.
     *
     * @param users the least number of users
     * @return this builder
     */
    public Builder refineMinUsers(int users) {
      this.refineMinUsers = Checks.between("refineMinUsers", users, 2, 1000);
      return this;
    }

    /**
     * RPP+: longest accepted rewrite, in [20, 2000] characters (default {@value
     * RppOptimizer#DEFAULT_MAX_SENTENCE_CHARS}).
     *
     * @param chars the longest rewrite
     * @return this builder
     */
    public Builder maxSentenceChars(int chars) {
      this.maxSentenceChars = Checks.between("maxSentenceChars", chars, 20, 2000);
      return this;
    }

    /**
     * Share of a batch's users that may fail before the fit aborts, in [0, 1] (default 0.2).
     *
     * @param rate the largest failed share
     * @return this builder
     */
    public Builder maxFailureRate(double rate) {
      this.maxFailureRate = Checks.between("maxFailureRate", rate, 0, 1);
      return this;
    }

    /**
     * The NDCG cutoff of the reward, {@code >= 1} (default {@value RppOptimizer#DEFAULT_CUTOFF}).
     *
     * @param cutoff the k of the reward's NDCG@k
     * @return this builder
     */
    public Builder cutoff(int cutoff) {
      this.cutoff = Checks.atLeast("cutoff", cutoff, 1);
      return this;
    }

    /**
     * Item attributes shown after each title, as {@link dev.agp.AgpOptimizer.Builder#shownAttributes}
     * (default none); saved with the model.
     *
     * @param keys the attribute keys, in the order shown
     * @return this builder
     * @throws NullPointerException if the list or a key is null
     * @throws IllegalArgumentException if a key is blank or repeated
     */
    public Builder shownAttributes(List<String> keys) {
      this.shownAttributes = Checks.attributeKeys(keys);
      return this;
    }

    /**
     * Longest title shown, {@code >= 10} (default {@value RppOptimizer#DEFAULT_MAX_TITLE_CHARS}).
     *
     * @param chars the longest title
     * @return this builder
     */
    public Builder maxTitleChars(int chars) {
      this.maxTitleChars = Checks.atLeast("maxTitleChars", chars, 10);
      return this;
    }

    /**
     * The sampling temperature of both RPP stages, in [0, 2] (default 0).
     *
     * @param temperature the temperature of both stages
     * @return this builder
     */
    public Builder temperature(double temperature) {
      Checks.temperature(temperature);
      for (Stage s : RPP_STAGES) {
        temperatures.put(s, temperature);
      }
      return this;
    }

    /**
     * The sampling temperature of {@link Stage#RPP_RANK} or {@link Stage#RPP_REFINE}, in [0, 2].
     *
     * @param stage {@link Stage#RPP_RANK} or {@link Stage#RPP_REFINE}
     * @param temperature the stage's temperature
     * @return this builder
     */
    public Builder temperature(Stage stage, double temperature) {
      Stage s = rppStage(stage);
      Checks.temperature(temperature);
      temperatures.put(s, temperature);
      return this;
    }

    /**
     * The output token cap of {@link Stage#RPP_RANK} or {@link Stage#RPP_REFINE}, {@code >= 1}.
     *
     * @param stage {@link Stage#RPP_RANK} or {@link Stage#RPP_REFINE}
     * @param tokens the most output tokens of that stage's calls
     * @return this builder
     */
    public Builder maxOutputTokens(Stage stage, int tokens) {
      Stage s = rppStage(stage);
      maxOutputTokens.put(s, Checks.atLeast("maxOutputTokens", tokens, 1));
      return this;
    }

    /**
     * The output cap of a {@link Stage#RPP_RANK} answer when action {@code action} of {@code
     * pattern} is in the prompt (RPP+ sentences take their base sentence's cap). A ranking call
     * gets the largest cap among its actions, or the stage cap ({@link #maxOutputTokens}) when none
     * of them carries one. Replaces a built-in cap ({@link PromptPattern} lists them); replacing a
     * pattern's {@link #sentences} drops its built-in caps but keeps the ones set here.
     *
     * @param pattern the pattern the action belongs to
     * @param action the action of the pattern, 0-based
     * @param tokens the most output tokens of a rank answer under that action
     * @return this builder
     * @throws IllegalArgumentException if action is negative or tokens below 1
     */
    public Builder outputTokens(PromptPattern pattern, int action, int tokens) {
      requireNonNull(pattern, "pattern");
      Checks.atLeast("action", action, 0);
      Checks.atLeast("outputTokens", tokens, 1);
      actionOutputTokens.computeIfAbsent(pattern, p -> new java.util.TreeMap<>()).put(action, tokens);
      return this;
    }

    /**
     * Replaces the built-in sentences of {@code pattern}. {@code {{domain}}} is replaced by the
     * domain word; a blank sentence is an action that adds none. {@link
     * PromptPattern#HISTORY_RECORDS} takes exactly one sentence (its actions are increments).
     *
     * @param pattern the pattern whose sentences are replaced
     * @param sentences the sentences, in action order
     * @return this builder
     * @throws IllegalArgumentException if the list is empty, longer than {@value
     *     RppOptimizer#MAX_SENTENCES}, repeats a sentence, a sentence spans lines or is longer
     *     than 1000 characters, or the history pattern gets other than one non-blank sentence
     */
    public Builder sentences(PromptPattern pattern, List<String> sentences) {
      requireNonNull(pattern, "pattern");
      requireNonNull(sentences, "sentences");
      String name = "sentences(" + pattern + ")";
      if (sentences.isEmpty() || sentences.size() > MAX_SENTENCES) {
        throw new IllegalArgumentException(name + " must hold 1 to " + MAX_SENTENCES + " sentences but held " + sentences.size());
      }
      List<String> clean = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < sentences.size(); i++) {
        String s = requireNonNull(sentences.get(i), name + "[" + i + "]").strip();
        if (s.contains("\n") || s.contains("\r") || s.length() > 1000) {
          throw new IllegalArgumentException(name + "[" + i + "] must be one line of at most 1000 characters");
        }
        if (!seen.add(s.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(name + "[" + i + "] repeats the sentence \"" + s + "\"");
        }
        clean.add(s);
      }
      if (pattern == PromptPattern.HISTORY_RECORDS && (clean.size() != 1 || clean.get(0).isEmpty())) {
        throw new IllegalArgumentException(
            name + " must be exactly one non-blank sentence: the history agent's actions are the increments "
                + PromptPattern.HISTORY_INCREMENTS);
      }
      this.sentences.put(pattern, List.copyOf(clean));
      return this;
    }

    /**
     * Replaces a built-in prompt template.
     *
     * @param name the template to replace
     * @param text the replacement's text
     * @return this builder
     * @throws IllegalArgumentException if the text lacks a required placeholder or uses an
     *     unknown one
     */
    public Builder template(RppTemplate name, String text) {
      requireNonNull(name, "name");
      requireNonNull(text, "text");
      PromptTemplate.parse(name.name(), text).requirePlaceholders(name.required(), name.allowed());
      templates.put(name, text);
      return this;
    }

    /**
     * Adds a progress listener.
     *
     * @param listener told about the fit's progress, batches, iterations and calls
     * @return this builder
     */
    public Builder listener(RppListener listener) {
      this.listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Writes the fit's state to {@code path} after every batch (atomically), and resumes from it
     * when it exists and was written with the same configuration and users.
     *
     * @param path the checkpoint file
     * @return this builder
     */
    public Builder checkpoint(Path path) {
      this.checkpoint = requireNonNull(path, "checkpoint");
      return this;
    }

    /**
     * The time source for call latencies (tests use a fake one).
     *
     * @param ticker the time source; {@link Ticker#systemTicker()} by default
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * @return the optimizer
     * @throws IllegalStateException if no LlmClient is set, {@code maxHistoryLength} is below
     *     {@code initialHistoryLength}, {@code embeddingDimension} is set together with a {@code
     *     userEmbedding}, an {@link #outputTokens} action is beyond its pattern's actions, or RPP+
     *     is on but every sentence pattern offers a blank sentence (a prompt could have nothing to
     *     refine, and RPP+ plans one refinement call per prompt)
     */
    public RppOptimizer build() {
      if (llm == null) {
        throw new IllegalStateException("llm(...) is required: every RPP step calls the LLM");
      }
      return new RppOptimizer(this, settings(), llm);
    }

    /** The options resolved and cross-checked, without requiring an LlmClient. */
    RppSettings settings() {
      if (maxHistoryLength < initialHistoryLength) {
        throw new IllegalStateException(
            "maxHistoryLength " + maxHistoryLength + " is below initialHistoryLength " + initialHistoryLength);
      }
      if (embeddingDimensionSet && userEmbedding != null) {
        throw new IllegalStateException(
            "embeddingDimension applies to the hashed embedding; a userEmbedding brings its own dimension");
      }
      Map<PromptPattern, List<String>> resolved = new EnumMap<>(PromptPattern.class);
      for (PromptPattern p : PromptPattern.values()) {
        List<String> given = sentences.get(p);
        resolved.put(p, given != null ? PromptPattern.substitute(given, domain) : p.builtInSentences(domain));
      }
      if (refine
          && java.util.Arrays.stream(PromptPattern.values())
              .filter(PromptPattern::choosesSentences)
              .allMatch(p -> resolved.get(p).stream().anyMatch(String::isEmpty))) {
        throw new IllegalStateException(
            "refine(true) needs a sentence pattern without a blank sentence, so that every prompt has a"
                + " sentence to rewrite; every pattern's sentences include a blank one");
      }
      Map<PromptPattern, List<Integer>> caps = new EnumMap<>(PromptPattern.class);
      for (PromptPattern p : PromptPattern.values()) {
        int n = p == PromptPattern.HISTORY_RECORDS ? PromptPattern.HISTORY_INCREMENTS.size() : resolved.get(p).size();
        List<Integer> list = new ArrayList<>(java.util.Collections.nCopies(n, 0));
        if (sentences.get(p) == null && p.choosesSentences()) {
          List<Integer> builtIn = p.builtInOutputTokens();
          for (int a = 0; a < n && a < builtIn.size(); a++) {
            list.set(a, builtIn.get(a));
          }
        }
        for (Map.Entry<Integer, Integer> e : actionOutputTokens.getOrDefault(p, Map.of()).entrySet()) {
          if (e.getKey() >= n) {
            throw new IllegalStateException(
                "outputTokens(" + p + ", " + e.getKey() + ", ...): " + p + " has only " + n + " actions");
          }
          list.set(e.getKey(), e.getValue());
        }
        caps.put(p, list);
      }
      Map<RppTemplate, String> texts = new EnumMap<>(RppTemplate.class);
      for (RppTemplate t : RppTemplate.values()) {
        texts.put(t, templates.getOrDefault(t, t.builtIn()));
      }
      return new RppSettings(
          domain, iterations, batchSize, concurrency, seed, discount, actorLearningRate, criticLearningRate,
          hiddenUnits, initialHistoryLength, maxHistoryLength, embeddingDimension, userEmbedding != null,
          shuffleCandidates, refine, maxRefinedSentences, refineMinReward, refineMinUsers, maxSentenceChars, maxFailureRate,
          cutoff, maxTitleChars, temperatures, maxOutputTokens, caps, resolved, texts, shownAttributes);
    }

    private static Stage rppStage(Stage stage) {
      requireNonNull(stage, "stage");
      if (!RPP_STAGES.contains(stage)) {
        throw new IllegalArgumentException("stage must be RPP_RANK or RPP_REFINE but was " + stage);
      }
      return stage;
    }

    private static double rate(String name, double rate) {
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException(name + " must be in (0, 1] but was " + rate);
      }
      return rate;
    }
  }
}
