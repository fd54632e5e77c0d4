package dev.agp;

import dev.agp.AgpCheckpoint.CheckpointDocument;
import dev.agp.AgpCheckpoint.PendingScores;
import dev.agp.AgpCheckpoint.State;
import dev.agp.AgpCheckpoint.StoredOutcome;
import dev.agp.internal.Chains.Next;
import dev.agp.internal.Chains.Step;
import dev.agp.internal.Chains;
import dev.agp.internal.Checkpoints;
import dev.agp.internal.Fingerprints;
import dev.agp.internal.FitCheckpoint;
import dev.agp.internal.FitSupport;
import dev.agp.internal.Ndcg;
import dev.agp.internal.OrderedTasks.Gathered;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One fit: the schedule, its state, and the checkpoint that mirrors it. */
final class AgpRun {

  private static final AgpListener NO_LISTENER = new AgpListener() {};

  private static final double IMPROVEMENT = 1e-12;

  private static final Logger log = LoggerFactory.getLogger(AgpRun.class);

  private final AgpSettings s;
  private final List<UserCase> train;
  private final List<UserCase> validation;
  private final Map<String, UserCase> trainById = new HashMap<>();
  private final LlmUsageMeter meter;
  private final AgpOptimizer.Pipeline pipeline;
  private final AgpListener listeners;
  /** Whether any listener was given: events that cost work to prepare are skipped without one. */
  private final boolean hasListeners;
  private final @Nullable Path checkpointPath;
  private final Map<String, String> fingerprint;

  // the state a checkpoint holds
  private int epoch = 1;
  private int nextBatch = 0;
  private List<String> epochOrder = List.of();
  private boolean epochTrained;
  private boolean initialDone;
  private boolean finished;
  private boolean stoppedEarly;
  private ProfilePrompt current;
  private ProfilePrompt best;
  private double bestScore = -1;
  private int bestEpoch = 0;
  private int sinceImprovement = 0;
  private final Map<String, Double> scored = new LinkedHashMap<>();
  private final List<EpochRecord> epochRecords = new ArrayList<>();
  private final List<BatchRecord> batchRecords = new ArrayList<>();
  /** Users of the batch under way: finished chains, and the calls made so far of chains a stop cut short. */
  private final Map<String, StoredOutcome> pending = new ConcurrentHashMap<>();
  private String pendingScoresPrompt = "";
  private final Map<String, Double> pendingScores = new LinkedHashMap<>();
  /** Profiles written in a validation pass whose rerank a stop cut short. */
  private final Map<String, String> pendingProfiles = new ConcurrentHashMap<>();

  private @Nullable ExecutorService pool;
  /** The next batch's chains, started while the validation pass that precedes it runs. */
  private @Nullable Prefetch prefetched;
  /** Where a chain step's calls are counted too: its batch's meter (calls of overlapping work interleave). */
  private final ThreadLocal<@Nullable LlmUsageMeter> chainUsage = new ThreadLocal<>();

  AgpRun(AgpOptimizer optimizer, List<UserCase> train, List<UserCase> validation) {
    this.s = optimizer.settings();
    this.train = train;
    this.validation = validation;
    train.forEach(u -> trainById.put(u.userId(), u));
    this.listeners = FitSupport.fanOut(AgpListener.class, optimizer.listeners(), NO_LISTENER, log);
    this.hasListeners = !optimizer.listeners().isEmpty();
    this.meter = new LlmUsageMeter(optimizer.ticker()).addListener(listeners::onLlmCall).addListener(e -> {
      LlmUsageMeter chains = chainUsage.get();
      if (chains != null) {
        chains.record(e);
      }
    });
    this.pipeline = optimizer.pipeline(meter);
    this.checkpointPath = optimizer.checkpointPath().orElse(null);
    this.current = s.initialPrompt();
    this.best = s.initialPrompt();
    // what a checkpoint must match: only a fit with a checkpoint reads it (hashing every user's
    // history and candidates is work a fit without one would throw away)
    if (checkpointPath == null) {
      this.fingerprint = Map.of();
    } else {
      Map<String, String> f = new LinkedHashMap<>(s.fingerprint());
      f.put("trainUsers", train.size() + " users, sha256 " + Fingerprints.users(train));
      f.put("validationUsers", validation.size() + " users, sha256 " + Fingerprints.users(validation));
      this.fingerprint = Collections.unmodifiableMap(f);
    }
  }

