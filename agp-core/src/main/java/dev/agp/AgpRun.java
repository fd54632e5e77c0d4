package dev.agp;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.agp.internal.Checkpoints;
import dev.agp.internal.Fingerprints;
import dev.agp.internal.FitSupport;
import dev.agp.internal.Ndcg;
import dev.agp.internal.OrderedTasks.Gathered;
import dev.agp.internal.OrderedTasks;
import dev.agp.internal.Seeds;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmUsageMeter;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One fit: the schedule, its state, and the checkpoint that mirrors it. */
final class AgpRun {

  static final String CHECKPOINT_FORMAT = "agp-checkpoint";
  /** 2: the checkpoint carries a checksum of its content. */
  static final int CHECKPOINT_VERSION = 2;
  private static final double IMPROVEMENT = 1e-12;

  private static final Logger log = LoggerFactory.getLogger(AgpRun.class);

  private final AgpSettings s;
  private final List<UserCase> train;
  private final List<UserCase> validation;
  private final Map<String, UserCase> trainById = new HashMap<>();
  private final LlmUsageMeter meter;
  private final AgpOptimizer.Pipeline pipeline;
  private final SafeListeners listeners;
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
  private final Map<String, StoredOutcome> pending = new LinkedHashMap<>();
  private String pendingScoresPrompt = "";
  private final Map<String, Double> pendingScores = new LinkedHashMap<>();

  private @Nullable ExecutorService pool;

  AgpRun(AgpOptimizer optimizer, List<UserCase> train, List<UserCase> validation) {
    this.s = optimizer.settings();
    this.train = train;
    this.validation = validation;
    train.forEach(u -> trainById.put(u.userId(), u));
    this.listeners = new SafeListeners(optimizer.listeners());
    this.meter = new LlmUsageMeter(optimizer.ticker()).addListener(listeners::onLlmCall);
    this.pipeline = optimizer.pipeline(meter);
    this.checkpointPath = optimizer.checkpointPath().orElse(null);
    this.current = s.initialPrompt();
    this.best = s.initialPrompt();
    Map<String, String> f = new LinkedHashMap<>(s.fingerprint());
    f.put("trainUsers", train.size() + " users, sha256 " + Fingerprints.users(train));
    f.put("validationUsers", validation.size() + " users, sha256 " + Fingerprints.users(validation));
    this.fingerprint = Collections.unmodifiableMap(f);
  }

