package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.internal.Checks;
import dev.agp.internal.FitSupport;
import dev.agp.internal.LlmCalls;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.Ticker;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptBlocks;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.PromptTemplates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * AGP: learns one shared profile-generation prompt from position-based feedback, in weighted
 * batches with summarised textual updates (Wang et al., 2025).
 *
 * <pre>{@code
 * AgpModel model = AgpOptimizer.builder()
 *     .llm(llmClient)
 *     .domain("movie")
 *     .batchSize(10).epochs(10).historyLength(5)
 *     .checkpoint(Path.of("agp-checkpoint.json"))
 *     .build()
 *     .fit(trainUsers);
 * Ranking r = model.rerank(userCase);
 * }</pre>
 *
 * <p>Per training user: a profile from the last {@code historyLength} items with the current
 * prompt (PROFILE), a ranking from the profile (RERANK), position feedback computed in code and,
 * in {@link FeedbackMode#PAPER paper mode}, a critique (CRITIQUE) unless the relevant items are
 * already at their targets. Per batch: a weighted summary (SUMMARIZE) and the update (OPTIMIZE).
 * After each epoch the prompt is scored on the validation users (PROFILE and RERANK each) by
 * NDCG at the cutoff; the best prompt is kept and training stops after {@code patience} epochs
 * without improvement.
 *
 * <p>Calls run on {@code concurrency} threads, each step of a user's chain scheduled on its own
 * (a pool smaller than the batch still keeps every thread busy). A validation pass and the next
 * batch, which uses the same prompt, run together when that batch follows whatever the pass finds
 * (not when the pass may end the fit, so no call is made that the fit might not have made).
 * Results are gathered in schedule order, so the learned prompt is the same at any concurrency
 * for the same LLM answers. Instances are immutable and thread-safe; each {@link #fit} has its
 * own state.
 */
public final class AgpOptimizer {

  /** Users per batch (the paper's grid: 5, 10, 20). */
  public static final int DEFAULT_BATCH_SIZE = 10;
  /** Passes over the training users. */
  public static final int DEFAULT_EPOCHS = 10;
  /** History items a profile is written from (the paper's best: 5). */
  public static final int DEFAULT_HISTORY_LENGTH = 5;
  /** Epochs without a better validation score before training stops. */
  public static final int DEFAULT_PATIENCE = 3;
  /**
   * Calls in flight at once (each a step of some user's chain): at least the default batch size
   * and the paper's validation pass (20 users), so that neither waits on a second wave.
   */
  public static final int DEFAULT_CONCURRENCY = 20;
  /** The seed of every shuffle. */
  public static final long DEFAULT_SEED = 42;
  /** Share of the training users split off for validation when none are given. */
  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
  /** Share of a batch's users that may fail before the fit aborts. */
  public static final double DEFAULT_MAX_FAILURE_RATE = 0.2;
  /** The NDCG cutoff for feedback and validation. */
  public static final int DEFAULT_CUTOFF = 10;
  /** The word prompts use for what is recommended. */
  public static final String DEFAULT_DOMAIN = "item";
  /** Longest accepted profile prompt, in characters. */
  public static final int DEFAULT_MAX_PROMPT_CHARS = 4000;
  /** Longest profile passed on to reranking and critiques, in characters. */
  public static final int DEFAULT_MAX_PROFILE_CHARS = 2000;
  /** Longest item title shown, in characters. */
  public static final int DEFAULT_MAX_TITLE_CHARS = 200;
  /** Longest critique passed on to the summary, in characters. */
  public static final int DEFAULT_MAX_CRITIQUE_CHARS = 2000;
  /** Largest weighted feedback block sent to SUMMARIZE (or OPTIMIZE), in characters. */
  public static final int DEFAULT_MAX_FEEDBACK_CHARS = 12000;
  /** Longest summary passed on to the optimizer, in characters. */
  public static final int DEFAULT_MAX_SUMMARY_CHARS = 3000;
  /** Word limit asked of the summary. */
  public static final int DEFAULT_SUMMARY_WORDS = 250;
  /** Sampling temperature of every stage unless set: deterministic answers. */
  public static final double DEFAULT_TEMPERATURE = 0.0;
  /** Output token caps per stage. */
  public static final Map<Stage, Integer> DEFAULT_MAX_OUTPUT_TOKENS =
      Collections.unmodifiableMap(new EnumMap<>(Map.of(
          Stage.PROFILE, 400,
          Stage.RERANK, 300,
          Stage.CRITIQUE, 500,
          Stage.SUMMARIZE, 700,
          Stage.OPTIMIZE, 1500)));

  static final Set<Stage> AGP_STAGES =
      Set.of(Stage.PROFILE, Stage.RERANK, Stage.CRITIQUE, Stage.SUMMARIZE, Stage.OPTIMIZE);

  private final AgpSettings settings;
  private final @Nullable LlmClient llm;
  private final @Nullable ProfileGenerator profileGenerator;
  private final @Nullable Reranker reranker;
  private final @Nullable FeedbackCalculator feedbackCalculator;
  private final @Nullable BatchAggregator batchAggregator;
  private final @Nullable PromptOptimizer promptOptimizer;
  private final List<AgpListener> listeners;
  private final @Nullable Path checkpoint;
  private final Ticker ticker;

  private AgpOptimizer(Builder b, AgpSettings settings) {
    this.settings = settings;
    this.llm = b.llm;
    this.profileGenerator = b.profileGenerator;
    this.reranker = b.reranker;
    this.feedbackCalculator = b.feedbackCalculator;
    this.batchAggregator = b.batchAggregator;
    this.promptOptimizer = b.promptOptimizer;
    this.listeners = List.copyOf(b.listeners);
    this.checkpoint = b.checkpoint;
    this.ticker = b.ticker;
  }

  /** {@return a builder with every option at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this optimizer's options} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.llm = llm;
    b.domain = settings.domain();
    b.initialPrompt = settings.initialPrompt();
    b.batchSize = settings.batchSize();
    b.epochs = settings.epochs();
    b.historyLength = settings.historyLength();
    b.patience = settings.patience();
    b.concurrency = settings.concurrency();
    b.seed = settings.seed();
    b.validationFraction = settings.validationFraction();
    b.feedbackMode = settings.feedbackMode();
    b.summarize = settings.summarize();
    b.feedbackSignal = settings.signal();
    b.weighting = settings.weighting();
    b.greedyAcceptance = settings.greedyAcceptance();
    b.scoreInitialPrompt = settings.scoreInitialPrompt();
    b.maxFailureRate = settings.maxFailureRate();
    b.cutoff = settings.cutoff();
    AgpSettings.Limits l = settings.limits();
    b.maxTitleChars = l.title();
    b.shownAttributes = l.attributes();
    b.maxProfileChars = l.profile();
    b.maxCritiqueChars = l.critique();
    b.maxFeedbackChars = l.feedback();
    b.maxSummaryChars = l.summary();
    b.maxPromptChars = l.prompt();
    b.summaryWords = l.summaryWords();
    b.temperatures.putAll(settings.temperatures());
    b.maxOutputTokens.putAll(settings.maxOutputTokens());
    b.templates = settings.templates();
    b.profileGenerator = profileGenerator;
    b.reranker = reranker;
    b.feedbackCalculator = feedbackCalculator;
    b.batchAggregator = batchAggregator;
    b.promptOptimizer = promptOptimizer;
    b.listeners.addAll(listeners);
    b.checkpoint = checkpoint;
    b.ticker = ticker;
    return b;
  }

  /**
   * Learns a prompt on {@code train}, splitting a seeded {@code validationFraction} of it off for
   * validation.
   *
   * @param train the users to learn from; each needs a relevant item among its candidates
   * @return the model serving the selected prompt, with the fit's history
   * @throws NullPointerException if train is null
   * @throws IllegalArgumentException if there are fewer than 2 users to split, a user has no
   *     relevant items, or a user id repeats
   * @throws IllegalStateException if the checkpoint belongs to another configuration or cannot be
   *     read
   * @throws AgpFitException if a batch fails beyond {@code maxFailureRate}, a batch update fails,
   *     the budget runs out or the thread is interrupted (the checkpoint is written first)
   */
  public AgpModel fit(List<UserCase> train) {
    Split split = split(train);
    return fit(split.train, split.validation);
  }

  /**
   * Learns a prompt on {@code train}, selecting it on {@code validation}.
   *
   * @param train the users to learn from; each needs a relevant item among its candidates
   * @param validation the users the prompt is selected on; each needs a relevant item
   * @return the model serving the selected prompt, with the fit's history
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if either list is empty, a user has no relevant items, or a
   *     user id repeats within or across the lists
   * @throws IllegalStateException if the checkpoint belongs to another configuration or cannot be
   *     read
   * @throws AgpFitException if a batch fails beyond {@code maxFailureRate}, a batch update fails,
   *     the budget runs out or the thread is interrupted (the checkpoint is written first)
   */
  public AgpModel fit(List<UserCase> train, List<UserCase> validation) {
    validateUsers(train, validation);
    return new AgpRun(this, List.copyOf(train), List.copyOf(validation)).run();
  }

  /**
   * The calls a {@link #fit(List)} would make, with the same validation split, before any call.
   *
   * @param train the users {@link #fit(List)} would get
   * @return the planned calls and tokens per stage
   * @throws IllegalArgumentException as {@link #fit(List)}
   */
  public CallEstimate estimate(List<UserCase> train) {
    Split split = split(train);
    return estimate(split.train, split.validation);
  }

  /**
   * The calls a {@link #fit(List, List)} would make, before any call.
   *
   * @param train the users {@link #fit(List, List)} would learn from
   * @param validation the users it would select on
   * @return the planned calls and tokens per stage
   * @throws IllegalArgumentException as {@link #fit(List, List)}
   */
  public CallEstimate estimate(List<UserCase> train, List<UserCase> validation) {
    validateUsers(train, validation);
    return Estimates.of(settings, train, validation);
  }

  /**
   * A model that serves {@code prompt} with this configuration, without training: for scoring a
   * hand-written prompt, or serving a prompt learned elsewhere.
   *
   * @param prompt the profile prompt to serve
   * @return the model
   * @throws IllegalStateException if no LlmClient was given and a serving step needs one
   */
  public AgpModel model(ProfilePrompt prompt) {
    requireNonNull(prompt, "prompt");
    LlmUsageMeter meter = new LlmUsageMeter(ticker);
    Pipeline p = pipeline(meter);
    return new AgpModel(prompt, p.profiles(), p.reranker(), meter, FitHistory.EMPTY, settings);
  }

  /**
   * The prompt a fit starts from: the one given to {@link Builder#initialPrompt}, else the
   * built-in default for the domain. {@code model(initialPrompt())} serves it untrained, the
   * control a learned prompt should beat.
   *
   * @return the initial prompt
   */
  public ProfilePrompt initialPrompt() {
    return settings.initialPrompt();
  }

  AgpSettings settings() {
    return settings;
  }

  List<AgpListener> listeners() {
    return listeners;
  }

  Optional<Path> checkpointPath() {
    return Optional.ofNullable(checkpoint);
  }

  Ticker ticker() {
    return ticker;
  }

  /** The pipeline steps, the LLM-backed ones calling through {@code meter}. */
  Pipeline pipeline(LlmUsageMeter meter) {
    LlmCalls calls =
        llm == null ? null : new LlmCalls(meter.wrap(llm), settings.temperatures(), settings.maxOutputTokens());
    PromptTemplates t = settings.templates();
    AgpSettings.Limits l = settings.limits();
    String domain = settings.domain();
    ProfileGenerator pg =
        profileGenerator != null
            ? profileGenerator
            : new LlmProfileGenerator(requireCalls(calls), t.get(TemplateName.PROFILE), domain, settings.historyLength(), l);
    Reranker rr =
        reranker != null ? reranker : new LlmListwiseReranker(requireCalls(calls), t.get(TemplateName.RERANK), domain, l);
    FeedbackCalculator fc =
        feedbackCalculator != null ? feedbackCalculator : new PositionFeedbackCalculator(settings.cutoff(), l.title(), domain);
    LlmCritic critic =
        settings.critiques()
            ? new LlmCritic(requireCalls(calls), t.get(TemplateName.CRITIQUE), domain, settings.historyLength(), l)
            : null;
    BatchAggregator ba = batchAggregator != null ? batchAggregator : new WeightedBatchAggregator(calls, settings);
    PromptOptimizer po =
        promptOptimizer != null ? promptOptimizer : new LlmPromptOptimizer(requireCalls(calls), t.get(TemplateName.OPTIMIZE), domain, l);
    return new Pipeline(pg, rr, fc, critic, ba, po);
  }

  private static LlmCalls requireCalls(@Nullable LlmCalls calls) {
    if (calls == null) {
      throw new IllegalStateException("no LlmClient: set llm(...)");
    }
    return calls;
  }

  /** The steps of one fit. {@code critic} is null when no per-user critique is made. */
  record Pipeline(
      ProfileGenerator profiles,
      Reranker reranker,
      FeedbackCalculator feedback,
      @Nullable LlmCritic critic,
      BatchAggregator aggregator,
      PromptOptimizer optimizer) {}

  private record Split(List<UserCase> train, List<UserCase> validation) {}

  private Split split(List<UserCase> users) {
    requireNonNull(users, "train");
    for (int i = 0; i < users.size(); i++) {
      requireNonNull(users.get(i), "train[" + i + "]"); // named by the caller's index, before the split
    }
    if (users.size() < 2) {
      throw new IllegalArgumentException(
          "train has " + users.size() + " user(s): at least 2 are needed to split validation users off,"
              + " or pass validation users to fit(train, validation)");
    }
    int v = (int) Math.max(1, Math.round(users.size() * settings.validationFraction()));
    v = Math.min(v, users.size() - 1);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      order.add(i);
    }
    Set<Integer> chosen = new HashSet<>(Seeds.shuffle(order, settings.seed(), Seeds.VALIDATION_SPLIT).subList(0, v));
    List<UserCase> train = new ArrayList<>();
    List<UserCase> validation = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      (chosen.contains(i) ? validation : train).add(users.get(i));
    }
    return new Split(train, validation);
  }

  private static void validateUsers(List<UserCase> train, List<UserCase> validation) {
    FitSupport.requireFitUsers("AGP learns from where relevant items are ranked",
        new FitSupport.NamedUsers("train", train), new FitSupport.NamedUsers("validation", validation));
  }

  /**
   * Options of an {@link AgpOptimizer}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value; {@link #build()} throws
   * {@link IllegalStateException} for options that conflict.
   */
  public static final class Builder {
    private @Nullable LlmClient llm;
    private String domain = DEFAULT_DOMAIN;
    private @Nullable ProfilePrompt initialPrompt;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int epochs = DEFAULT_EPOCHS;
    private int historyLength = DEFAULT_HISTORY_LENGTH;
    private int patience = DEFAULT_PATIENCE;
    private int concurrency = DEFAULT_CONCURRENCY;
    private long seed = DEFAULT_SEED;
    private double validationFraction = DEFAULT_VALIDATION_FRACTION;
    private FeedbackMode feedbackMode = FeedbackMode.PAPER;
    private boolean summarize = true;
    private FeedbackSignal feedbackSignal = FeedbackSignal.POSITIONS;
    private WeightScheme weighting = WeightScheme.POSITION;
    private boolean greedyAcceptance = false;
    private boolean scoreInitialPrompt = true;
    private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
    private int cutoff = DEFAULT_CUTOFF;
    private int maxTitleChars = DEFAULT_MAX_TITLE_CHARS;
    private List<String> shownAttributes = List.of();
    private int maxProfileChars = DEFAULT_MAX_PROFILE_CHARS;
    private int maxCritiqueChars = DEFAULT_MAX_CRITIQUE_CHARS;
    private int maxFeedbackChars = DEFAULT_MAX_FEEDBACK_CHARS;
    private int maxSummaryChars = DEFAULT_MAX_SUMMARY_CHARS;
    private int maxPromptChars = DEFAULT_MAX_PROMPT_CHARS;
    private int summaryWords = DEFAULT_SUMMARY_WORDS;
    private final Map<Stage, Double> temperatures = new EnumMap<>(Stage.class);
    private final Map<Stage, Integer> maxOutputTokens = new EnumMap<>(DEFAULT_MAX_OUTPUT_TOKENS);
    private PromptTemplates templates = PromptTemplates.defaults();
    private @Nullable ProfileGenerator profileGenerator;
    private @Nullable Reranker reranker;
    private @Nullable FeedbackCalculator feedbackCalculator;
    private @Nullable BatchAggregator batchAggregator;
    private @Nullable PromptOptimizer promptOptimizer;
    private final List<AgpListener> listeners = new ArrayList<>();
    private @Nullable Path checkpoint;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {
      for (Stage s : AGP_STAGES) {
        temperatures.put(s, DEFAULT_TEMPERATURE);
      }
    }

    /**
     * The LLM every built-in step calls. Required unless every LLM step is supplied.
     *
     * @param llm the client every built-in step sends its requests to
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
     * The prompt to start from; by default the built-in {@link
     * TemplateName#INITIAL_PROFILE_PROMPT}.
     *
     * @param prompt the prompt's text
     * @return this builder
     */
    public Builder initialPrompt(String prompt) {
      requireNonNull(prompt, "initialPrompt");
      if (prompt.isBlank()) {
        throw new IllegalArgumentException("initialPrompt must not be blank");
      }
      this.initialPrompt = new ProfilePrompt(prompt);
      return this;
    }

    /**
     * Users per batch, {@code >= 1} (default {@value AgpOptimizer#DEFAULT_BATCH_SIZE}).
     *
     * @param batchSize the number of users per batch
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = Checks.atLeast("batchSize", batchSize, 1);
      return this;
    }

    /**
     * Maximum passes over the training users, {@code >= 1} (default {@value
     * AgpOptimizer#DEFAULT_EPOCHS}).
     *
     * @param epochs the most epochs
     * @return this builder
     */
    public Builder epochs(int epochs) {
      this.epochs = Checks.atLeast("epochs", epochs, 1);
      return this;
    }

    /**
     * History items a profile is written from, {@code >= 1} (default {@value
     * AgpOptimizer#DEFAULT_HISTORY_LENGTH}).
     *
     * @param historyLength the number of history items
     * @return this builder
     */
    public Builder historyLength(int historyLength) {
      this.historyLength = Checks.atLeast("historyLength", historyLength, 1);
      return this;
    }

    /**
     * Epochs without improvement before stopping, {@code >= 1} (default {@value
     * AgpOptimizer#DEFAULT_PATIENCE}).
     *
     * @param patience the epochs without improvement tolerated
     * @return this builder
     */
    public Builder patience(int patience) {
      this.patience = Checks.atLeast("patience", patience, 1);
      return this;
    }

    /**
     * Calls in flight at once (steps of users' chains), {@code >= 1} (default {@value
     * AgpOptimizer#DEFAULT_CONCURRENCY}); never changes results. Keep the LLM client's own bound
     * (such as {@code LlmClients.Builder.maxConcurrentCalls}) at least as high.
     *
     * @param concurrency the calls in flight at once
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.atLeast("concurrency", concurrency, 1);
      return this;
    }

    /**
     * The seed of the validation split and the per-epoch shuffles; any value, 0 included.
     *
     * @param seed the seed of the split and the shuffles
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Share of the users {@link #fit(List)} splits off for validation, in (0, 1) (default 0.2).
     *
     * @param fraction the validation share
     * @return this builder
     */
    public Builder validationFraction(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("validationFraction must be in (0, 1) but was " + fraction);
      }
      this.validationFraction = fraction;
      return this;
    }

    /**
     * Per-user critiques ({@link FeedbackMode#PAPER}, default) or folded into the summary.
     *
     * @param mode the feedback mode
     * @return this builder
     */
    public Builder feedbackMode(FeedbackMode mode) {
      this.feedbackMode = requireNonNull(mode, "feedbackMode");
      return this;
    }

    /**
     * Whether a SUMMARIZE call condenses the batch's feedback (default true; false is the paper's
     * ablation).
     *
     * @param summarize false to pass the weighted feedback on unsummarised
     * @return this builder
     */
    public Builder summarize(boolean summarize) {
      this.summarize = summarize;
      return this;
    }

    /**
     * Position-based feedback (default) or the score-only ablation.
     *
     * @param signal the feedback signal
     * @return this builder
     */
    public Builder feedbackSignal(FeedbackSignal signal) {
      this.feedbackSignal = requireNonNull(signal, "feedbackSignal");
      return this;
    }

    /**
     * How users are weighted in a batch (default {@link WeightScheme#POSITION}).
     *
     * @param weighting how a user's share of the batch feedback is set
     * @return this builder
     */
    public Builder weighting(WeightScheme weighting) {
      this.weighting = requireNonNull(weighting, "weighting");
      return this;
    }

    /**
     * Re-score each batch with the proposed prompt and keep it only if it scores higher (default
     * off).
     *
     * @param greedy true to accept only updates that score higher
     * @return this builder
     */
    public Builder greedyAcceptance(boolean greedy) {
      this.greedyAcceptance = greedy;
      return this;
    }

    /**
     * Score the initial prompt on validation users so it can be selected (default true).
     *
     * @param score false to leave the initial prompt out of selection
     * @return this builder
     */
    public Builder scoreInitialPrompt(boolean score) {
      this.scoreInitialPrompt = score;
      return this;
    }

    /**
     * Share of a batch's users that may fail before the fit aborts, in [0, 1] (default 0.2).
     *
     * @param rate the largest failed share
     * @return this builder
     */
    public Builder maxFailureRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("maxFailureRate must be in [0, 1] but was " + rate);
      }
      this.maxFailureRate = rate;
      return this;
    }

    /**
     * The NDCG cutoff of feedback and validation, {@code >= 1} (default {@value
     * AgpOptimizer#DEFAULT_CUTOFF}).
     *
     * @param cutoff the k of NDCG@k
     * @return this builder
     */
    public Builder cutoff(int cutoff) {
      this.cutoff = Checks.atLeast("cutoff", cutoff, 1);
      return this;
    }

    /**
     * Longest accepted prompt in characters, {@code >= 50} (default {@value
     * AgpOptimizer#DEFAULT_MAX_PROMPT_CHARS}).
     *
     * @param chars the longest prompt
     * @return this builder
     */
    public Builder maxPromptChars(int chars) {
      this.maxPromptChars = Checks.atLeast("maxPromptChars", chars, 50);
      return this;
    }

    /**
     * Item attributes shown after each title in history and candidate blocks, in this order, for
     * example {@code List.of("genres", "year")} ({@code " | genres: Comedy, Drama; year: 1995"}):
     * items lacking one simply do not show it; at most {@value
     * dev.agp.prompt.PromptBlocks#MAX_ATTRIBUTE_CHARS} characters per item, neutralised like
     * titles. Default none: titles only, the paper's prompts. Saved with the model, so serving
     * shows what training showed.
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
     * Longest profile passed on, {@code >= 50} (default {@value
     * AgpOptimizer#DEFAULT_MAX_PROFILE_CHARS}).
     *
     * @param chars the longest profile
     * @return this builder
     */
    public Builder maxProfileChars(int chars) {
      this.maxProfileChars = Checks.atLeast("maxProfileChars", chars, 50);
      return this;
    }

    /**
     * Longest title shown, {@code >= 10} (default {@value AgpOptimizer#DEFAULT_MAX_TITLE_CHARS}).
     *
     * @param chars the longest title
     * @return this builder
     */
    public Builder maxTitleChars(int chars) {
      this.maxTitleChars = Checks.atLeast("maxTitleChars", chars, 10);
      return this;
    }

    /**
     * Longest critique passed on, {@code >= 50} (default {@value
     * AgpOptimizer#DEFAULT_MAX_CRITIQUE_CHARS}).
     *
     * @param chars the longest critique
     * @return this builder
     */
    public Builder maxCritiqueChars(int chars) {
      this.maxCritiqueChars = Checks.atLeast("maxCritiqueChars", chars, 50);
      return this;
    }

    /**
     * Largest weighted feedback block, {@code >= 200} (default {@value
     * AgpOptimizer#DEFAULT_MAX_FEEDBACK_CHARS}).
     *
     * @param chars the largest feedback block
     * @return this builder
     */
    public Builder maxFeedbackChars(int chars) {
      this.maxFeedbackChars = Checks.atLeast("maxFeedbackChars", chars, 200);
      return this;
    }

    /**
     * Longest summary passed on, {@code >= 100} (default {@value
     * AgpOptimizer#DEFAULT_MAX_SUMMARY_CHARS}).
     *
     * @param chars the longest summary
     * @return this builder
     */
    public Builder maxSummaryChars(int chars) {
      this.maxSummaryChars = Checks.atLeast("maxSummaryChars", chars, 100);
      return this;
    }

    /**
     * Word limit asked of the summary, {@code >= 20} (default {@value
     * AgpOptimizer#DEFAULT_SUMMARY_WORDS}).
     *
     * @param words the word limit
     * @return this builder
     */
    public Builder summaryWords(int words) {
      this.summaryWords = Checks.atLeast("summaryWords", words, 20);
      return this;
    }

    /**
     * The sampling temperature of every AGP stage, in [0, 2] (default 0).
     *
     * @param temperature the temperature of every stage
     * @return this builder
     */
    public Builder temperature(double temperature) {
      Checks.temperature(temperature);
      for (Stage s : AGP_STAGES) {
        temperatures.put(s, temperature);
      }
      return this;
    }

    /**
     * The sampling temperature of one stage, in [0, 2].
     *
     * @param stage the stage it applies to
     * @param temperature the stage's temperature
     * @return this builder
     */
    public Builder temperature(Stage stage, double temperature) {
      requireNonNull(stage, "stage");
      Checks.temperature(temperature);
      temperatures.put(stage, temperature);
      return this;
    }

    /**
     * The output token cap of one stage, {@code >= 1}.
     *
     * @param stage the stage it applies to
     * @param tokens the most output tokens of that stage's calls
     * @return this builder
     */
    public Builder maxOutputTokens(Stage stage, int tokens) {
      requireNonNull(stage, "stage");
      maxOutputTokens.put(stage, Checks.atLeast("maxOutputTokens", tokens, 1));
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
    public Builder template(TemplateName name, String text) {
      this.templates = templates.with(requireNonNull(name, "name"), requireNonNull(text, "text"));
      return this;
    }

    /**
     * Replaces the profile step.
     *
     * @param generator writes a user's profile from its history and the prompt
     * @return this builder
     */
    public Builder profileGenerator(ProfileGenerator generator) {
      this.profileGenerator = requireNonNull(generator, "profileGenerator");
      return this;
    }

    /**
     * Replaces the reranking step.
     *
     * @param reranker ranks a user's candidates given the profile
     * @return this builder
     */
    public Builder reranker(Reranker reranker) {
      this.reranker = requireNonNull(reranker, "reranker");
      return this;
    }

    /**
     * Replaces the feedback step.
     *
     * @param calculator turns a ranking into position feedback
     * @return this builder
     */
    public Builder feedbackCalculator(FeedbackCalculator calculator) {
      this.feedbackCalculator = requireNonNull(calculator, "feedbackCalculator");
      return this;
    }

    /**
     * Replaces the batch aggregation and summarising step.
     *
     * @param aggregator weighs and summarises a batch's feedback
     * @return this builder
     */
    public Builder batchAggregator(BatchAggregator aggregator) {
      this.batchAggregator = requireNonNull(aggregator, "batchAggregator");
      return this;
    }

    /**
     * Replaces the prompt update step.
     *
     * @param optimizer proposes the next prompt from the batch's feedback
     * @return this builder
     */
    public Builder promptOptimizer(PromptOptimizer optimizer) {
      this.promptOptimizer = requireNonNull(optimizer, "promptOptimizer");
      return this;
    }

    /**
     * Adds a progress listener.
     *
     * @param listener told about the fit's progress, batches, validations and calls
     * @return this builder
     */
    public Builder listener(AgpListener listener) {
      this.listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Writes the fit's state to {@code path} after every batch and validation (atomically), and
     * resumes from it when it exists and was written with the same configuration and users.
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
     * @throws IllegalStateException if no LlmClient is set while a built-in step needs one, or
     *     the initial prompt is longer than {@code maxPromptChars}
     */
    public AgpOptimizer build() {
      AgpSettings settings = settings();
      if (llm == null) {
        List<String> needing = new ArrayList<>();
        if (profileGenerator == null) {
          needing.add("profileGenerator");
        }
        if (reranker == null) {
          needing.add("reranker");
        }
        if (settings.critiques()) {
          needing.add("per-user critiques (FeedbackMode.PAPER)");
        }
        if (batchAggregator == null && settings.summarizes()) {
          needing.add("batchAggregator (summarize)");
        }
        if (promptOptimizer == null) {
          needing.add("promptOptimizer");
        }
        if (!needing.isEmpty()) {
          throw new IllegalStateException("llm(...) is required: the built-in steps " + needing + " call the LLM");
        }
      }
      return new AgpOptimizer(this, settings);
    }

    /** The options resolved and cross-checked, without requiring an LlmClient. */
    AgpSettings settings() {
      ProfilePrompt start =
          initialPrompt != null
              ? initialPrompt
              : new ProfilePrompt(
                  PromptBlocks.fill(
                          PromptTemplate.parse("INITIAL_PROFILE_PROMPT", templates.text(TemplateName.INITIAL_PROFILE_PROMPT)),
                          Map.of("domain", domain))
                      .get(0)
                      .text());
      if (start.text().length() > maxPromptChars) {
        throw new IllegalStateException(
            "the initial prompt has " + start.text().length() + " characters, more than maxPromptChars " + maxPromptChars);
      }
      return new AgpSettings(
          domain, start, batchSize, epochs, historyLength, patience, concurrency, seed, validationFraction,
          feedbackMode, summarize, feedbackSignal, weighting, greedyAcceptance, scoreInitialPrompt,
          maxFailureRate, cutoff,
          new AgpSettings.Limits(
              maxTitleChars, maxProfileChars, maxCritiqueChars, maxFeedbackChars, maxSummaryChars,
              maxPromptChars, summaryWords, shownAttributes),
          Map.copyOf(temperatures), Map.copyOf(maxOutputTokens), templates);
    }
  }
}