  AgpModel run() {
    boolean resumed = restore();
    if (hasListeners) { // the estimate renders every user's prompts: only for someone to read it
      listeners.onFitStart(Estimates.of(s, train, validation), resumed);
    }
    if (resumed) {
      log.info("Resuming AGP from {} at epoch {}, batch {}", checkpointPath, epoch, nextBatch + 1);
    }
    if (!finished) {
      pool = Executors.newFixedThreadPool(s.concurrency(), FitSupport.daemonThreads("agp-fit-"));
      try {
        loop();
      } finally {
        if (prefetched != null) {
          prefetched.chains().stop();
        }
        pool.shutdownNow();
      }
    }
    FitHistory history = history();
    listeners.onFitEnd(history);
    return new AgpModel(best, pipeline.profiles(), pipeline.reranker(), meter, history, s);
  }

  private void loop() {
    if (!initialDone) {
      if (s.scoreInitialPrompt()) {
        validate(0);
      }
      initialDone = true;
      checkpoint();
    }
    while (epoch <= s.epochs()) {
      if (!epochTrained) {
        if (epochOrder.isEmpty()) {
          epochOrder = Seeds.shuffle(train.stream().map(UserCase::userId).toList(), s.seed(), epoch);
        }
        listeners.onEpochStart(epoch, s.epochs());
        List<List<String>> batches = FitSupport.partition(epochOrder, s.batchSize());
        while (nextBatch < batches.size()) {
          runBatch(nextBatch, batches.size(), batches.get(nextBatch));
          nextBatch++;
          checkpoint();
        }
        epochTrained = true;
      }
      validate(epoch);
      epoch++;
      nextBatch = 0;
      epochOrder = List.of();
      epochTrained = false;
      if (sinceImprovement >= s.patience() && epoch <= s.epochs()) {
        stoppedEarly = true;
        log.info("AGP stops early: {} epochs without a better validation score", sinceImprovement);
        epoch = s.epochs() + 1;
      }
      checkpoint();
    }
    stopPrefetch(); // never started when the fit can end here; a safeguard
    finished = true;
    checkpoint();
  }

  // ---------------------------------------------------------------- a training batch