  AgpModel run() {
    boolean resumed = restore();
    listeners.onFitStart(Estimates.of(s, train, validation), resumed);
    if (resumed) {
      log.info("Resuming AGP from {} at epoch {}, batch {}", checkpointPath, epoch, nextBatch + 1);
    }
    if (!finished) {
      pool = Executors.newFixedThreadPool(
          s.concurrency(), new ThreadFactoryBuilder().setDaemon(true).setNameFormat("agp-fit-%d").build());
      try {
        loop();
      } finally {
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
    finished = true;
    checkpoint();
  }

  // ---------------------------------------------------------------- a training batch

  private void runBatch(int b, int batches, List<String> ids) {
    List<UserCase> users = ids.stream().map(trainById::get).toList();
    listeners.onBatchStart(epoch, b + 1, batches, users.size());
    UsageReport before = meter.snapshot();
    ProfilePrompt prompt = current;
    if (!pending.isEmpty() && !pending.values().iterator().next().matches(epoch, b, prompt.text())) {
      pending.clear();
    }
    Gathered<UserResult> g = OrderedTasks.run(pool, users, u -> {
      StoredOutcome stored = pending.get(u.userId());
      return stored != null ? UserResult.done(restore(stored, u, prompt)) : chain(u, prompt);
    });
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
    keepPending(outcomes, b);
    String where = String.format(Locale.ROOT, "epoch %d, batch %d", epoch, b + 1);
    if (g.stop() != null) {
      throw abort(where, g.stop(), b + 1, failures);
    }
    if (failures.size() > s.maxFailureRate() * users.size()) {
      checkpoint();
      throw new AgpFitException(
          where + ": " + failures.size() + " of " + users.size() + " users failed, more than maxFailureRate "
              + s.maxFailureRate() + " allows. First causes: " + FitSupport.causes(failures) + FitSupport.checkpointNote(checkpointPath),
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
      Gathered<ScoreResult> rescored = OrderedTasks.run(pool, scoredUsers, u -> scoreUser(u, candidate));
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

  /** One training user's chain: profile, rerank, feedback, and the critique in paper mode. */
  private UserResult chain(UserCase u, ProfilePrompt prompt) {
    Stage stage = Stage.PROFILE;
    try {
      UserProfile profile = pipeline.profiles().generate(u, prompt);
      stage = Stage.RERANK;
      Ranking ranking = checked(u, pipeline.reranker().rerank(u, profile));
      PositionFeedback feedback = pipeline.feedback().feedback(u, ranking);
      Optional<String> critique = Optional.empty();
      if (pipeline.critic() != null && !feedback.atTarget()) {
        stage = Stage.CRITIQUE;
        critique = Optional.of(pipeline.critic().critique(u, prompt, profile, ranking, feedback));
      }
      listeners.onUserDone(u.userId(), true);
      return UserResult.done(new UserOutcome(u, prompt, profile, ranking, feedback, critique));
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      log.debug("User {} failed at {}", u.userId(), stage, e);
      listeners.onUserDone(u.userId(), false);
      return UserResult.failed(UserFailure.of(u.userId(), stage, e));
    }
  }

  /** Profile and rerank under {@code prompt}, scored by NDCG at the cutoff. */
  private ScoreResult scoreUser(UserCase u, ProfilePrompt prompt) {
    Stage stage = Stage.PROFILE;
    try {
      UserProfile profile = pipeline.profiles().generate(u, prompt);
      stage = Stage.RERANK;
      Ranking ranking = checked(u, pipeline.reranker().rerank(u, profile));
      listeners.onUserDone(u.userId(), true);
      return new ScoreResult(Ndcg.at(ranking.itemIds(), u.relevantItemIds(), s.cutoff()), null);
    } catch (LlmBudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      log.debug("User {} failed at {} while scoring", u.userId(), stage, e);
      listeners.onUserDone(u.userId(), false);
      return new ScoreResult(0, UserFailure.of(u.userId(), stage, e));
    }
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
        pendingScoresPrompt = text;
      }
      ProfilePrompt prompt = current;
      Gathered<ScoreResult> g = OrderedTasks.run(pool, validation, u -> {
        Double done = pendingScores.get(u.userId());
        return done != null ? new ScoreResult(done, null) : scoreUser(u, prompt);
      });
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
        throw abort(where, g.stop(), 0, failures);
      }
      if (failures.size() > s.maxFailureRate() * validation.size()) {
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
  }

  private record ScoreResult(double ndcg, @Nullable UserFailure failure) {}

  // ---------------------------------------------------------------- checkpoint

  private FitHistory history() {
    return new FitHistory(epochRecords, batchRecords, bestEpoch, Math.max(0, bestScore), stoppedEarly);
  }

  private void keepPending(List<UserOutcome> outcomes, int b) {
    pending.clear();
    for (UserOutcome o : outcomes) {
      pending.put(o.user().userId(), new StoredOutcome(
          epoch, b, o.prompt().text(), o.user().userId(), o.profile().text(), o.ranking(),
          o.critique().isPresent(), o.critique().orElse("")));
    }
  }

  private UserOutcome restore(StoredOutcome stored, UserCase u, ProfilePrompt prompt) {
    PositionFeedback feedback = pipeline.feedback().feedback(u, stored.ranking());
    listeners.onUserDone(u.userId(), true);
    return new UserOutcome(u, prompt, new UserProfile(u.userId(), stored.profile()), stored.ranking(), feedback,
        stored.critiqued() ? Optional.of(stored.critique()) : Optional.empty());
  }

  private void checkpoint() {
    if (checkpointPath == null) {
      return;
    }
    CheckpointDocument doc = new CheckpointDocument(
        CHECKPOINT_FORMAT, CHECKPOINT_VERSION, fingerprint,
        new State(epoch, nextBatch, epochOrder, epochTrained, initialDone, finished, stoppedEarly,
            current.text(), best.text(), bestScore, bestEpoch, sinceImprovement, scored),
        List.copyOf(pending.values()), new PendingScores(pendingScoresPrompt, pendingScores),
        history(), meter.snapshot());
    Checkpoints.write(checkpointPath, doc);
  }

  private boolean restore() {
    if (checkpointPath == null) {
      return false;
    }
    Optional<Checkpoints.Read<CheckpointDocument>> read = Checkpoints.read(checkpointPath, CheckpointDocument.class);
    if (read.isEmpty()) {
      return false;
    }
    CheckpointDocument doc = read.get().document();
    if (!CHECKPOINT_FORMAT.equals(doc.format()) || doc.version() != CHECKPOINT_VERSION || doc.state() == null) {
      throw new CheckpointException(checkpointPath, "version",
          checkpointPath + " is not an AGP checkpoint of version " + CHECKPOINT_VERSION + " (format "
              + doc.format() + ", version " + doc.version() + ")"
              + (CHECKPOINT_FORMAT.equals(doc.format()) && doc.version() < CHECKPOINT_VERSION
                  ? "; it was written by an earlier release, before checkpoints carried a checksum: move it away" : ""),
          null);
    }
    Checkpoints.requireSameConfiguration(checkpointPath, doc.config(), fingerprint);
    AgpCheckpointCheck.validate(checkpointPath, doc, s, train, validation);
    Checkpoints.requireIntact(checkpointPath, read.get().tree());
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
    }
    if (doc.usage() != null) {
      meter.add(doc.usage());
    }
    if (!epochOrder.isEmpty() && !new TreeSet<>(epochOrder).equals(new TreeSet<>(trainById.keySet()))) {
      throw new IllegalStateException("the checkpoint " + checkpointPath + " schedules other training users");
    }
    return true;
  }

  /** The saved form of a fit in progress. */
  record CheckpointDocument(
      String format,
      int version,
      Map<String, String> config,
      State state,
      List<StoredOutcome> pending,
      PendingScores pendingScores,
      FitHistory history,
      UsageReport usage) {}

  /** Where the schedule stands. */
  record State(
      int epoch,
      int nextBatch,
      List<String> epochOrder,
      boolean epochTrained,
      boolean initialDone,
      boolean finished,
      boolean stoppedEarly,
      String currentPrompt,
      String bestPrompt,
      double bestScore,
      int bestEpoch,
      int sinceImprovement,
      Map<String, Double> scoredPrompts) {}

  /** A finished user of a batch that did not finish, reused on resume instead of calling again. */
  record StoredOutcome(
      int epoch,
      int batch,
      String prompt,
      String userId,
      String profile,
      Ranking ranking,
      boolean critiqued,
      String critique) {
    boolean matches(int e, int b, String p) {
      return epoch == e && batch == b && prompt.equals(p);
    }
  }

  /** Validation scores of users finished before a validation pass stopped. */
  record PendingScores(String prompt, Map<String, Double> scores) {}
}
