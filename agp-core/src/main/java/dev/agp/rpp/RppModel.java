package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import dev.agp.AnswerParseException;
import dev.agp.CallEstimate;
import dev.agp.CaseReranker;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Checks;
import dev.agp.internal.LlmCalls;
import dev.agp.internal.SavedModels;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learned RPP (or RPP+) agents, ready to serve. {@link #rerank} sends one {@link Stage#RPP_RANK}
 * call with the prompt {@link #choose} assembles; RPP+ first sends one {@link Stage#RPP_REFINE}
 * call that rewrites the chosen sentences for the user being served. The ground truth of the case
 * is never looked at (the embedding function receives the user without it). Thread-safe.
 *
 * <p><b>Serving follows the trained state path.</b> Training moves every user through one episode
 * step per iteration. To decide in the states training visited, {@link #choose} starts the user's
 * episode where training did (no action yet, the initial history length, step 0) and rolls it
 * forward for the trained number of steps, each agent taking its most likely action and the state
 * moving on exactly as in training (the chosen actions become the current ones, the history
 * length grows by the history agent's increment, the step advances); the last step's choice is
 * served. This costs no call: nothing in the state needs a reward or an answer.
 *
 * <p><b>State featurisation</b> (what the agents see): the user embedding — the caller's function
 * (for example the base recommender's user vector) or a seeded hashed bag-of-history embedding in
 * which every history item adds its id and its title words to signed buckets — L2-normalised and
 * scaled to norm √d; then, per pattern, a one-hot of the base action currently in the user's
 * prompt (all zero at the first step; an RPP+ sentence counts as the sentence it was refined
 * from); the chosen history length over the maximum; and the step over the number of steps. Each
 * agent is a one-hidden-layer tanh network for the softmax policy and another for the value.
 *
 * <p><b>RPP+ at serving.</b> The chosen sentences (base sentences, or rewrites admitted during the
 * fit on the evidence of several users) are rewritten for the user in one call; the rewrites are
 * used for this user's ranking only and never stored. A missing or oversized rewrite keeps the
 * chosen sentence (counted as a rejected update of {@link Stage#RPP_REFINE}); a failed
 * refinement call sends the chosen sentences unrefined (counted in {@link #served()}). Every
 * served user costs exactly two calls, which {@link #estimate} plans.
 *
 * <p><b>Output caps.</b> A ranking call may use the largest output cap its actions carry (the
 * built-in reasoning sentences asking for visible work carry {@value
 * RppOptimizer#DEFAULT_REASONING_OUTPUT_TOKENS} tokens), else the stage cap; an answer that uses
 * its whole allowance is counted as truncated in {@link #usage()}.
 *
 * <p>{@link #save(Path)} writes a versioned JSON document (the settings, the action spaces with
 * RPP+'s refined sentences, the networks, the fit's history and usage; never a key); {@link
 * #load(Path, LlmClient)} reads it back. A model trained with a supplied user embedding needs that
 * function again: {@link #load(Path, LlmClient, Function)}. {@link #save(OutputStream)} and
 * {@link #load(InputStream, LlmClient)} do the same over streams, for a model shipped inside an
 * application's jar as a classpath resource.
 */
public final class RppModel implements CaseReranker {

  /** The {@code format} field of a saved model. */
  public static final String FORMAT = "rpp-model";

  /**
   * The document version this release writes and reads. Version 1 models (whose agents saw the
   * last reward and were served at the first step) cannot be served consistently: retrain them.
   */
  public static final int VERSION = 2;

  static final String HASHED = "hashed";
  static final String SUPPLIED = "supplied";
  private static final String STREAM = "the stream";

  private static final Logger log = LoggerFactory.getLogger(RppModel.class);

  private final RppSettings settings;
  private final Policy policy;
  private final @Nullable Function<UserCase, double[]> embedding;
  private final @Nullable LlmCalls calls;
  private final LlmUsageMeter meter;
  private final RppHistory history;
  private final RppPrompter prompter;
  private final boolean untrained;
  private final LongAdder fallbacks = new LongAdder();
  private final Served served;

  RppModel(
      RppSettings settings,
      Policy policy,
      @Nullable Function<UserCase, double[]> embedding,
      @Nullable LlmCalls calls,
      LlmUsageMeter meter,
      RppHistory history,
      boolean untrained) {
    this.settings = settings;
    this.policy = policy;
    this.embedding = embedding;
    this.calls = calls;
    this.meter = meter;
    this.history = history;
    this.prompter = new RppPrompter(settings);
    this.untrained = untrained;
    this.served = new Served(policy);
  }

  /**
   * The prompt the agents choose for {@code user}: the last choice of the greedy roll-forward over
   * the trained number of steps (every agent's default action for an {@linkplain
   * RppOptimizer#untrained() untrained} model). Before RPP+'s per-user rewrite. No LLM call.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalStateException if the model was trained with a supplied user embedding and
   *     loaded without it
   * @throws IllegalArgumentException if the supplied embedding of this user is malformed
   */
  public RppPrompt choose(UserCase user) {
    requireNonNull(user, "user");
    return policy.prompt(user, untrained ? policy.defaults() : policy.serve(embed(user)));
  }

  private double[] embed(UserCase user) {
    if (embedding == null) {
      throw new IllegalStateException(
          "this model was trained with a supplied user embedding: use RppModel.load(path, llm, embedding)"
              + " or withUserEmbedding(embedding)");
    }
    return policy.encoder.checked(user.userId(), StateEncoder.embed(embedding, user));
  }

  /**
   * The greedy episode serving rolls forward for {@code user}: the prompt chosen at each trained
   * step, the last one being what {@link #choose} returns. No LLM call.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalStateException as {@link #choose}
   * @throws IllegalArgumentException as {@link #choose}
   */
  public List<RppPrompt> servingPath(UserCase user) {
    requireNonNull(user, "user");
    if (untrained) {
      return List.of(policy.prompt(user, policy.defaults()));
    }
    return policy.rollForward(embed(user)).stream().map(c -> policy.prompt(user, c)).toList();
  }

  /**
   * The calls {@link #rerank} would make for {@code users}, before any call: one {@link
   * Stage#RPP_RANK} call each, and for RPP+ one {@link Stage#RPP_REFINE} call each. Input tokens
   * are approximated (about 4 characters a token) from the prompts chosen for each user (RPP+
   * rewrites at their length cap); output tokens are the caps those prompts get. The estimate's
   * user, epoch and batch counts are 0: nothing is trained.
   *
   * @throws NullPointerException if users or a user is null
   * @throws IllegalStateException as {@link #choose}
   * @throws IllegalArgumentException as {@link #choose}
   */
  public CallEstimate estimate(List<UserCase> users) {
    requireNonNull(users, "users");
    List<RppPrompt> prompts = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      prompts.add(choose(requireNonNull(users.get(i), "users[" + i + "]")));
    }
    return RppEstimates.serving(settings, users, prompts, refines(), policy::rankOutputTokens);
  }

  /** Whether {@link #rerank} refines the chosen sentences for the user (a trained RPP+ model). */
  private boolean refines() {
    return settings.refine() && !untrained;
  }

  /**
   * Reranks {@code user}'s candidates with the prompt {@link #choose} picks (RPP+: rewritten for
   * the user first). When the ranking call fails (after the client's retries) the base order
   * comes back {@linkplain Ranking#fallback() flagged as a fallback} and the failure is counted in
   * {@link #usage()} and {@link #fallbacks()}, as is an answer that cannot be read (a client's
   * exception that is not an {@link LlmException} propagates: see {@link LlmClient}); when RPP+'s
   * refinement call fails, the chosen sentences are sent unrefined. This method does not throw for LLM failures or malformed
   * answers, except that a spent budget stops serving.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalArgumentException if the user has more candidates than can be labelled; the
   *     message names the user
   * @throws IllegalStateException if the model was loaded without an LlmClient, or without the
   *     supplied user embedding it was trained with
   * @throws IllegalArgumentException if the supplied embedding of this user is malformed
   * @throws LlmBudgetExceededException if the client's budget refuses a call
   */
  @Override
  public Ranking rerank(UserCase user) {
    requireNonNull(user, "user");
    if (calls == null) {
      throw new IllegalStateException(
          "this model was loaded without an LlmClient: use RppModel.load(path, llm) or withLlm(llm)");
    }
    Checks.labelable(user);
    RppPrompt prompt = choose(user);
    served.count(prompt);
    int cap = policy.rankOutputTokens(prompt);
    if (refines()) {
      prompt = refine(user, prompt);
    }
    List<Item> shown = prompter.shown(user);
    try {
      String answer = calls.complete(Stage.RPP_RANK, prompter.rank(user, shown, prompt), cap);
      return RppPrompter.parse(user, shown, answer);
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (LlmException | AnswerParseException e) {
      fallbacks.increment();
      log.warn("Reranking user {} failed ({}); returning the base order", user.userId(), e.getMessage());
      return Ranking.fallback(user);
    }
  }

  /** RPP+: {@code prompt} with its sentences rewritten for {@code user}, or unchanged if the call fails. */
  private RppPrompt refine(UserCase user, RppPrompt prompt) {
    Map<PromptPattern, String> originals = RppPrompter.refinable(prompt);
    String answer;
    try {
      answer = requireNonNull(calls).complete(Stage.RPP_REFINE, prompter.refine(user, prompt, originals));
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (LlmException e) {
      served.refineFailures.increment();
      log.warn("Refining the prompt of user {} failed ({}); sending the chosen sentences", user.userId(), e.getMessage());
      return prompt;
    }
    RppPrompter.Rewrites parsed = prompter.parseRefine(answer, originals);
    for (int i = 0; i < parsed.rejected(); i++) {
      meter.recordRejectedUpdate(Stage.RPP_REFINE);
    }
    served.refined.increment();
    return prompt.withSentences(parsed.sentences());
  }

  /**
   * What this model has served since it was built or loaded: how often each action of each
   * pattern and each history length were in a prompt sent by {@link #rerank}.
   */
  public ServedPrompts served() {
    return served.snapshot();
  }

  /** The actions of {@code pattern}: its sentences in action order, RPP+'s refined ones last. */
  public List<String> actionSpace(PromptPattern pattern) {
    requireNonNull(pattern, "pattern");
    return policy.space.list(pattern).stream().map(ActionSpace.Action::text).toList();
  }

  /** The agents and action spaces (for tests in this package). */
  Policy policy() {
    return policy;
  }

  /**
   * "RPP", "RPP+" for a model trained with refinement, or "RPP-untrained" for {@link
   * RppOptimizer#untrained()}.
   */
  public String method() {
    return untrained ? "RPP-untrained" : settings.refine() ? "RPP+" : "RPP";
  }

  /** The fit's record. */
  public RppHistory history() {
    return history;
  }

  /** Calls, tokens, failures, retries and latency per stage: the fit's and every rerank's since. */
  public UsageReport usage() {
    return meter.snapshot();
  }

  /** Reranks that fell back to the base order because the backend failed. */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** This model serving through {@code llm}, with the saved settings; usage carries over. */
  public RppModel withLlm(LlmClient llm) {
    requireNonNull(llm, "llm");
    LlmUsageMeter m = new LlmUsageMeter();
    m.add(meter.snapshot());
    return new RppModel(settings, policy, embedding,
        new LlmCalls(m.wrap(llm), settings.temperatures(), settings.maxOutputTokens()), m, history, untrained);
  }

  /**
   * This model with the user embedding it was trained with (a model trained on the hashed
   * embedding has it built in).
   *
   * @throws IllegalStateException if the model was trained with the hashed embedding
   */
  public RppModel withUserEmbedding(Function<UserCase, double[]> userEmbedding) {
    requireNonNull(userEmbedding, "userEmbedding");
    if (!settings.suppliedEmbedding()) {
      throw new IllegalStateException("this model was trained with the hashed bag-of-history embedding");
    }
    return new RppModel(settings, policy, userEmbedding, calls, meter, history, untrained);
  }

  /**
   * Writes this model as a versioned JSON document, atomically.
   *
   * @param path the file to write (its folder is created when missing)
   * @throws NullPointerException if path is null
   * @throws UncheckedIOException if the file cannot be written
   */
  public void save(Path path) {
    requireNonNull(path, "path");
    AgpJson.saveModel(path, document());
  }

  /**
   * Writes this model's JSON document, the same as {@link #save(Path)} writes, to a stream. The
   * stream is flushed and left open: the caller closes it.
   *
   * @param out where the document goes
   * @throws NullPointerException if out is null
   * @throws UncheckedIOException if the stream cannot be written
   */
  public void save(OutputStream out) {
    requireNonNull(out, "out");
    AgpJson.saveModel(out, document());
  }

  private ModelDocument document() {
    Map<PromptPattern, StoredAgent> agents = new EnumMap<>(PromptPattern.class);
    policy.agents.forEach((p, a) -> agents.put(p, new StoredAgent(a.active(), a.capacity(), PackedDoubles.pack(a.actor.params), PackedDoubles.pack(a.critic.params))));
    RppSettings s = settings;
    return new ModelDocument(
        FORMAT, VERSION,
        new ServingSettings(
            s.domain(), s.iterations(), s.initialHistoryLength(), s.maxHistoryLength(), s.hiddenUnits(),
            s.shuffleCandidates(), s.seed(), s.refine(), s.maxRefinedSentences(), s.maxSentenceChars(),
            s.maxTitleChars(), s.cutoff(), s.temperatures(), s.maxOutputTokens(), s.actionOutputTokens(),
            s.sentences(), s.templates(), s.shownAttributes()),
        new EmbeddingSpec(s.suppliedEmbedding() ? SUPPLIED : HASHED, policy.encoder.embeddingDimension()),
        policy.space.all(), agents, untrained, history, usage());
  }

  /**
   * Reads a saved model trained with the hashed embedding and serves it through {@code llm}.
   *
   * @param path a file written by {@link #save(Path)}
   * @param llm the client that serves the model
   * @return the model, ready to rerank
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with a supplied user embedding (use {@link #load(Path, LlmClient,
   *     Function)})
   */
  public static RppModel load(Path path, LlmClient llm) {
    requireNonNull(llm, "llm");
    return hashed(load(path), llm, path.toString());
  }

  /**
   * Reads a saved model trained with a supplied user embedding and serves it through {@code llm}.
   *
   * @param path a file written by {@link #save(Path)}
   * @param llm the client that serves the model
   * @param userEmbedding the user embedding the model was trained with
   * @return the model, ready to rerank
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with the hashed embedding (use {@link #load(Path, LlmClient)})
   */
  public static RppModel load(Path path, LlmClient llm, Function<UserCase, double[]> userEmbedding) {
    requireNonNull(llm, "llm");
    requireNonNull(userEmbedding, "userEmbedding");
    return supplied(load(path), llm, userEmbedding, path.toString());
  }

  /**
   * Reads a saved model for inspection ({@link #history()}, {@link #usage()}, {@link
   * #actionSpace}, and {@link #choose} for a hashed-embedding model); bind a client with {@link
   * #withLlm} before reranking.
   *
   * @param path a file written by {@link #save(Path)}
   * @return the model, without a client
   * @throws NullPointerException if path is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, or is
   *     damaged
   */
  public static RppModel load(Path path) {
    requireNonNull(path, "path");
    return fromDocument(AgpJson.readModel(path, ModelDocument.class), path.toString());
  }

  /**
   * Reads a saved model trained with the hashed embedding from a stream (a classpath resource, for
   * instance) and serves it through {@code llm}.
   *
   * @param in a document written by {@link #save(OutputStream)} or {@link #save(Path)}; left open
   *     (the caller closes it)
   * @param llm the client that serves the model
   * @return the model, ready to rerank
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with a supplied user embedding (use {@link #load(InputStream,
   *     LlmClient, Function)})
   */
  public static RppModel load(InputStream in, LlmClient llm) {
    requireNonNull(llm, "llm");
    return hashed(load(in), llm, STREAM);
  }

  /**
   * Reads a saved model trained with a supplied user embedding from a stream and serves it
   * through {@code llm}.
   *
   * @param in a document written by {@link #save(OutputStream)} or {@link #save(Path)}; left open
   *     (the caller closes it)
   * @param llm the client that serves the model
   * @param userEmbedding the user embedding the model was trained with
   * @return the model, ready to rerank
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with the hashed embedding (use {@link #load(InputStream,
   *     LlmClient)})
   */
  public static RppModel load(InputStream in, LlmClient llm, Function<UserCase, double[]> userEmbedding) {
    requireNonNull(llm, "llm");
    requireNonNull(userEmbedding, "userEmbedding");
    return supplied(load(in), llm, userEmbedding, STREAM);
  }

  /**
   * Reads a saved model from a stream for inspection; bind a client with {@link #withLlm} before
   * reranking.
   *
   * @param in a document written by {@link #save(OutputStream)} or {@link #save(Path)}; left open
   *     (the caller closes it)
   * @return the model, without a client
   * @throws NullPointerException if in is null
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, or is
   *     damaged
   */
  public static RppModel load(InputStream in) {
    requireNonNull(in, "in");
    return fromDocument(AgpJson.readModel(in, ModelDocument.class), STREAM);
  }

  private static RppModel hashed(RppModel m, LlmClient llm, String source) {
    if (m.settings.suppliedEmbedding()) {
      throw new IllegalArgumentException(
          source + " was trained with a supplied user embedding: load it with load(" + argument(source)
              + ", llm, embedding)");
    }
    return m.withLlm(llm);
  }

  private static RppModel supplied(
      RppModel m, LlmClient llm, Function<UserCase, double[]> userEmbedding, String source) {
    if (!m.settings.suppliedEmbedding()) {
      throw new IllegalArgumentException(
          source + " was trained with the hashed bag-of-history embedding: load it with load(" + argument(source)
              + ", llm)");
    }
    return m.withUserEmbedding(userEmbedding).withLlm(llm);
  }

  private static String argument(String source) {
    return source.equals(STREAM) ? "in" : "path";
  }

  private static RppModel fromDocument(@Nullable ModelDocument read, String source) {
    ModelDocument doc = SavedModels.require(read, source, "RPP", FORMAT, VERSION, VERSION,
        "earlier agents saw the last reward and were served at the first step: retrain the model");
    if (doc.settings() == null || doc.embedding() == null || doc.actions() == null || doc.agents() == null) {
      throw new IllegalArgumentException(source + " lacks the settings, embedding, actions or agents of a saved model");
    }
    try {
      return fromValidDocument(doc);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + " is damaged: " + e.getMessage(), e);
    }
  }

  private static RppModel fromValidDocument(ModelDocument doc) {
    ServingSettings ss = doc.settings();
    EmbeddingSpec es = doc.embedding();
    boolean supplied = SUPPLIED.equals(es.kind());
    if (!supplied && !HASHED.equals(es.kind())) {
      throw new IllegalArgumentException("unknown embedding kind " + es.kind());
    }
    RppOptimizer.Builder b = RppOptimizer.builder()
        .domain(ss.domain())
        .iterations(ss.iterations())
        .maxHistoryLength(ss.maxHistoryLength())
        .initialHistoryLength(ss.initialHistoryLength())
        .hiddenUnits(ss.hiddenUnits())
        .shuffleCandidates(ss.shuffleCandidates())
        .seed(ss.seed())
        .refine(ss.refine())
        .maxRefinedSentences(ss.maxRefinedSentences())
        .maxSentenceChars(ss.maxSentenceChars())
        .maxTitleChars(ss.maxTitleChars())
        .cutoff(ss.cutoff());
    if (ss.shownAttributes() != null) {
      b.shownAttributes(ss.shownAttributes());
    }
    ss.temperatures().forEach(b::temperature);
    ss.maxOutputTokens().forEach(b::maxOutputTokens);
    ss.sentences().forEach(b::sentences);
    ss.actionOutputTokens().forEach((p, caps) -> {
      for (int a = 0; a < caps.size(); a++) {
        if (caps.get(a) > 0) {
          b.outputTokens(p, a, caps.get(a));
        }
      }
    });
    ss.templates().forEach(b::template);
    if (!supplied) {
      b.embeddingDimension(es.dimension());
    }
    RppSettings settings = b.settings().withEmbedding(supplied, es.dimension());
    StateEncoder encoder =
        new StateEncoder(es.dimension(), settings.baseActions(), settings.maxHistoryLength(), settings.iterations());
    ActionSpace space = new ActionSpace(doc.actions());
    Map<PromptPattern, Agent> agents = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      StoredAgent sa = doc.agents().get(p);
      if (sa == null) {
        throw new IllegalArgumentException("no agent for " + p);
      }
      if (sa.capacity() != settings.capacity(p) || sa.active() != space.size(p)) {
        throw new IllegalArgumentException(
            p + ": the agent has " + sa.active() + " of " + sa.capacity() + " actions, the settings allow "
                + settings.capacity(p) + " and the action space has " + space.size(p));
      }
      int in = encoder.dimension();
      int hidden = settings.hiddenUnits();
      Mlp actor = new Mlp(in, hidden, sa.capacity(),
          PackedDoubles.unpack(sa.actor(), Mlp.size(in, hidden, sa.capacity()), p + " actor"));
      Mlp critic = new Mlp(in, hidden, 1, PackedDoubles.unpack(sa.critic(), Mlp.size(in, hidden, 1), p + " critic"));
      agents.put(p, new Agent(actor, new Mlp.Adam(settings.actorLearningRate(), actor.params.length), critic,
          new Mlp.Adam(settings.criticLearningRate(), critic.params.length), sa.active()));
    }
    Function<UserCase, double[]> embedding = supplied
        ? null
        : StateEncoder.hashedHistory(es.dimension(), Seeds.mix(settings.seed(), RppOptimizer.EMBEDDING_STREAM));
    LlmUsageMeter meter = new LlmUsageMeter();
    meter.add(doc.usage() == null ? UsageReport.EMPTY : doc.usage());
    return new RppModel(settings, new Policy(settings, encoder, agents, space), embedding, null, meter,
        doc.history() == null ? RppHistory.EMPTY : doc.history(), doc.untrained());
  }

  /** The saved form of a model. */
  record ModelDocument(
      String format,
      int version,
      ServingSettings settings,
      EmbeddingSpec embedding,
      Map<PromptPattern, List<ActionSpace.Action>> actions,
      Map<PromptPattern, StoredAgent> agents,
      boolean untrained,
      RppHistory history,
      UsageReport usage) implements SavedModels.Document {}

  /** What serving needs besides the networks. */
  record ServingSettings(
      String domain,
      int iterations,
      int initialHistoryLength,
      int maxHistoryLength,
      int hiddenUnits,
      boolean shuffleCandidates,
      long seed,
      boolean refine,
      int maxRefinedSentences,
      int maxSentenceChars,
      int maxTitleChars,
      int cutoff,
      Map<Stage, Double> temperatures,
      Map<Stage, Integer> maxOutputTokens,
      Map<PromptPattern, List<Integer>> actionOutputTokens,
      Map<PromptPattern, List<String>> sentences,
      Map<RppTemplate, String> templates,
      @Nullable List<String> shownAttributes) {}

  /** Where the user part of the state comes from, and its size. */
  record EmbeddingSpec(String kind, int dimension) {}

  /** One pattern's networks, packed by {@link PackedDoubles}. */
  record StoredAgent(int active, int capacity, String actor, String critic) {}

  /** The thread-safe counters behind {@link #served()}. */
  private static final class Served {
    final AtomicLongArray[] actions;
    final Map<Integer, LongAdder> historyLengths = new ConcurrentHashMap<>();
    final LongAdder prompts = new LongAdder();
    final LongAdder refined = new LongAdder();
    final LongAdder refineFailures = new LongAdder();
    private final Policy policy;

    Served(Policy policy) {
      this.policy = policy;
      this.actions = new AtomicLongArray[PromptPattern.values().length];
      for (PromptPattern p : PromptPattern.values()) {
        actions[p.ordinal()] = new AtomicLongArray(policy.agents.get(p).capacity());
      }
    }

    void count(RppPrompt prompt) {
      prompts.increment();
      for (PromptPattern p : PromptPattern.values()) {
        actions[p.ordinal()].incrementAndGet(prompt.action(p));
      }
      historyLengths.computeIfAbsent(prompt.historyLength(), k -> new LongAdder()).increment();
    }

    ServedPrompts snapshot() {
      Map<PromptPattern, List<Long>> counts = new EnumMap<>(PromptPattern.class);
      for (PromptPattern p : PromptPattern.values()) {
        List<Long> list = new ArrayList<>();
        for (int a = 0; a < policy.space.size(p); a++) {
          list.add(actions[p.ordinal()].get(a));
        }
        counts.put(p, list);
      }
      Map<Integer, Long> lengths = new TreeMap<>();
      historyLengths.forEach((k, v) -> lengths.put(k, v.sum()));
      return new ServedPrompts(prompts.sum(), counts, lengths, refined.sum(), refineFailures.sum());
    }
  }
}