  private void runBatch(int b, int batches, List<String> ids) {
    List<UserCase> users = ids.stream().map(trainById::get).toList();
    listeners.onBatchStart(epoch, b + 1, batches, users.size());
    ProfilePrompt prompt = current;
    int ep = epoch;
    pending.values().removeIf(p -> !p.matches(ep, b, prompt.text()));
    Gathered<UserResult> g;
    LlmUsageMeter chainCalls;
    Prefetch ahead = prefetched;
    prefetched = null;
    if (ahead != null && ahead.matches(ep, b, prompt.text(), ids)) {
      g = ahead.chains().await(); // started during the validation pass, with the same prompt
      chainCalls = ahead.usage();
      for (UserResult r : g.results()) {
        if (r != null) {
          listeners.onUserDone(r.userId(), r.outcome() != null);
        }
      }
    } else {
      if (ahead != null) {
        ahead.chains().stop();
        ahead.chains().await();
      }
      LlmUsageMeter calls = new LlmUsageMeter();
      chainCalls = calls;
      g = Chains.run(pool, users, u -> counted(trainingChain(u, prompt, ep, b, true), calls));
    }
    // the batch's usage: its chains' calls, counted as they ran, and what follows from here
    UsageReport before = meter.snapshot().minus(chainCalls.snapshot());
    List<UserOutcome> outcomes = new ArrayList<>();
    List<UserFailure> failures = new ArrayList<>();
    for (UserResult r : g.results()) {
      if (r == null) {
        continue;
      }
      if (r.outcome() != null) {
        outcomes.add(r.outcome());
      } else {
        failures.add(r.failure());
      }
    }
    String where = "epoch " + epoch + ", batch " + (b + 1);
    if (g.stop() != null) {
      throw abort(where, g.stop(), b + 1, failures);
    }
    if (failures.size() > s.maxFailureRate() * users.size()) {
      checkpoint();
      throw new AgpFitException(FitSupport.tooManyFailures(where, failures, users.size(), s.maxFailureRate(), checkpointPath),
          null, epoch, b + 1, failures, checkpointPath);
    }

    if (outcomes.isEmpty()) {
      BatchRecord skipped = new BatchRecord(epoch, b + 1, ids, failures, 0, 0, UpdateStrength.SMALL, "", false, 0,
          prompt.text(), prompt.text(), UpdateOutcome.SKIPPED, "every user failed", meter.snapshot().minus(before));
      finishBatch(skipped, prompt);
      return;
    }

    BatchFeedback feedback;
    ProfilePrompt proposed;
    UpdateOutcome outcome;
    String reason = "";
    try {
      feedback = pipeline.aggregator().aggregate(outcomes);
      try {
        proposed = pipeline.optimizer().update(prompt, feedback);
        outcome = proposed.text().equals(prompt.text()) ? UpdateOutcome.UNCHANGED : UpdateOutcome.ACCEPTED;
      } catch (RejectedUpdateException e) {
        meter.recordRejectedUpdate(Stage.OPTIMIZE);
        proposed = prompt;
        outcome = UpdateOutcome.REJECTED;
        reason = e.getMessage();
        log.info("{}: update rejected ({}); the prompt stays", where, reason);
      }
    } catch (RuntimeException e) {
      throw abort(where + ": the batch update failed", e, b + 1, failures);
    }

    if (s.greedyAcceptance() && outcome == UpdateOutcome.ACCEPTED) {
      ProfilePrompt candidate = proposed;
      List<UserCase> scoredUsers = outcomes.stream().map(UserOutcome::user).toList();
      Gathered<ScoreResult> rescored = Chains.run(pool, scoredUsers, u -> scoreChain(u, candidate, null));
      if (rescored.stop() != null) {
        throw abort(where + ": greedy re-scoring stopped", rescored.stop(), b + 1, failures);
      }
      double oldSum = 0;
      double newSum = 0;
      int m = 0;
      for (int i = 0; i < outcomes.size(); i++) {
        ScoreResult r = rescored.results().get(i);
        if (r != null && r.failure() == null) {
          oldSum += outcomes.get(i).feedback().ndcg();
          newSum += r.ndcg();
          m++;
        }
      }
      if (m == 0 || newSum <= oldSum) {
        meter.recordRejectedUpdate(Stage.OPTIMIZE);
        outcome = UpdateOutcome.REVERTED;
        reason = m == 0
            ? "greedy: every re-scored user failed"
            : String.format(Locale.ROOT, "greedy: batch NDCG %.4f with the new prompt, %.4f with the old",
                newSum / m, oldSum / m);
        proposed = prompt;
      }
    }

    BatchRecord record = new BatchRecord(
        epoch, b + 1, ids, failures, feedback.ndcg(), feedback.averagePosition(), feedback.strength(),
        feedback.text(), feedback.summarised(), feedback.droppedUsers(), prompt.text(), proposed.text(),
        outcome, reason, meter.snapshot().minus(before));
    finishBatch(record, proposed);
  }

  private void finishBatch(BatchRecord record, ProfilePrompt next) {
    current = next;
    pending.clear();
    batchRecords.add(record);
    log.debug("Epoch {}, batch {}: NDCG {} -> {}", record.epoch(), record.batch(), record.ndcg(), record.outcome());
    listeners.onBatchEnd(record);
  }

