package dev.agp;

import dev.agp.internal.Checkpoints;
import dev.agp.internal.FitCheckpoint;
import dev.agp.internal.Seeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks every field of an AGP checkpoint against the configuration and against the rest of the
 * checkpoint before a fit resumes from it: where the schedule stands (epoch, batch, the epoch's
 * user order, the flags), the best prompt and its score, the history of batches and validations,
 * and the finished users kept for a batch that did not finish. A value no fit could have written
 * is refused with the file and the field named.
 */
final class AgpCheckpointCheck {

  private AgpCheckpointCheck() {}

  static void validate(
      Path path, AgpCheckpoint.CheckpointDocument doc, AgpSettings s, List<UserCase> train, List<UserCase> validation) {
    Checkpoints.Fields f = new Checkpoints.Fields(path);
    AgpCheckpoint.State st = f.present("state", doc.state());
    int epochs = s.epochs();
    int batches = (train.size() + s.batchSize() - 1) / s.batchSize();

    int epoch = f.range("state.epoch", st.epoch(), 1, epochs + 1);
    int nextBatch = f.range("state.nextBatch", st.nextBatch(), 0, batches);
    List<String> order = f.present("state.epochOrder", st.epochOrder());
    if (!order.isEmpty()) {
      f.require(epoch <= epochs && order.equals(Seeds.shuffle(train.stream().map(UserCase::userId).toList(), s.seed(), epoch)),
          "state.epochOrder", "is not the schedule of state.epoch " + epoch + " for these training users");
    }
    f.require(nextBatch == 0 || !order.isEmpty(), "state.nextBatch",
        "is " + nextBatch + " but no epoch is scheduled (state.epochOrder is empty)");
    f.require(!st.epochTrained() || nextBatch == batches, "state.epochTrained",
        "is true but only " + nextBatch + " of " + batches + " batches ran");
    f.require(st.initialDone() || (epoch == 1 && nextBatch == 0), "state.initialDone",
        "is false at epoch " + epoch + ", batch " + (nextBatch + 1));
    f.require(!st.finished() || epoch == epochs + 1, "state.finished",
        "is true at epoch " + epoch + " of " + epochs);
    f.require(!st.stoppedEarly() || epoch == epochs + 1, "state.stoppedEarly", "is true at epoch " + epoch);
    String current = f.present("state.currentPrompt", st.currentPrompt());
    String best = f.present("state.bestPrompt", st.bestPrompt());
    f.require(!current.isBlank(), "state.currentPrompt", "is blank");
    f.require(!best.isBlank(), "state.bestPrompt", "is blank");
    f.require(st.bestScore() == -1 || (st.bestScore() >= 0 && st.bestScore() <= 1), "state.bestScore",
        "is " + st.bestScore() + ", neither -1 (no score yet) nor an NDCG in [0, 1]");
    f.range("state.bestEpoch", st.bestEpoch(), 0, Math.max(0, epoch - 1));
    f.range("state.sinceImprovement", st.sinceImprovement(), 0, epochs);
    for (Map.Entry<String, Double> e : f.present("state.scoredPrompts", st.scoredPrompts()).entrySet()) {
      f.require(e.getKey() != null && e.getValue() != null, "state.scoredPrompts", "holds a null entry");
      f.range("state.scoredPrompts[...]", e.getValue(), 0, 1);
    }

    FitHistory history = f.present("history", doc.history());
    batchRecords(f, history.batches(), epoch, nextBatch, batches, st.stoppedEarly());
    // every epoch is validated right after its batches: all before the current one, or (after an
    // early stop) all that were trained
    int lastTrained = history.batches().isEmpty() ? 0 : history.batches().get(history.batches().size() - 1).epoch();
    epochRecords(f, history.epochs(), s, st, nextBatch > 0 ? epoch - 1 : lastTrained);
    String expectedCurrent = history.batches().isEmpty() ? s.initialPrompt().text()
        : history.batches().get(history.batches().size() - 1).promptAfter();
    f.require(current.equals(expectedCurrent), "state.currentPrompt",
        "is not the prompt the last batch of history.batches left");

    Map<String, UserCase> byId = train.stream().collect(Collectors.toMap(UserCase::userId, Function.identity()));
    List<AgpCheckpoint.StoredOutcome> pending = doc.pending() == null ? List.of() : doc.pending();
    for (int i = 0; i < pending.size(); i++) {
      AgpCheckpoint.StoredOutcome p = f.present("pending[" + i + "]", pending.get(i));
      UserCase u = byId.get(p.userId());
      f.require(u != null, "pending[" + i + "].userId", "is " + p.userId() + ", not a training user");
      f.require(p.profile() != null && p.prompt() != null && p.critique() != null, "pending[" + i + "]",
          "lacks its profile, prompt or critique");
      if (p.ranking() == null) {
        // the profile was written, the rerank had not answered yet: nothing after it can be stored
        f.require(!p.critiqued() && p.critique().isEmpty(), "pending[" + i + "].critique",
            "is stored for user " + p.userId() + " whose rerank never finished");
      } else {
        f.require(p.ranking().isPermutationOf(u), "pending[" + i + "].ranking",
            "is not a permutation of the candidates of user " + p.userId());
      }
    }
    if (doc.pendingScores() != null) {
      Set<String> ids = validation.stream().map(UserCase::userId).collect(Collectors.toSet());
      f.present("pendingScores.prompt", doc.pendingScores().prompt());
      for (Map.Entry<String, Double> e : f.present("pendingScores.scores", doc.pendingScores().scores()).entrySet()) {
        f.require(ids.contains(e.getKey()), "pendingScores.scores", "names " + e.getKey() + ", not a validation user");
        f.require(e.getValue() != null, "pendingScores.scores." + e.getKey(), "is null");
        f.range("pendingScores.scores." + e.getKey(), e.getValue(), 0, 1);
      }
      Map<String, String> profiles = doc.pendingScores().profiles();
      if (profiles != null) {
        for (Map.Entry<String, String> e : profiles.entrySet()) {
          f.require(ids.contains(e.getKey()), "pendingScores.profiles", "names " + e.getKey() + ", not a validation user");
          f.require(e.getValue() != null, "pendingScores.profiles." + e.getKey(), "is null");
        }
      }
    }
  }

