package dev.agp;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Checks;
import dev.agp.internal.Fingerprints;
import dev.agp.internal.FitSupport;
import dev.agp.internal.LlmCalls;
import dev.agp.internal.OrderedTasks.Gathered;
import dev.agp.internal.OrderedTasks;
import dev.agp.internal.SavedModels;
import dev.agp.internal.ServingSupport;
import dev.agp.internal.ServingThreads;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptTemplates;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A learned profile prompt, ready to serve. Thread-safe; results depend only on the LLM's answers,
 * never on how many threads call at once.
 *
 * <h2>Serving and its cost</h2>
 *
 * <p>{@link #rerank(UserCase)} writes the user's profile with the prompt (one PROFILE call) and
 * ranks the candidates from it (one RERANK call). The profile depends only on the user's recent
 * history ({@code historyLength} items) and the model, so it can be written once per history
 * change and kept: {@link #profile(UserCase)} and {@link #rerank(UserCase, UserProfile)} are the
 * two steps as separate calls, and a {@link ProfileStore} set with {@link #withProfileStore} keeps
 * profiles under a {@link ProfileKey} of user, history fingerprint and prompt fingerprint, so a new
 * history item or another model never reuses a stale one.
 *
 * <ul>
 *   <li>Without a store: 2 calls per request, the RERANK call waiting for the PROFILE call.
 *   <li>With a store at hit rate {@code h}: {@code 1 + (1 - h)} calls per request; a warm store
 *       ({@code h = 1}) makes exactly one, and roughly halves latency as the two calls are
 *       dependent.
 *   <li>Over a period with {@code R} requests from {@code U} users whose recent history changed
 *       {@code c} times each: {@code R} RERANK calls plus at most {@code U·(1 + c)} PROFILE calls
 *       (when the store holds them all), instead of {@code 2R}. {@link #profiles(List)} writes them
 *       ahead of traffic ({@link #estimateProfiles(List)} says how many calls it will make); a
 *       response cache in front of the client makes re-writing a forgotten profile free.
 *   <li>Tokens: a PROFILE call sends the prompt and the recent history, a RERANK call the profile
 *       and the candidates; the store saves the former, the larger share for long prompts.
 * </ul>
 *
 * <p>A per-request {@linkplain #withDeadline deadline} bounds how long a slow backend may hold a
 * request: when it passes, the base order comes back flagged as a fallback, a profile still being
 * written is kept in the store when it arrives, and a RERANK call not yet started is not made.
 * {@link #servingStats()} counts requests, store hits and fallbacks; {@link ServingListener}s
 * receive an event per request (the {@code agp-micrometer} module turns them into metrics).
 *
 * <p>{@link #save(Path)} writes a versioned JSON document (prompt, the serving settings and
 * templates, the fit's history and usage; never a key); {@link #load(Path, LlmClient)} reads it
 * back. {@link #save(OutputStream)} and {@link #load(InputStream, LlmClient)} do the same over
 * streams, for a model shipped inside an application's jar as a classpath resource.
 */
public final class AgpModel implements CaseReranker {

  /** The {@code format} field of a saved model. */
  public static final String FORMAT = "agp-model";

  /** The document version this release writes; it reads this version and older ones. */
  public static final int VERSION = 1;

  /** The method name of this model's {@link ServingEvent}s. */
  public static final String METHOD = "AGP";

  private static final Logger log = LoggerFactory.getLogger(AgpModel.class);

  private final ProfilePrompt prompt;
  private final @Nullable ProfileGenerator profiles;
  private final @Nullable Reranker reranker;
  private final LlmUsageMeter meter;
  private final FitHistory history;
  private final AgpSettings settings;
  private final Serving serving;
  private final Counters counters;
  private final ConcurrentMap<ProfileKey, CompletableFuture<UserProfile>> writing;
  /**
   * The fingerprint of the prompt and profile settings in every {@link ProfileKey}, made on first
   * use (a SHA-256 over the prompt and the template): a fit ends without waiting for it. Always
   * the same value, so two threads making it at once is harmless.
   */
  private volatile @Nullable String promptFingerprint;

  AgpModel(
      ProfilePrompt prompt,
      @Nullable ProfileGenerator profiles,
      @Nullable Reranker reranker,
      LlmUsageMeter meter,
      FitHistory history,
      AgpSettings settings) {
    this(prompt, profiles, reranker, meter, history, settings, Serving.DEFAULT, new Counters(), new ConcurrentHashMap<>());
  }

  private AgpModel(
      ProfilePrompt prompt,
      @Nullable ProfileGenerator profiles,
      @Nullable Reranker reranker,
      LlmUsageMeter meter,
      FitHistory history,
      AgpSettings settings,
      Serving serving,
      Counters counters,
      ConcurrentMap<ProfileKey, CompletableFuture<UserProfile>> writing) {
    this.prompt = prompt;
    this.profiles = profiles;
    this.reranker = reranker;
    this.meter = meter;
    this.history = history;
    this.settings = settings;
    this.serving = serving;
    this.counters = counters;
    this.writing = writing;
  }

  /** {@return the selected prompt: the best by validation NDCG} */
  public ProfilePrompt prompt() {
    return prompt;
  }

  /**
   * Reranks {@code user}'s candidates: the profile from the {@linkplain #withProfileStore store}
   * when it holds one for this history (one RERANK call), else written now (a PROFILE call, then
   * RERANK) and stored. When the backend fails (after the client's retries) or the {@linkplain
   * #withDeadline deadline} passes, the base order comes back {@linkplain Ranking#fallback()
   * flagged as a fallback} and is counted in {@link #servingStats()}, {@link #fallbacks()} and, for
   * failures, {@link #usage()}; this method does not throw for LLM failures, malformed answers,
   * answers that cannot be read ({@link AnswerParseException}) or slowness (a client's exception
   * that is not an {@link LlmException} propagates: see {@link LlmClient}). A call refused by the
   * client's budget is not a failure of the backend: it propagates, so that nobody mistakes an
   * exhausted budget for the base order.
   *
   * @param user the user's history and the base recommender's candidates
   * @return a permutation of the candidates
   * @throws NullPointerException if user is null
   * @throws IllegalArgumentException if the user has more candidates than can be labelled ({@link
   *     CandidateLabels#MAX_CANDIDATES}); the message names the user
   * @throws LlmBudgetExceededException if the client's budget refuses a call
   * @throws IllegalStateException if the model was loaded without an LlmClient, or a custom
   *     reranker returned something other than a permutation of the candidates
   */
  @Override
  public Ranking rerank(UserCase user) {
    requireNonNull(user, "user");
    Checks.labelable(user);
    requireClient();
    return serve(user, abandoned -> chain(user, abandoned));
  }

  /**
   * Ranks {@code user}'s candidates from a profile written earlier (one RERANK call), under the
   * same fallback and deadline rules as {@link #rerank(UserCase)}.
   *
   * @param user the user's history and the base recommender's candidates
   * @param profile the user's profile, for example from {@link #profile(UserCase)}
   * @return a permutation of the candidates
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the profile belongs to another user
   * @throws IllegalStateException if the model was loaded without an LlmClient, or a custom
   *     reranker returned something other than a permutation of the candidates
   */
  public Ranking rerank(UserCase user, UserProfile profile) {
    requireNonNull(user, "user");
    requireNonNull(profile, "profile");
    if (!profile.userId().equals(user.userId())) {
      throw new IllegalArgumentException(
          "the profile of user " + profile.userId() + " cannot rank the candidates of user " + user.userId());
    }
    Checks.labelable(user);
    requireClient();
    return serve(user, abandoned -> rank(user, profile, ProfileSource.GIVEN, abandoned));
  }

  /**
   * Writes {@code user}'s profile with the learned prompt: one PROFILE call, made whether or not a
   * profile is stored, and stored when a {@linkplain #withProfileStore store} is set.
   *
   * @param user the user; only the recent history is read
   * @return the profile
   * @throws NullPointerException if user is null
   * @throws IllegalStateException if the model was loaded without an LlmClient
   * @throws dev.agp.llm.LlmException if the backend fails after the client's retries
   */
  public UserProfile profile(UserCase user) {
    requireNonNull(user, "user");
    requireClient();
    UserProfile p = generate(user);
    if (serving.store() != null) {
      store(profileKey(user), p);
    }
    return p;
  }

  /**
   * The key {@code user}'s profile is stored under: the user id, a fingerprint of the recent
   * history the profile is written from, and a fingerprint of this model's prompt and profile
   * settings. No LLM call.
   *
   * @param user the user
   * @return the key
   * @throws NullPointerException if user is null
   */
  public ProfileKey profileKey(UserCase user) {
    requireNonNull(user, "user");
    return new ProfileKey(
        user.userId(), Fingerprints.items(user.recentHistory(settings.historyLength())), promptFingerprint());
  }

  /**
   * Writes the profiles of {@code users} ahead of traffic, {@code concurrency} of the model's
   * settings at a time (the fit's; 8 for a loaded model): see {@link #profiles(List, int)}.
   *
   * @param users the users, each at most once
   * @return every user's profile, failure or reason for not running
   * @throws NullPointerException if users or a user is null
   * @throws IllegalArgumentException if a user id repeats
   * @throws IllegalStateException if the model was loaded without an LlmClient
   */
  public ProfileBatch profiles(List<UserCase> users) {
    return profiles(users, settings.concurrency());
  }

  /**
   * Writes the profiles of {@code users} ahead of traffic, {@code concurrency} at a time, through
   * the model's client (so its cache, budget, rate limits and retries apply as in a fit). With a
   * {@linkplain #withProfileStore store}, users whose profile is stored for their current history
   * cost nothing and every new profile is stored, so rerunning after a stop resumes where it
   * stopped. A user whose call fails is recorded and the others go on; the budget running out or
   * an interrupt stops the batch, keeping what was written (the interrupt flag stays set).
   * Results are in input order whatever the concurrency.
   *
   * @param users the users, each at most once
   * @param concurrency calls in flight at once, {@code >= 1}
   * @return every user's profile, failure or reason for not running
   * @throws NullPointerException if users or a user is null
   * @throws IllegalArgumentException if a user id repeats or concurrency is below 1
   * @throws IllegalStateException if the model was loaded without an LlmClient
   */
  public ProfileBatch profiles(List<UserCase> users, int concurrency) {
    List<UserCase> list = distinctUsers(users);
    Checks.atLeast("concurrency", concurrency, 1);
    requireClient();
    UsageReport before = meter.snapshot();
    if (list.isEmpty()) {
      return new ProfileBatch(Map.of(), 0, List.of(), List.of(), Optional.empty(), UsageReport.EMPTY);
    }
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(concurrency, list.size()),
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("agp-profiles-%d").build());
    Gathered<BatchResult> g;
    try {
      g = OrderedTasks.run(pool, list, this::batchProfile);
    } finally {
      pool.shutdownNow();
    }
    Map<String, UserProfile> done = new LinkedHashMap<>();
    List<UserFailure> failures = new ArrayList<>();
    List<String> notRun = new ArrayList<>();
    int reused = 0;
    for (int i = 0; i < list.size(); i++) {
      BatchResult r = g.results().get(i);
      String id = list.get(i).userId();
      if (r == null) {
        notRun.add(id);
      } else if (r.failure() != null) {
        failures.add(r.failure());
      } else {
        done.put(id, requireNonNull(r.profile()));
        reused += r.reused() ? 1 : 0;
      }
    }
    Optional<String> stop =
        g.stop() == null ? Optional.empty() : Optional.of(FitSupport.stopReason("writing profiles", g.stop()));
    stop.ifPresent(reason -> log.warn("{}; {} of {} users not run", reason, notRun.size(), list.size()));
    if (!failures.isEmpty()) {
      log.warn("Writing profiles: {} of {} users failed. First causes: {}", failures.size(), list.size(),
          FitSupport.causes(failures));
    }
    return new ProfileBatch(done, reused, failures, notRun, stop, meter.snapshot().minus(before));
  }

  /**
   * The PROFILE calls {@link #profiles(List)} would make now: the users without a stored profile
   * for their current history (all of them without a store). No LLM call.
   *
   * @param users the users, each at most once
   * @return the number of calls
   * @throws NullPointerException if users or a user is null
   * @throws IllegalArgumentException if a user id repeats
   */
  public long estimateProfiles(List<UserCase> users) {
    List<UserCase> list = distinctUsers(users);
    if (serving.store() == null) {
      return list.size();
    }
    return list.stream().filter(u -> lookup(profileKey(u)).isEmpty()).count();
  }

  /**
   * This model serving with {@code store}: {@link #rerank(UserCase)} reads profiles from it and
   * stores the ones it writes, as do {@link #profile(UserCase)} and {@link #profiles(List)}.
   * Concurrent requests missing the same key wait for one PROFILE call instead of making one
   * each. The returned model shares this one's client, usage and serving counters.
   *
   * @param store the store, possibly shared with other models (keys differ per prompt)
   * @return a model with the same prompt and settings
   * @throws NullPointerException if store is null
   */
  public AgpModel withProfileStore(ProfileStore store) {
    requireNonNull(store, "store");
    return with(new Serving(store, serving.deadline(), serving.executor(), serving.listeners()));
  }

  /**
   * This model answering every request within {@code deadline}, running the LLM calls on a shared
   * pool of daemon threads made on demand: see {@link #withDeadline(Duration, Executor)}.
   *
   * @param deadline the longest a request may take, {@code > 0}
   * @return a model with the same prompt and settings
   * @throws NullPointerException if deadline is null
   * @throws IllegalArgumentException if deadline is not positive
   */
  public AgpModel withDeadline(Duration deadline) {
    return withDeadline(deadline, ServingThreads.shared());
  }

  /**
   * This model answering every request within {@code deadline}: the LLM calls run on {@code
   * executor} while the caller waits at most the deadline; after it, the base order is returned
   * flagged as a fallback and counted ({@link ServingStats#deadlineFallbacks()}). The calls are not
   * interrupted (a paid answer is never thrown away): a profile that arrives late is still stored,
   * and a RERANK call not started by then is not made. An executor that rejects the work also
   * yields the fallback. The returned model shares this one's client, usage and serving counters.
   *
   * @param deadline the longest a request may take, {@code > 0}
   * @param executor runs each request's calls; needs a thread per request in flight
   * @return a model with the same prompt and settings
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if deadline is not positive
   */
  public AgpModel withDeadline(Duration deadline, Executor executor) {
    requireNonNull(deadline, "deadline");
    requireNonNull(executor, "executor");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be > 0 but was " + deadline);
    }
    return with(new Serving(serving.store(), deadline, executor, serving.listeners()));
  }

  /**
   * This model also reporting every served request to {@code listener}. The returned model shares
   * this one's client, usage and serving counters.
   *
   * @param listener receives a {@link ServingEvent} per request
   * @return a model with the same prompt and settings
   * @throws NullPointerException if listener is null
   */
  public AgpModel withServingListener(ServingListener listener) {
    requireNonNull(listener, "listener");
    List<ServingListener> all = new ArrayList<>(serving.listeners());
    all.add(listener);
    return with(new Serving(serving.store(), serving.deadline(), serving.executor(), all));
  }

  /** {@return the profile store requests read from, if one is set} */
  public Optional<ProfileStore> profileStore() {
    return Optional.ofNullable(serving.store());
  }

  /** {@return the per-request deadline, if one is set} */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(serving.deadline());
  }

  /**
   * Requests, store hits, profiles written and fallbacks since this model's client was bound.
   *
   * @return the serving counters
   */
  public ServingStats servingStats() {
    return counters.read();
  }

  /**
   * The fit's record: every batch and validation. Empty for a model that was not trained.
   *
   * @return the fit's history, empty for an untrained model
   */
  public FitHistory history() {
    return history;
  }

  /**
   * Calls, tokens, failures, retries and latency per stage: the fit's and every rerank's since.
   *
   * @return the usage per stage
   */
  public UsageReport usage() {
    return meter.snapshot();
  }

  /**
   * Reranks that fell back to the base order because the backend failed or the deadline passed
   * ({@link ServingStats#fallbacks()}).
   *
   * @return the number of fallbacks
   */
  public long fallbacks() {
    return counters.read().fallbacks();
  }

  /**
   * This model serving through {@code llm}, with the saved settings and templates and this model's
   * serving options (store, deadline, listeners); usage carries over, serving counters start at 0.
   * The store is kept as it is: when {@code llm} calls another LLM than before, give the returned
   * model a fresh store, since profiles the former LLM wrote would be served.
   *
   * @param llm the client
   * @return a model bound to it
   * @throws NullPointerException if llm is null
   */
  public AgpModel withLlm(LlmClient llm) {
    requireNonNull(llm, "llm");
    LlmUsageMeter m = new LlmUsageMeter();
    m.add(meter.snapshot());
    LlmCalls calls = new LlmCalls(m.wrap(llm), settings.temperatures(), settings.maxOutputTokens());
    PromptTemplates t = settings.templates();
    return new AgpModel(
        prompt,
        new LlmProfileGenerator(calls, t.get(TemplateName.PROFILE), settings.domain(), settings.historyLength(), settings.limits()),
        new LlmListwiseReranker(calls, t.get(TemplateName.RERANK), settings.domain(), settings.limits()),
        m, history, settings, serving, new Counters(), new ConcurrentHashMap<>());
  }

  // ---------------------------------------------------------------- serving

  private AgpModel with(Serving s) {
    return new AgpModel(prompt, profiles, reranker, meter, history, settings, s, counters, writing);
  }

  private void requireClient() {
    if (profiles == null || reranker == null) {
      throw new IllegalStateException(
          "this model was loaded without an LlmClient: use AgpModel.load(path, llm) or withLlm(llm)");
    }
  }

  /** Runs {@code work} within the deadline, if any, and reports the request. */
  private Ranking serve(UserCase user, Function<AtomicBoolean, Served> work) {
    long start = System.nanoTime();
    counters.requests.increment();
    Duration deadline = serving.deadline();
    Served served;
    if (deadline == null) {
      served = work.apply(new AtomicBoolean());
    } else {
      served = withinDeadline(user, work, deadline, start);
    }
    return finish(user, served, start);
  }

  private Served withinDeadline(UserCase user, Function<AtomicBoolean, Served> work, Duration deadline, long start) {
    AtomicBoolean abandoned = new AtomicBoolean();
    Served s = ServingSupport.within(() -> work.apply(abandoned), requireNonNull(serving.executor()), deadline, start,
        () -> abandoned.set(true), user.userId(), log);
    return s != null ? s : Served.deadline(user);
  }

  private Ranking finish(UserCase user, Served served, long start) {
    switch (served.outcome()) {
      case FALLBACK_FAILURE -> counters.failureFallbacks.increment();
      case FALLBACK_DEADLINE -> counters.deadlineFallbacks.increment();
      case RANKED -> { }
    }
    if (served.source() == ProfileSource.STORE) {
      counters.storeHits.increment();
    } else if (served.source() == ProfileSource.SHARED) {
      counters.sharedProfiles.increment();
    }
    if (!serving.listeners().isEmpty()) {
      ServingSupport.notifyServed(serving.listeners(), new ServingEvent(
          METHOD, served.outcome(), served.source(), Duration.ofNanos(Math.max(0, System.nanoTime() - start))), log);
    }
    return served.ranking();
  }

  /** The profile (stored, shared or written), then the ranking unless the request was abandoned. */
  private Served chain(UserCase user, AtomicBoolean abandoned) {
    ProfileStore store = serving.store();
    UserProfile profile;
    ProfileSource source;
    try {
      if (store == null) {
        source = ProfileSource.GENERATED;
        profile = generate(user);
      } else {
        ProfileKey key = profileKey(user);
        Optional<UserProfile> hit = lookup(key);
        if (hit.isPresent()) {
          source = ProfileSource.STORE;
          profile = hit.get();
        } else {
          Obtained o = obtain(user, key);
          source = o.generated() ? ProfileSource.GENERATED : ProfileSource.SHARED;
          profile = o.profile();
        }
      }
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (LlmException e) {
      log.warn("Writing the profile of user {} failed ({}); returning the base order", user.userId(), e.getMessage());
      return Served.failure(user, ProfileSource.GENERATED);
    }
    return rank(user, profile, source, abandoned);
  }

  private Served rank(UserCase user, UserProfile profile, ProfileSource source, AtomicBoolean abandoned) {
    if (abandoned.get()) {
      return Served.deadline(user);
    }
    Ranking ranking;
    try {
      ranking = requireNonNull(reranker).rerank(user, profile);
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (LlmException | AnswerParseException e) {
      log.warn("Reranking user {} failed ({}); returning the base order", user.userId(), e.getMessage());
      return Served.failure(user, source);
    }
    if (!ranking.isPermutationOf(user)) {
      throw new IllegalStateException(
          "the reranker returned " + ranking.itemIds() + " for user " + user.userId()
              + ", not a permutation of its candidates");
    }
    return new Served(ranking, source, ServingOutcome.RANKED);
  }

  /** One PROFILE call per key at a time: a request missing a key another is writing waits for it. */
  private Obtained obtain(UserCase user, ProfileKey key) {
    CompletableFuture<UserProfile> mine = new CompletableFuture<>();
    CompletableFuture<UserProfile> other = writing.putIfAbsent(key, mine);
    if (other != null) {
      try {
        return new Obtained(other.join(), false);
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    try {
      // a request that finished between our lookup and putIfAbsent may have stored it
      Optional<UserProfile> late = lookup(key);
      UserProfile p = late.isPresent() ? late.get() : generate(user);
      if (late.isEmpty()) {
        store(key, p);
      }
      mine.complete(p);
      return new Obtained(p, late.isEmpty());
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      writing.remove(key, mine);
    }
  }

  private UserProfile generate(UserCase user) {
    UserProfile p = requireNonNull(profiles).generate(user, prompt);
    counters.generated.increment();
    if (!p.userId().equals(user.userId())) {
      throw new IllegalStateException(
          "the profile generator returned a profile of user " + p.userId() + " for user " + user.userId());
    }
    return p;
  }

  private Optional<UserProfile> lookup(ProfileKey key) {
    ProfileStore store = requireNonNull(serving.store());
    try {
      return store.get(key);
    } catch (RuntimeException e) {
      counters.storeErrors.increment();
      log.warn("The profile store failed to look up user {}; writing the profile instead", key.userId(), e);
      return Optional.empty();
    }
  }

  private void store(ProfileKey key, UserProfile p) {
    ProfileStore store = requireNonNull(serving.store());
    try {
      store.put(key, p);
    } catch (RuntimeException e) {
      counters.storeErrors.increment();
      log.warn("The profile store failed to keep the profile of user {}; it will be written again", key.userId(), e);
    }
  }

  private BatchResult batchProfile(UserCase u) {
    try {
      if (serving.store() == null) {
        return new BatchResult(generate(u), false, null);
      }
      ProfileKey key = profileKey(u);
      Optional<UserProfile> hit = lookup(key);
      if (hit.isPresent()) {
        return new BatchResult(hit.get(), true, null);
      }
      Obtained o = obtain(u, key);
      return new BatchResult(o.profile(), !o.generated(), null);
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      log.debug("Writing the profile of user {} failed", u.userId(), e);
      return new BatchResult(null, false, UserFailure.of(u.userId(), Stage.PROFILE, e));
    }
  }

  private static List<UserCase> distinctUsers(List<UserCase> users) {
    requireNonNull(users, "users");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < users.size(); i++) {
      UserCase u = requireNonNull(users.get(i), "users[" + i + "]");
      if (!ids.add(u.userId())) {
        throw new IllegalArgumentException("user " + u.userId() + " appears more than once (users[" + i + "])");
      }
    }
    return List.copyOf(users);
  }

  private String promptFingerprint() {
    String f = promptFingerprint;
    if (f == null) {
      f = promptFingerprint(prompt, settings, profiles);
      promptFingerprint = f;
    }
    return f;
  }

  private static String promptFingerprint(ProfilePrompt prompt, AgpSettings s, @Nullable ProfileGenerator g) {
    String generator = g == null || g instanceof LlmProfileGenerator ? "built-in" : g.getClass().getName();
    return Fingerprints.parts(List.of(
        "agp-profile-v1",
        generator,
        prompt.text(),
        s.templates().text(TemplateName.PROFILE),
        s.domain(),
        String.valueOf(s.historyLength()),
        String.valueOf(s.limits().title()),
        String.valueOf(s.limits().prompt()),
        String.valueOf(s.temperatures().getOrDefault(Stage.PROFILE, AgpOptimizer.DEFAULT_TEMPERATURE)),
        String.valueOf(s.maxOutputTokens().get(Stage.PROFILE)),
        String.join(",", s.limits().attributes())));
  }

  /** Serving options; null fields are unset. */
  private record Serving(
      @Nullable ProfileStore store,
      @Nullable Duration deadline,
      @Nullable Executor executor,
      List<ServingListener> listeners) {
    static final Serving DEFAULT = new Serving(null, null, null, List.of());

    Serving {
      listeners = List.copyOf(listeners);
    }
  }

  /** What a request returns, and how it came about. */
  private record Served(Ranking ranking, ProfileSource source, ServingOutcome outcome) {
    static Served failure(UserCase user, ProfileSource source) {
      return new Served(Ranking.fallback(user), source, ServingOutcome.FALLBACK_FAILURE);
    }

    static Served deadline(UserCase user) {
      return new Served(Ranking.fallback(user), ProfileSource.NONE, ServingOutcome.FALLBACK_DEADLINE);
    }
  }

  private record Obtained(UserProfile profile, boolean generated) {}

  private record BatchResult(@Nullable UserProfile profile, boolean reused, @Nullable UserFailure failure) {}

  /** Serving counters, shared by the views {@code with*} returns over the same client. */
  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder storeHits = new LongAdder();
    final LongAdder generated = new LongAdder();
    final LongAdder sharedProfiles = new LongAdder();
    final LongAdder failureFallbacks = new LongAdder();
    final LongAdder deadlineFallbacks = new LongAdder();
    final LongAdder storeErrors = new LongAdder();

    ServingStats read() {
      return new ServingStats(
          requests.sum(), storeHits.sum(), generated.sum(), sharedProfiles.sum(), failureFallbacks.sum(),
          deadlineFallbacks.sum(), storeErrors.sum());
    }
  }

  /**
   * Writes this model as a versioned JSON document, atomically.
   *
   * @param path the file to write (its folder is created when missing)
   * @throws UncheckedIOException if the file cannot be written
   */
  public void save(Path path) {
    requireNonNull(path, "path");
    AgpJson.saveModel(path, document());
  }

  /**
   * Writes this model's JSON document, the same as {@link #save(Path)} writes, to a stream (a
   * resource being built into a jar, a blob store, an HTTP response). The stream is flushed and
   * left open: the caller closes it.
   *
   * @param out where the document goes
   * @throws UncheckedIOException if the stream cannot be written
   */
  public void save(OutputStream out) {
    requireNonNull(out, "out");
    AgpJson.saveModel(out, document());
  }

  private ModelDocument document() {
    AgpSettings.Limits l = settings.limits();
    return new ModelDocument(
        FORMAT, VERSION, prompt.text(),
        new ServingSettings(
            settings.domain(), settings.historyLength(), settings.cutoff(), l.title(), l.profile(), l.prompt(),
            settings.temperatures(), settings.maxOutputTokens(), settings.templates().overrides(), l.attributes()),
        history, usage());
  }

  /**
   * Reads a saved model and serves it through {@code llm}.
   *
   * @param path a file written by {@link #save(Path)}
   * @param llm the client that serves the model
   * @return the model, ready to rerank
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(Path path, LlmClient llm) {
    return load(path).withLlm(llm);
  }

  /**
   * Reads a saved model for inspection ({@link #prompt()}, {@link #history()}, {@link #usage()});
   * bind a client with {@link #withLlm} before reranking.
   *
   * @param path a file written by {@link #save(Path)}
   * @return the model, without a client
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(Path path) {
    requireNonNull(path, "path");
    return fromDocument(AgpJson.readModel(path, ModelDocument.class), path.toString());
  }

  /**
   * Reads a saved model from a stream and serves it through {@code llm}: a model packaged as a
   * classpath resource, for instance.
   *
   * <pre>{@code
   * try (InputStream in = MyApp.class.getResourceAsStream("/models/agp-model.json")) {
   *   AgpModel model = AgpModel.load(in, llm);
   * }
   * }</pre>
   *
   * @param in a document written by {@link #save(OutputStream)} or {@link #save(Path)}; left open
   *     (the caller closes it)
   * @param llm the client that serves the model
   * @return the model, ready to rerank
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(InputStream in, LlmClient llm) {
    requireNonNull(llm, "llm");
    return load(in).withLlm(llm);
  }

  /**
   * Reads a saved model from a stream for inspection; bind a client with {@link #withLlm} before
   * reranking.
   *
   * @param in a document written by {@link #save(OutputStream)} or {@link #save(Path)}; left open
   *     (the caller closes it)
   * @return the model, without a client
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   * @throws IllegalArgumentException if it is not a saved AGP model, or a newer version
   */
  public static AgpModel load(InputStream in) {
    requireNonNull(in, "in");
    return fromDocument(AgpJson.readModel(in, ModelDocument.class), "the stream");
  }

  private static AgpModel fromDocument(@Nullable ModelDocument read, String source) {
    ModelDocument doc = SavedModels.require(read, source, "AGP", FORMAT, 1, VERSION, "");
    if (doc.prompt() == null || doc.settings() == null) {
      throw new IllegalArgumentException(source + " lacks the prompt or the settings of a saved model");
    }
    ServingSettings s = doc.settings();
    AgpOptimizer.Builder b =
        AgpOptimizer.builder()
            .domain(s.domain())
            .historyLength(s.historyLength())
            .cutoff(s.cutoff())
            .maxTitleChars(s.maxTitleChars())
            .maxProfileChars(s.maxProfileChars())
            .maxPromptChars(s.maxPromptChars())
            .initialPrompt(doc.prompt());
    if (s.shownAttributes() != null) {
      b.shownAttributes(s.shownAttributes());
    }
    s.temperatures().forEach(b::temperature);
    s.maxOutputTokens().forEach(b::maxOutputTokens);
    s.templates().forEach(b::template);
    AgpSettings settings = b.settings();
    LlmUsageMeter meter = new LlmUsageMeter();
    meter.add(doc.usage() == null ? UsageReport.EMPTY : doc.usage());
    return new AgpModel(
        new ProfilePrompt(doc.prompt()), null, null, meter,
        doc.history() == null ? FitHistory.EMPTY : doc.history(), settings);
  }

  /** The saved form of a model. */
  record ModelDocument(
      String format,
      int version,
      String prompt,
      ServingSettings settings,
      FitHistory history,
      UsageReport usage) implements SavedModels.Document {}

  /** What serving needs besides the prompt. */
  record ServingSettings(
      String domain,
      int historyLength,
      int cutoff,
      int maxTitleChars,
      int maxProfileChars,
      int maxPromptChars,
      Map<Stage, Double> temperatures,
      Map<Stage, Integer> maxOutputTokens,
      Map<TemplateName, String> templates,
      @Nullable List<String> shownAttributes) {}
}