  /**
   * One training user's chain under {@code prompt} as steps: profile, then rerank and feedback,
   * then the critique in paper mode. Each step is scheduled on its own, and what it produced is
   * kept in {@link #pending} (for a checkpoint) before the next one is queued; a chain cut short
   * by a stop resumes from its last finished call. A user that fails is redone whole.
   */
  private Step<UserResult> trainingChain(UserCase u, ProfilePrompt prompt, int e, int b, boolean notify) {
    StoredOutcome stored = pending.get(u.userId());
    if (stored == null || !stored.matches(e, b, prompt.text())) {
      return () -> profileStep(u, prompt, e, b, notify);
    }
    UserProfile profile = new UserProfile(u.userId(), stored.profile());
    Ranking ranking = stored.ranking();
    if (ranking == null) {
      return () -> rerankStep(u, prompt, profile, e, b, notify);
    }
    return () -> {
      PositionFeedback feedback = pipeline.feedback().feedback(u, ranking);
      if (stored.critiqued() || !needsCritique(feedback)) {
        return Next.done(finished(u, prompt, profile, ranking, feedback,
            stored.critiqued() ? Optional.of(stored.critique()) : Optional.empty(), e, b, notify));
      }
      return Next.then(() -> critiqueStep(u, prompt, profile, ranking, feedback, e, b, notify));
    };
  }

  private Next<UserResult> profileStep(UserCase u, ProfilePrompt prompt, int e, int b, boolean notify) {
    UserProfile profile;
    try {
      profile = pipeline.profiles().generate(u, prompt);
    } catch (LlmBudgetExceededException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      return Next.done(failed(u, Stage.PROFILE, ex, notify));
    }
    pending.put(u.userId(), new StoredOutcome(e, b, prompt.text(), u.userId(), profile.text(), null, false, ""));
    return Next.then(() -> rerankStep(u, prompt, profile, e, b, notify));
  }

  private Next<UserResult> rerankStep(UserCase u, ProfilePrompt prompt, UserProfile profile, int e, int b,
      boolean notify) {
    Ranking ranking;
    PositionFeedback feedback;
    try {
      ranking = checked(u, pipeline.reranker().rerank(u, profile));
      feedback = pipeline.feedback().feedback(u, ranking);
    } catch (LlmBudgetExceededException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      return Next.done(failed(u, Stage.RERANK, ex, notify));
    }
    pending.put(u.userId(), new StoredOutcome(e, b, prompt.text(), u.userId(), profile.text(), ranking, false, ""));
    if (!needsCritique(feedback)) {
      return Next.done(finished(u, prompt, profile, ranking, feedback, Optional.empty(), e, b, notify));
    }
    return Next.then(() -> critiqueStep(u, prompt, profile, ranking, feedback, e, b, notify));
  }

  private Next<UserResult> critiqueStep(UserCase u, ProfilePrompt prompt, UserProfile profile, Ranking ranking,
      PositionFeedback feedback, int e, int b, boolean notify) {
    String critique;
    try {
      critique = java.util.Objects.requireNonNull(pipeline.critic()).critique(u, prompt, profile, ranking, feedback);
    } catch (LlmBudgetExceededException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      return Next.done(failed(u, Stage.CRITIQUE, ex, notify));
    }
    return Next.done(finished(u, prompt, profile, ranking, feedback, Optional.of(critique), e, b, notify));
  }

  private boolean needsCritique(PositionFeedback feedback) {
    return pipeline.critic() != null && !feedback.atTarget();
  }

  private UserResult finished(UserCase u, ProfilePrompt prompt, UserProfile profile, Ranking ranking,
      PositionFeedback feedback, Optional<String> critique, int e, int b, boolean notify) {
    pending.put(u.userId(), new StoredOutcome(e, b, prompt.text(), u.userId(), profile.text(), ranking,
        critique.isPresent(), critique.orElse("")));
    if (notify) {
      listeners.onUserDone(u.userId(), true);
    }
    return UserResult.done(new UserOutcome(u, prompt, profile, ranking, feedback, critique));
  }