  /** Batches run in order: every earlier epoch whole, the current one up to state.nextBatch. */
  private static void batchRecords(
      Checkpoints.Fields f, List<BatchRecord> records, int epoch, int nextBatch, int batches, boolean stoppedEarly) {
    FitCheckpoint.Position last =
        FitCheckpoint.batchSequence(f, records, BatchRecord::epoch, BatchRecord::batch, batches, "epoch");
    int recordedEpoch = last.round();
    int recordedBatches = last.batch();
    if (nextBatch > 0) {
      f.require(recordedEpoch == epoch && recordedBatches == nextBatch, "state.nextBatch",
          "is " + nextBatch + " at epoch " + epoch + " but history.batches ends at epoch " + recordedEpoch
              + ", batch " + recordedBatches);
    } else {
      boolean whole = records.isEmpty() || recordedBatches == batches;
      f.require(whole && (recordedEpoch == epoch - 1 || (stoppedEarly && recordedEpoch < epoch)), "state.epoch",
          "is " + epoch + " but history.batches ends at epoch " + recordedEpoch + ", batch " + recordedBatches);
    }
  }

  /** Validations in order (the initial prompt's first), one per trained epoch; the best and the count since. */
  private static void epochRecords(
      Checkpoints.Fields f, List<EpochRecord> records, AgpSettings s, AgpCheckpoint.State st, int expected) {
    int i = 0;
    boolean initial = s.scoreInitialPrompt() && st.initialDone();
    if (initial) {
      f.require(!records.isEmpty() && records.get(0).epoch() == 0, "history.epochs[0]",
          "is not the initial prompt's validation");
      i = 1;
    }
    int validated = records.size() - i;
    f.require(validated == expected, "history.epochs",
        "holds " + validated + " validations of trained epochs where " + expected + " belong");
    for (int k = i; k < records.size(); k++) {
      f.require(records.get(k).epoch() == k - i + 1, "history.epochs[" + k + "]",
          "is epoch " + records.get(k).epoch() + " where epoch " + (k - i + 1) + " belongs");
    }
    EpochRecord best = null;
    int since = 0;
    for (EpochRecord r : records) {
      f.range("history.epochs[" + r.epoch() + "].validationNdcg", r.validationNdcg(), 0, 1);
      if (r.best()) {
        best = r;
        since = 0;
      } else if (r.epoch() > 0) {
        since++;
      }
    }
    if (best == null) {
      f.require(st.bestScore() == -1 && st.bestEpoch() == 0 && st.bestPrompt().equals(s.initialPrompt().text()),
          "state.bestScore", "is " + st.bestScore() + " but no validation has been recorded");
    } else {
      f.require(st.bestEpoch() == best.epoch(), "state.bestEpoch",
          "is " + st.bestEpoch() + " but the best validation recorded is epoch " + best.epoch());
      f.require(st.bestScore() == best.validationNdcg(), "state.bestScore",
          "is " + st.bestScore() + " but epoch " + best.epoch() + " scored " + best.validationNdcg());
      f.require(st.bestPrompt().equals(best.prompt()), "state.bestPrompt",
          "is not the prompt of the best validation (epoch " + best.epoch() + ")");
    }
    f.require(st.sinceImprovement() == since, "state.sinceImprovement",
        "is " + st.sinceImprovement() + " but " + since + " validations came after the best one");
  }
}
