package dev.agp.rpp;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.agp.CheckpointException;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.UserFailure;
import dev.agp.internal.Checkpoints;
import dev.agp.internal.Fingerprints;
import dev.agp.internal.FitCheckpoint;
import dev.agp.internal.FitSupport;
import dev.agp.internal.LlmCalls;
import dev.agp.internal.Ndcg;
import dev.agp.internal.OrderedTasks;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import dev.agp.rpp.RppCheckpoint.AgentState;
import dev.agp.rpp.RppCheckpoint.CheckpointDocument;
import dev.agp.rpp.RppCheckpoint.State;
import dev.agp.rpp.RppCheckpoint.StoredEpisode;
import dev.agp.rpp.RppCheckpoint.StoredUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One RPP fit: the schedule, the agents, the episodes, and the checkpoint that mirrors them. */
final class RppRun {

  private static final RppListener NO_LISTENER = new RppListener() {};

  /** Streams of the per-iteration schedules, the per-(iteration, user) sampling and the networks. */
  static final long SCHEDULE_STREAM = 0x5343_0000L;
  static final long SAMPLING_STREAM = 0x5341_0000L;
  static final long NETWORK_STREAM = 0x4E45_0000L;

  private static final Logger log = LoggerFactory.getLogger(RppRun.class);

  private final RppSettings s;
  private final List<UserCase> train;
  private final Map<String, UserCase> byId = new HashMap<>();
  private final Map<String, double[]> embeddings = new HashMap<>();
  private final Function<UserCase, double[]> embedding;
  private final StateEncoder encoder;
  private final Policy policy;
  private final LlmUsageMeter meter;
  private final LlmCalls calls;
  private final RppPrompter prompter;
  private final RppListener listeners;
  /** Whether any listener was given: events that cost work to prepare are skipped without one. */
  private final boolean hasListeners;
  private final @Nullable Path checkpointPath;
  private final Map<String, String> fingerprint;

  // the state a checkpoint holds (besides the agents and the action spaces inside the policy)
  private int iteration = 1;
  private int nextBatch = 0;
  private List<String> order = List.of();
  private boolean finished;
  private final Map<String, Policy.Episode> episodes = new HashMap<>();
  private final List<RppBatchRecord> batchRecords = new ArrayList<>();
  private final List<RppIterationRecord> iterationRecords = new ArrayList<>();
  private final List<RefinedSentence> refined = new ArrayList<>();
  private final Map<String, StoredUser> pending = new LinkedHashMap<>();
  private final RewriteEvidence evidence = new RewriteEvidence();

  private @Nullable ExecutorService pool;

  RppRun(RppOptimizer optimizer, List<UserCase> train) {
    this.s = optimizer.settings();
    this.train = train;
    train.forEach(u -> byId.put(u.userId(), u));
    this.embedding = optimizer.embedding();
    int dimension = -1;
    for (UserCase u : train) {
      double[] e = StateEncoder.embed(embedding, u);
      if (dimension < 0) {
        dimension = e.length;
        if (dimension == 0) {
          throw new IllegalArgumentException("the user embedding of user " + u.userId() + " is empty");
        }
      }
      embeddings.put(u.userId(), e);
    }
    this.encoder = new StateEncoder(dimension, s.baseActions(), s.maxHistoryLength(), s.iterations());
    for (UserCase u : train) {
      encoder.checked(u.userId(), embeddings.get(u.userId()));
    }
    Map<PromptPattern, Agent> agents = new EnumMap<>(PromptPattern.class);
    int[] base = s.baseActions();
    for (PromptPattern p : PromptPattern.values()) {
      agents.put(p, new Agent(encoder.dimension(), s.hiddenUnits(), base[p.ordinal()], s.capacity(p),
          s.actorLearningRate(), s.criticLearningRate(), Seeds.mix(s.seed(), NETWORK_STREAM + p.ordinal())));
    }
    this.policy = new Policy(s, encoder, agents, ActionSpace.of(s));
    this.listeners = FitSupport.fanOut(RppListener.class, optimizer.listeners(), NO_LISTENER, log);
    this.hasListeners = !optimizer.listeners().isEmpty();
    this.meter = new LlmUsageMeter(optimizer.ticker()).addListener(listeners::onLlmCall);
    this.calls = new LlmCalls(meter.wrap(optimizer.llm()), s.temperatures(), s.maxOutputTokens());
    this.prompter = new RppPrompter(s);
    this.checkpointPath = optimizer.checkpointPath().orElse(null);
    // what a checkpoint must match: only a fit with a checkpoint reads it
    if (checkpointPath == null) {
      this.fingerprint = Map.of();
    } else {
      Map<String, String> f = new LinkedHashMap<>(s.fingerprint());
      f.put("trainUsers", train.size() + " users, sha256 " + Fingerprints.users(train));
      f.put("userEmbeddings", "dimension " + dimension + ", sha256 " + embeddingsHash(train, embeddings));
      this.fingerprint = Collections.unmodifiableMap(f);
    }
  }