  private UserResult failed(UserCase u, Stage stage, RuntimeException ex, boolean notify) {
    log.debug("User {} failed at {}", u.userId(), stage, ex);
    pending.remove(u.userId());
    if (notify) {
      listeners.onUserDone(u.userId(), false);
    }
    return UserResult.failed(UserFailure.of(u.userId(), stage, ex));
  }

  /**
   * Profile and rerank under {@code prompt}, scored by NDCG at the cutoff: two steps. With {@code
   * kept}, a profile already there is reused and a new one is kept until the user is scored.
   */
  private Step<ScoreResult> scoreChain(UserCase u, ProfilePrompt prompt, @Nullable Map<String, String> kept) {
    String known = kept == null ? null : kept.get(u.userId());
    if (known != null) {
      UserProfile profile = new UserProfile(u.userId(), known);
      return () -> scoreRerank(u, profile, kept);
    }
    return () -> {
      UserProfile profile;
      try {
        profile = pipeline.profiles().generate(u, prompt);
      } catch (LlmBudgetExceededException e) {
        throw e;
      } catch (RuntimeException e) {
        return Next.done(scoreFailed(u, Stage.PROFILE, e));
      }
      if (kept != null) {
        kept.put(u.userId(), profile.text());
      }
      return Next.then(() -> scoreRerank(u, profile, kept));
    };
  }

  private Next<ScoreResult> scoreRerank(UserCase u, UserProfile profile, @Nullable Map<String, String> kept) {
    try {
      Ranking ranking = checked(u, pipeline.reranker().rerank(u, profile));
      listeners.onUserDone(u.userId(), true);
      return Next.done(new ScoreResult(Ndcg.at(ranking.itemIds(), u.relevantItemIds(), s.cutoff()), null));
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      if (kept != null) {
        kept.remove(u.userId()); // a failed user is redone whole
      }
      return Next.done(scoreFailed(u, Stage.RERANK, e));
    }
  }

  private ScoreResult scoreFailed(UserCase u, Stage stage, RuntimeException e) {
    log.debug("User {} failed at {} while scoring", u.userId(), stage, e);
    listeners.onUserDone(u.userId(), false);
    return new ScoreResult(0, UserFailure.of(u.userId(), stage, e));
  }

  private static Ranking checked(UserCase u, Ranking r) {
    if (!r.isPermutationOf(u)) {
      throw new IllegalStateException(
          "the reranker returned " + r.itemIds() + ", not a permutation of the candidates of user " + u.userId());
    }
    return r;
  }

  // ---------------------------------------------------------------- validation

