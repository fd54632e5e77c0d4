package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import dev.agp.AnswerParseException;
import dev.agp.CaseReranker;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Checks;
import dev.agp.internal.LlmCalls;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learned RPP (or RPP+) agents, ready to serve: {@link #rerank} chooses each pattern's most likely
 * action for the user's initial state and sends the prompt they assemble, one {@link
 * Stage#RPP_RANK} call. The ground truth of the case is never looked at (the embedding function
 * receives the user without it). Thread-safe.
 *
 * <p><b>State featurisation</b> (what the agents see): the user embedding — the caller's function
 * (for example the base recommender's user vector) or a seeded hashed bag-of-history embedding in
 * which every history item adds its id and its title words to signed buckets — L2-normalised and
 * scaled to norm √d; then, per pattern, a one-hot of the base action currently in the user's
 * prompt (all zero at the initial state; an RPP+ sentence counts as the sentence it was refined
 * from); the chosen history length over the maximum; and the last reward (0 at the initial state).
 * Each agent is a one-hidden-layer tanh network for the softmax policy and another for the value.
 *
 * <p>{@link #save} writes a versioned JSON document (the settings, the action spaces with RPP+'s
 * refined sentences, the networks, the fit's history and usage; never a key); {@link #load(Path,
 * LlmClient)} reads it back. A model trained with a supplied user embedding needs that function
 * again: {@link #load(Path, LlmClient, Function)}.
 */
public final class RppModel implements CaseReranker {

  /** The {@code format} field of a saved model. */
  public static final String FORMAT = "rpp-model";

  /** The document version this release writes; it reads this version and older ones. */
  public static final int VERSION = 1;

  static final String HASHED = "hashed";
  static final String SUPPLIED = "supplied";

  private static final Logger log = LoggerFactory.getLogger(RppModel.class);

  private final RppSettings settings;
  private final Policy policy;
  private final @Nullable Function<UserCase, double[]> embedding;
  private final @Nullable LlmCalls calls;
  private final LlmUsageMeter meter;
  private final RppHistory history;
  private final RppPrompter prompter;
  private final LongAdder fallbacks = new LongAdder();

  RppModel(
      RppSettings settings,
      Policy policy,
      @Nullable Function<UserCase, double[]> embedding,
      @Nullable LlmCalls calls,
      LlmUsageMeter meter,
      RppHistory history) {
    this.settings = settings;
    this.policy = policy;
    this.embedding = embedding;
    this.calls = calls;
    this.meter = meter;
    this.history = history;
    this.prompter = new RppPrompter(settings);
  }

  /**
   * The prompt the agents choose for {@code user}: each pattern's most likely action at the
   * user's initial state. No LLM call.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalStateException if the model was trained with a supplied user embedding and
   *     loaded without it
   * @throws IllegalArgumentException if the supplied embedding of this user is malformed
   */
  public RppPrompt choose(UserCase user) {
    requireNonNull(user, "user");
    if (embedding == null) {
      throw new IllegalStateException(
          "this model was trained with a supplied user embedding: use RppModel.load(path, llm, embedding)"
              + " or withUserEmbedding(embedding)");
    }
    double[] e = policy.encoder.checked(user.userId(), StateEncoder.embed(embedding, user));
    return policy.prompt(user, policy.greedy(e));
  }

  /**
   * Reranks {@code user}'s candidates with the prompt {@link #choose} picks. When the backend
   * fails (after the client's retries, or by throwing something other than an {@link
   * LlmException}) or the answer cannot be read, the base order comes back {@linkplain
   * Ranking#fallback() flagged as a fallback} and the failure is counted in {@link #usage()} and
   * {@link #fallbacks()}; this method does not throw for LLM failures or malformed answers.
   *
   * @throws NullPointerException if user is null
   * @throws IllegalArgumentException if the user has more candidates than can be labelled; the
   *     message names the user
   * @throws IllegalStateException if the model was loaded without an LlmClient, or without the
   *     supplied user embedding it was trained with
   * @throws IllegalArgumentException if the supplied embedding of this user is malformed
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
    List<Item> shown = prompter.shown(user);
    try {
      String answer = calls.complete(Stage.RPP_RANK, prompter.rank(user, shown, prompt));
      return RppPrompter.parse(user, shown, answer);
    } catch (LlmException | AnswerParseException e) {
      fallbacks.increment();
      log.warn("Reranking user {} failed ({}); returning the base order", user.userId(), e.getMessage());
      return Ranking.fallback(user);
    }
  }

  /** The actions of {@code pattern}: its sentences in action order, RPP+'s refined ones last. */
  public List<String> actionSpace(PromptPattern pattern) {
    requireNonNull(pattern, "pattern");
    return policy.space.list(pattern).stream().map(ActionSpace.Action::text).toList();
  }

  /** "RPP", or "RPP+" for a model trained with refinement. */
  public String method() {
    return settings.refine() ? "RPP+" : "RPP";
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
        new LlmCalls(m.wrap(llm), settings.temperatures(), settings.maxOutputTokens()), m, history);
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
    return new RppModel(settings, policy, userEmbedding, calls, meter, history);
  }

  /**
   * Writes this model as a versioned JSON document, atomically.
   *
   * @throws NullPointerException if path is null
   * @throws UncheckedIOException if the file cannot be written
   */
  public void save(Path path) {
    requireNonNull(path, "path");
    Map<PromptPattern, StoredAgent> agents = new EnumMap<>(PromptPattern.class);
    policy.agents.forEach((p, a) -> agents.put(p, new StoredAgent(a.active(), a.capacity(), PackedDoubles.pack(a.actor.params), PackedDoubles.pack(a.critic.params))));
    RppSettings s = settings;
    ModelDocument doc = new ModelDocument(
        FORMAT, VERSION,
        new ServingSettings(
            s.domain(), s.initialHistoryLength(), s.maxHistoryLength(), s.hiddenUnits(), s.shuffleCandidates(),
            s.seed(), s.refine(), s.maxRefinedSentences(), s.maxSentenceChars(), s.maxTitleChars(), s.cutoff(),
            s.temperatures(), s.maxOutputTokens(), s.sentences(), s.templates()),
        new EmbeddingSpec(s.suppliedEmbedding() ? SUPPLIED : HASHED, policy.encoder.embeddingDimension()),
        policy.space.all(), agents, history, usage());
    try {
      AgpJson.writeAtomically(path, doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + path, e);
    }
  }

  /**
   * Reads a saved model trained with the hashed embedding and serves it through {@code llm}.
   *
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with a supplied user embedding (use {@link #load(Path, LlmClient,
   *     Function)})
   */
  public static RppModel load(Path path, LlmClient llm) {
    requireNonNull(llm, "llm");
    RppModel m = load(path);
    if (m.settings.suppliedEmbedding()) {
      throw new IllegalArgumentException(
          path + " was trained with a supplied user embedding: load it with load(path, llm, embedding)");
    }
    return m.withLlm(llm);
  }

  /**
   * Reads a saved model trained with a supplied user embedding and serves it through {@code llm}.
   *
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, is
   *     damaged, or was trained with the hashed embedding (use {@link #load(Path, LlmClient)})
   */
  public static RppModel load(Path path, LlmClient llm, Function<UserCase, double[]> userEmbedding) {
    requireNonNull(llm, "llm");
    requireNonNull(userEmbedding, "userEmbedding");
    RppModel m = load(path);
    if (!m.settings.suppliedEmbedding()) {
      throw new IllegalArgumentException(
          path + " was trained with the hashed bag-of-history embedding: load it with load(path, llm)");
    }
    return m.withUserEmbedding(userEmbedding).withLlm(llm);
  }

  /**
   * Reads a saved model for inspection ({@link #history()}, {@link #usage()}, {@link
   * #actionSpace}, and {@link #choose} for a hashed-embedding model); bind a client with {@link
   * #withLlm} before reranking.
   *
   * @throws NullPointerException if path is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved RPP model, is a newer version, or is
   *     damaged
   */
  public static RppModel load(Path path) {
    requireNonNull(path, "path");
    ModelDocument doc;
    try {
      doc = AgpJson.MAPPER.readValue(path.toFile(), ModelDocument.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a saved model from " + path + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(doc.format())) {
      throw new IllegalArgumentException(path + " is not a saved RPP model (format " + doc.format() + ")");
    }
    if (doc.version() < 1 || doc.version() > VERSION) {
      throw new IllegalArgumentException(
          path + " has model version " + doc.version() + "; this release reads versions 1 to " + VERSION);
    }
    if (doc.settings() == null || doc.embedding() == null || doc.actions() == null || doc.agents() == null) {
      throw new IllegalArgumentException(path + " lacks the settings, embedding, actions or agents of a saved model");
    }
    try {
      return fromDocument(doc);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(path + " is damaged: " + e.getMessage(), e);
    }
  }

  private static RppModel fromDocument(ModelDocument doc) {
    ServingSettings ss = doc.settings();
    EmbeddingSpec es = doc.embedding();
    boolean supplied = SUPPLIED.equals(es.kind());
    if (!supplied && !HASHED.equals(es.kind())) {
      throw new IllegalArgumentException("unknown embedding kind " + es.kind());
    }
    RppOptimizer.Builder b = RppOptimizer.builder()
        .domain(ss.domain())
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
    ss.temperatures().forEach(b::temperature);
    ss.maxOutputTokens().forEach(b::maxOutputTokens);
    ss.sentences().forEach(b::sentences);
    ss.templates().forEach(b::template);
    if (!supplied) {
      b.embeddingDimension(es.dimension());
    }
    RppSettings settings = b.settings().withEmbedding(supplied, es.dimension());
    StateEncoder encoder = new StateEncoder(es.dimension(), settings.baseActions(), settings.maxHistoryLength());
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
        doc.history() == null ? RppHistory.EMPTY : doc.history());
  }

  /** The saved form of a model. */
  record ModelDocument(
      String format,
      int version,
      ServingSettings settings,
      EmbeddingSpec embedding,
      Map<PromptPattern, List<ActionSpace.Action>> actions,
      Map<PromptPattern, StoredAgent> agents,
      RppHistory history,
      UsageReport usage) {}

  /** What serving needs besides the networks. */
  record ServingSettings(
      String domain,
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
      Map<PromptPattern, List<String>> sentences,
      Map<RppTemplate, String> templates) {}

  /** Where the user part of the state comes from, and its size. */
  record EmbeddingSpec(String kind, int dimension) {}

  /** One pattern's networks, packed by {@link PackedDoubles}. */
  record StoredAgent(int active, int capacity, String actor, String critic) {}
}