  RppModel run() {
    boolean resumed = restore();
    if (hasListeners) { // the estimate is only for someone to read it
      listeners.onFitStart(RppEstimates.of(s, train), resumed);
    }
    if (resumed) {
      log.info("Resuming RPP from {} at iteration {}, batch {}", checkpointPath, iteration, nextBatch + 1);
    }
    if (!finished) {
      pool = Executors.newFixedThreadPool(s.concurrency(), FitSupport.daemonThreads("rpp-fit-"));
      try {
        loop();
      } finally {
        pool.shutdownNow();
      }
    }
    RppHistory history = history();
    listeners.onFitEnd(history);
    return new RppModel(s, policy, embedding, calls, meter, history, false);
  }

  private void loop() {
    while (iteration <= s.iterations()) {
      if (order.isEmpty()) {
        order = Seeds.shuffle(train.stream().map(UserCase::userId).toList(), s.seed(), SCHEDULE_STREAM + iteration);
      }
      listeners.onIterationStart(iteration, s.iterations());
      List<List<String>> batches = FitSupport.partition(order, s.batchSize());
      while (nextBatch < batches.size()) {
        runBatch(nextBatch, batches.size(), batches.get(nextBatch));
        nextBatch++;
        checkpoint();
      }
      finishIteration();
      iteration++;
      nextBatch = 0;
      order = List.of();
      checkpoint();
    }
    finished = true;
    checkpoint();
  }

  // ---------------------------------------------------------------- a batch

  /** A user's step as planned before the calls: the episode, the chosen actions, the prompt. */
  private record Planned(UserCase user, Policy.Choice choice, RppPrompt prompt) {}

  /** What the calls of one user produced. */
  private record UserResult(
      @Nullable Map<PromptPattern, String> rewrites,
      int rejected,
      @Nullable Ranking ranking,
      double reward,
      @Nullable UserFailure failure,
      @Nullable RuntimeException stop) {}