  private void validate(int epochNumber) {
    String text = current.text();
    Double known = scored.get(text);
    List<UserFailure> failures = new ArrayList<>();
    double mean;
    boolean reused = known != null;
    if (known != null) {
      mean = known;
    } else {
      if (!pendingScoresPrompt.equals(text)) {
        pendingScores.clear();
        pendingProfiles.clear();
        pendingScoresPrompt = text;
      }
      ProfilePrompt prompt = current;
      CountDownLatch gate = Chains.gate();
      if (nextBatchFollows(epochNumber)) {
        prefetched = startNextBatch(epochNumber + 1, gate); // first in the queue: its chains are the longer ones
      }
      Chains<ScoreResult> chains = Chains.start(pool, validation, u -> {
        Double done = pendingScores.get(u.userId());
        return done != null ? () -> Next.done(new ScoreResult(done, null)) : scoreChain(u, prompt, pendingProfiles);
      }, gate);
      gate.countDown();
      Gathered<ScoreResult> g = chains.await();
      double sum = 0;
      int ok = 0;
      for (int i = 0; i < validation.size(); i++) {
        ScoreResult r = g.results().get(i);
        if (r == null) {
          continue;
        }
        if (r.failure() != null) {
          failures.add(r.failure());
        } else {
          pendingScores.put(validation.get(i).userId(), r.ndcg());
          sum += r.ndcg();
          ok++;
        }
      }
      String where = epochNumber == 0 ? "scoring the initial prompt" : "validation after epoch " + epochNumber;
      if (g.stop() != null) {
        stopPrefetch();
        throw abort(where, g.stop(), 0, failures);
      }
      if (failures.size() > s.maxFailureRate() * validation.size()) {
        stopPrefetch();
        checkpoint();
        throw new AgpFitException(
            where + ": " + failures.size() + " of " + validation.size() + " validation users failed, more than"
                + " maxFailureRate " + s.maxFailureRate() + " allows. First causes: " + FitSupport.causes(failures)
                + FitSupport.checkpointNote(checkpointPath),
            null, epochNumber, 0, failures, checkpointPath);
      }
      mean = ok == 0 ? 0 : sum / ok;
      scored.put(text, mean);
      pendingScores.clear();
      pendingProfiles.clear();
      pendingScoresPrompt = "";
    }
    boolean improved = mean > bestScore + IMPROVEMENT;
    if (improved) {
      best = current;
      bestScore = mean;
      bestEpoch = epochNumber;
      sinceImprovement = 0;
    } else if (epochNumber > 0) {
      sinceImprovement++;
    }
    EpochRecord record = new EpochRecord(
        epochNumber, text, mean, validation.size() - failures.size(), failures, improved, reused);
    epochRecords.add(record);
    log.info("AGP epoch {}/{}: validation NDCG@{} {} (best {} from epoch {}){}",
        epochNumber, s.epochs(), s.cutoff(), String.format(Locale.ROOT, "%.4f", mean),
        String.format(Locale.ROOT, "%.4f", bestScore), bestEpoch, reused ? ", prompt unchanged" : "");
    listeners.onValidation(record);
  }

  /**
   * Whether the first batch of epoch {@code epochNumber + 1} runs whatever this validation pass
   * finds, with the prompt it scores: then that batch's calls can start now, alongside the pass.
   * Not when the pass could end the fit (the last epoch, or patience running out): a call the fit
   * might not have made is never made ahead.
   */
  private boolean nextBatchFollows(int epochNumber) {
    if (epochNumber >= s.epochs() || train.isEmpty()) {
      return false;
    }
    return epochNumber == 0 || sinceImprovement + 1 < s.patience();
  }

  private Prefetch startNextBatch(int nextEpoch, CountDownLatch gate) {
    List<String> order = Seeds.shuffle(train.stream().map(UserCase::userId).toList(), s.seed(), nextEpoch);
    List<String> ids = FitSupport.partition(order, s.batchSize()).get(0);
    List<UserCase> users = ids.stream().map(trainById::get).toList();
    ProfilePrompt prompt = current;
    pending.values().removeIf(p -> !p.matches(nextEpoch, 0, prompt.text()));
    LlmUsageMeter calls = new LlmUsageMeter();
    // no onUserDone while validating: runBatch reports these users after its onBatchStart
    Chains<UserResult> chains =
        Chains.start(pool, users, u -> counted(trainingChain(u, prompt, nextEpoch, 0, false), calls), gate);
    return new Prefetch(nextEpoch, 0, prompt.text(), ids, chains, calls);
  }

  /** The chain with its calls counted on {@code calls} as well. */
  private <T> Step<T> counted(Step<T> chain, LlmUsageMeter calls) {
    return Chains.around(chain, () -> chainUsage.set(calls), chainUsage::remove);
  }

  /** Lets the next batch's started calls finish (what they produced stays in {@link #pending}), starts no more. */
  private void stopPrefetch() {
    Prefetch ahead = prefetched;
    prefetched = null;
    if (ahead != null) {
      ahead.chains().stop();
      ahead.chains().await();
    }
  }

  /** The next batch, started early. */
  private record Prefetch(
      int epoch, int batch, String prompt, List<String> userIds, Chains<UserResult> chains, LlmUsageMeter usage) {
    boolean matches(int e, int b, String p, List<String> ids) {
      return epoch == e && batch == b && prompt.equals(p) && userIds.equals(ids);
    }
  }

  // ---------------------------------------------------------------- concurrency

  private AgpFitException abort(String where, RuntimeException cause, int batch, List<UserFailure> failures) {
    checkpoint();
    return new AgpFitException(FitSupport.stopReason(where, cause) + FitSupport.checkpointNote(checkpointPath),
        cause, epoch, batch, failures, checkpointPath);
  }

  private record UserResult(@Nullable UserOutcome outcome, @Nullable UserFailure failure) {
    static UserResult done(UserOutcome o) {
      return new UserResult(o, null);
    }

    static UserResult failed(UserFailure f) {
      return new UserResult(null, f);
    }

    String userId() {
      return outcome != null ? outcome.user().userId() : java.util.Objects.requireNonNull(failure).userId();
    }
  }

  private record ScoreResult(double ndcg, @Nullable UserFailure failure) {}

  // ---------------------------------------------------------------- checkpoint

  private FitHistory history() {
    return new FitHistory(epochRecords, batchRecords, bestEpoch, Math.max(0, bestScore), stoppedEarly);
  }

  private List<StoredOutcome> pendingList() {
    List<StoredOutcome> list = new ArrayList<>(pending.values());
    list.sort(Comparator.comparing(StoredOutcome::userId));
    return list;
  }

  private void checkpoint() {
    if (checkpointPath == null) {
      return;
    }
    CheckpointDocument doc = new CheckpointDocument(
        AgpCheckpoint.KIND.format(), AgpCheckpoint.KIND.version(), fingerprint,
        new State(epoch, nextBatch, epochOrder, epochTrained, initialDone, finished, stoppedEarly,
            current.text(), best.text(), bestScore, bestEpoch, sinceImprovement, scored),
        pendingList(), new PendingScores(pendingScoresPrompt, pendingScores, new java.util.TreeMap<>(pendingProfiles)),
        history(), meter.snapshot());
    Checkpoints.write(checkpointPath, doc);
  }

  private boolean restore() {
    if (checkpointPath == null) {
      return false;
    }
    Optional<CheckpointDocument> read = FitCheckpoint.resume(checkpointPath, AgpCheckpoint.KIND, fingerprint,
        doc -> AgpCheckpointCheck.validate(checkpointPath, doc, s, train, validation));
    if (read.isEmpty()) {
      return false;
    }
    CheckpointDocument doc = read.get();
    State st = doc.state();
    epoch = st.epoch();
    nextBatch = st.nextBatch();
    epochOrder = List.copyOf(st.epochOrder());
    epochTrained = st.epochTrained();
    initialDone = st.initialDone();
    finished = st.finished();
    stoppedEarly = st.stoppedEarly();
    current = new ProfilePrompt(st.currentPrompt());
    best = new ProfilePrompt(st.bestPrompt());
    bestScore = st.bestScore();
    bestEpoch = st.bestEpoch();
    sinceImprovement = st.sinceImprovement();
    scored.putAll(st.scoredPrompts());
    if (doc.history() != null) {
      epochRecords.addAll(doc.history().epochs());
      batchRecords.addAll(doc.history().batches());
    }
    if (doc.pending() != null) {
      doc.pending().forEach(p -> pending.put(p.userId(), p));
    }
    if (doc.pendingScores() != null) {
      pendingScoresPrompt = doc.pendingScores().prompt();
      pendingScores.putAll(doc.pendingScores().scores());
      if (doc.pendingScores().profiles() != null) {
        pendingProfiles.putAll(doc.pendingScores().profiles());
      }
    }
    if (doc.usage() != null) {
      meter.add(doc.usage());
    }
    FitCheckpoint.requireScheduledUsers(checkpointPath, epochOrder, trainById.keySet());
    return true;
  }
}