  private void runBatch(int b, int batches, List<String> ids) {
    List<UserCase> users = ids.stream().map(byId::get).toList();
    listeners.onBatchStart(iteration, b + 1, batches, users.size());
    UsageReport before = meter.snapshot();
    if (!pending.isEmpty() && !pending.values().iterator().next().matches(iteration, b)) {
      pending.clear();
    }
    Map<String, StoredUser> stored = Map.copyOf(pending);
    List<Planned> plans = new ArrayList<>();
    for (UserCase u : users) {
      Policy.Episode e = episodes.computeIfAbsent(u.userId(), id -> Policy.Episode.start(s));
      SplittableRandom random = new SplittableRandom(
          Seeds.mix(Seeds.mix(s.seed(), SAMPLING_STREAM + iteration), RppPrompter.userKey(u.userId())));
      Policy.Choice c = policy.sample(embeddings.get(u.userId()), e, random);
      plans.add(new Planned(u, c, policy.prompt(u, c)));
    }

    OrderedTasks.Gathered<UserResult> g = OrderedTasks.run(pool, plans, p -> call(p, stored.get(p.user().userId())));
    List<UserFailure> failures = new ArrayList<>();
    RuntimeException stop = g.stop();
    int rejected = 0;
    for (int i = 0; i < plans.size(); i++) {
      UserResult r = g.results().get(i);
      if (r == null) {
        continue;
      }
      String id = plans.get(i).user().userId();
      if (r.rewrites() != null || r.ranking() != null) {
        pending.put(id, new StoredUser(iteration, b, id, r.rewrites(), r.rejected(), r.ranking()));
      }
      if (r.failure() != null) {
        failures.add(r.failure());
      }
      if (r.stop() != null && stop == null) {
        stop = r.stop();
      }
      rejected += r.rejected();
    }
    String where = "iteration " + iteration + ", batch " + (b + 1);
    if (stop != null) {
      throw abort(where, stop, b + 1, failures);
    }
    if (failures.size() > s.maxFailureRate() * users.size()) {
      checkpoint();
      throw new RppFitException(FitSupport.tooManyFailures(where, failures, users.size(), s.maxFailureRate(), checkpointPath),
          null, iteration, b + 1, failures, checkpointPath);
    }

    Map<PromptPattern, int[]> counts = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      counts.put(p, new int[policy.space.size(p)]);
    }
    double rewardSum = 0;
    int forgotten = 0;
    for (int i = 0; i < plans.size(); i++) {
      UserResult r = g.results().get(i);
      if (r == null || r.failure() != null) {
        continue;
      }
      Planned p = plans.get(i);
      String id = p.user().userId();
      Policy.Episode next = policy.next(p.choice());
      double[] after = policy.state(embeddings.get(id), next);
      for (PromptPattern pattern : PromptPattern.values()) {
        int a = p.choice().actions()[pattern.ordinal()];
        policy.agents.get(pattern).update(p.choice().state(), a, r.reward(), after, s.discount());
        counts.get(pattern)[a]++;
      }
      episodes.put(id, next);
      rewardSum += r.reward();
      if (s.refine() && r.rewrites() != null) {
        for (Map.Entry<PromptPattern, String> w : r.rewrites().entrySet()) {
          PromptPattern pattern = w.getKey();
          int a = p.choice().actions()[pattern.ordinal()];
          // only rewrites of base sentences gather evidence: an admitted rewrite is never rewritten into another
          if (!policy.space.get(pattern, a).refined() && !w.getValue().equals(p.prompt().sentence(pattern))) {
            forgotten += evidence.add(pattern, a, w.getValue(), id, r.reward(), iteration);
          }
        }
      }
    }
    int added = s.refine() ? adopt() : 0;
    int succeeded = users.size() - failures.size();
    Map<PromptPattern, List<Integer>> countLists = new EnumMap<>(PromptPattern.class);
    counts.forEach((p, c) -> countLists.put(p, java.util.Arrays.stream(c).boxed().toList()));
    RppBatchRecord record = new RppBatchRecord(
        iteration, b + 1, ids, failures, succeeded == 0 ? 0 : rewardSum / succeeded, countLists, added, rejected,
        evidence.size(), forgotten, meter.snapshot().minus(before));
    batchRecords.add(record);
    pending.clear();
    log.debug("RPP iteration {}, batch {}: mean reward {}", iteration, b + 1, record.meanReward());
    listeners.onBatchEnd(record);
  }

  /** One user's calls: the RPP+ rewrite, then the ranking, reusing what a stopped run already got. */
  private UserResult call(Planned p, @Nullable StoredUser stored) {
    UserCase u = p.user();
    Stage stage = Stage.RPP_REFINE;
    Map<PromptPattern, String> rewrites = null;
    int rejected = 0;
    try {
      RppPrompt prompt = p.prompt();
      if (s.refine()) {
        if (stored != null && stored.rewrites() != null) {
          rewrites = stored.rewrites();
          rejected = stored.rejected();
        } else {
          Map<PromptPattern, String> originals = RppPrompter.refinable(prompt);
          String answer = calls.complete(Stage.RPP_REFINE, prompter.refine(u, prompt, originals));
          RppPrompter.Rewrites parsed = prompter.parseRefine(answer, originals);
          rewrites = parsed.sentences();
          rejected = parsed.rejected();
          for (int i = 0; i < rejected; i++) {
            meter.recordRejectedUpdate(Stage.RPP_REFINE);
          }
        }
        prompt = prompt.withSentences(rewrites);
      }
      stage = Stage.RPP_RANK;
      Ranking ranking;
      if (stored != null && stored.ranking() != null) {
        ranking = stored.ranking();
      } else {
        List<Item> shown = prompter.shown(u);
        ranking = RppPrompter.parse(u, shown,
            calls.complete(Stage.RPP_RANK, prompter.rank(u, shown, prompt), policy.rankOutputTokens(prompt)));
      }
      double reward = Ndcg.at(ranking.itemIds(), u.relevantItemIds(), s.cutoff());
      listeners.onUserDone(u.userId(), true);
      return new UserResult(rewrites, rejected, ranking, reward, null, null);
    } catch (LlmBudgetExceededException e) {
      return new UserResult(rewrites, rejected, null, 0, null, e);
    } catch (RuntimeException e) {
      log.debug("User {} failed at {}", u.userId(), stage, e);
      listeners.onUserDone(u.userId(), false);
      String message = e.getMessage() == null ? "" : e.getMessage();
      return new UserResult(rewrites, rejected, null, 0,
          new UserFailure(u.userId(), stage, e.getClass().getSimpleName(), message), null);
    }
  }

  /**
   * Admits the rewrites with enough evidence (at least {@code refineMinUsers} users, mean reward at
   * least {@code refineMinReward}), best mean first, within each pattern's bound: when a pattern is
   * full a rewrite replaces its weakest refined sentence only if its mean reward is higher.
   */
  private int adopt() {
    int added = 0;
    for (RewriteEvidence.Entry c : evidence.ready(s.refineMinUsers(), s.refineMinReward())) {
      ActionSpace space = policy.space;
      if (space.contains(c.pattern(), c.text())) {
        evidence.remove(c);
        continue;
      }
      int slot;
      boolean replaced = false;
      if (space.size(c.pattern()) < s.capacity(c.pattern())) {
        slot = space.size(c.pattern());
      } else {
        slot = space.weakestRefined(c.pattern());
        if (slot < 0 || c.meanReward() <= space.get(c.pattern(), slot).reward()) {
          continue;
        }
        replaced = true;
      }
      policy.agents.get(c.pattern()).adopt(slot, c.parent());
      space.place(c.pattern(), slot, new ActionSpace.Action(c.text(), c.parent(), c.meanReward()));
      refined.add(new RefinedSentence(
          c.pattern(), slot, c.parent(), c.text(), c.meanReward(), iteration, c.users(), replaced));
      evidence.remove(c);
      added++;
    }
    return added;
  }

  private void finishIteration() {
    List<RppBatchRecord> mine = batchRecords.stream().filter(r -> r.iteration() == iteration).toList();
    int failures = 0;
    int succeeded = 0;
    double sum = 0;
    UsageReport usage = UsageReport.EMPTY;
    Map<PromptPattern, int[]> sampled = new EnumMap<>(PromptPattern.class);
    Map<PromptPattern, int[]> greedy = new EnumMap<>(PromptPattern.class);
    Map<PromptPattern, Integer> sizes = new EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      sampled.put(p, new int[policy.space.size(p)]);
      greedy.put(p, new int[policy.space.size(p)]);
      sizes.put(p, policy.space.size(p));
    }
    for (RppBatchRecord r : mine) {
      failures += r.failures().size();
      succeeded += r.succeeded();
      sum += r.meanReward() * r.succeeded();
      usage = usage.plus(r.usage());
      r.actionCounts().forEach((p, c) -> {
        for (int a = 0; a < c.size() && a < sampled.get(p).length; a++) {
          sampled.get(p)[a] += c.get(a);
        }
      });
    }
    for (UserCase u : train) {
      int[] a = policy.serve(embeddings.get(u.userId())).actions();
      for (PromptPattern p : PromptPattern.values()) {
        greedy.get(p)[a[p.ordinal()]]++;
      }
    }
    RppIterationRecord record = new RppIterationRecord(
        iteration, train.size(), failures, succeeded == 0 ? 0 : sum / succeeded, lists(sampled), lists(greedy),
        sizes, usage);
    iterationRecords.add(record);
    log.info("RPP iteration {}/{}: mean reward (NDCG@{}) {} over {} users, {} failed",
        iteration, s.iterations(), s.cutoff(), String.format(Locale.ROOT, "%.4f", record.meanReward()),
        succeeded, failures);
    listeners.onIterationEnd(record);
  }

  private static Map<PromptPattern, List<Integer>> lists(Map<PromptPattern, int[]> m) {
    Map<PromptPattern, List<Integer>> out = new EnumMap<>(PromptPattern.class);
    m.forEach((p, c) -> out.put(p, java.util.Arrays.stream(c).boxed().toList()));
    return out;
  }

  private RppFitException abort(String where, RuntimeException cause, int batch, List<UserFailure> failures) {
    checkpoint();
    return new RppFitException(FitSupport.stopReason(where, cause) + FitSupport.checkpointNote(checkpointPath),
        cause, iteration, batch, failures, checkpointPath);
  }

  private static String embeddingsHash(List<UserCase> users, Map<String, double[]> embeddings) {
    Hasher h = Hashing.sha256().newHasher();
    for (UserCase u : users) {
      for (double v : embeddings.get(u.userId())) {
        h.putDouble(v);
      }
      h.putChar('\u0000');
    }
    return h.hash().toString();
  }

  // ---------------------------------------------------------------- checkpoint

  private RppHistory history() {
    return new RppHistory(iterationRecords, batchRecords, refined);
  }

  private void checkpoint() {
    if (checkpointPath == null) {
      return;
    }
    Map<String, StoredEpisode> eps = new LinkedHashMap<>();
    for (UserCase u : train) {
      Policy.Episode e = episodes.get(u.userId());
      if (e != null) {
        eps.put(u.userId(), StoredEpisode.of(e));
      }
    }
    Map<PromptPattern, AgentState> agents = new EnumMap<>(PromptPattern.class);
    policy.agents.forEach((p, a) -> agents.put(p, AgentState.of(a)));
    CheckpointDocument doc = new CheckpointDocument(
        RppCheckpoint.KIND.format(), RppCheckpoint.KIND.version(), fingerprint,
        new State(iteration, nextBatch, order, finished, eps, agents, policy.space.all(), evidence.entries()),
        List.copyOf(pending.values()), history(), meter.snapshot());
    Checkpoints.write(checkpointPath, doc);
  }

  private boolean restore() {
    if (checkpointPath == null) {
      return false;
    }
    CheckpointDocument doc = FitCheckpoint.resume(checkpointPath, RppCheckpoint.KIND, fingerprint,
        d -> RppCheckpointCheck.validate(checkpointPath, d, s, train)).orElse(null);
    if (doc == null) {
      return false;
    }
    State st = doc.state();
    try {
      for (PromptPattern p : PromptPattern.values()) {
        AgentState a = st.agents().get(p);
        if (a == null) {
          throw new IllegalArgumentException("no agent for " + p);
        }
        a.restoreInto(policy.agents.get(p));
      }
      ActionSpace space = new ActionSpace(st.actions());
      for (PromptPattern p : PromptPattern.values()) {
        if (space.size(p) != policy.agents.get(p).active()) {
          throw new IllegalArgumentException(p + " has " + space.size(p) + " actions but its agent " + policy.agents.get(p).active());
        }
        for (int a = 0; a < space.size(p); a++) {
          policy.space.place(p, a, space.get(p, a));
        }
      }
      List<RewriteEvidence.Entry> waiting = st.evidence() == null ? List.of() : st.evidence();
      for (RewriteEvidence.Entry e : waiting) {
        if (e.pattern() == null || e.text() == null || e.parent() < 0 || e.parent() >= policy.space.baseSize(e.pattern())) {
          throw new IllegalArgumentException("a waiting rewrite names no pattern, no text or an unknown base action");
        }
      }
      evidence.restore(waiting);
    } catch (RuntimeException e) {
      throw new CheckpointException(checkpointPath, "state",
          "the checkpoint " + checkpointPath + " is damaged: " + e.getMessage(), e);
    }
    iteration = st.iteration();
    nextBatch = st.nextBatch();
    order = List.copyOf(st.order());
    finished = st.finished();
    st.episodes().forEach((id, e) -> episodes.put(id, e.toEpisode()));
    if (doc.history() != null) {
      iterationRecords.addAll(doc.history().iterations());
      batchRecords.addAll(doc.history().batches());
      refined.addAll(doc.history().refined());
    }
    if (doc.pending() != null) {
      doc.pending().forEach(p -> pending.put(p.userId(), p));
    }
    if (doc.usage() != null) {
      meter.add(doc.usage());
    }
    FitCheckpoint.requireScheduledUsers(checkpointPath, order, byId.keySet());
    return true;
  }
}
