package dev.agp.rpp;

import dev.agp.UserCase;
import dev.agp.internal.Checkpoints;
import dev.agp.internal.FitCheckpoint;
import dev.agp.internal.Seeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks every field of an RPP checkpoint's schedule, episodes and history against the
 * configuration and against each other before a fit resumes from it (the agents' networks and the
 * action spaces are checked as they are restored). A value no fit could have written is refused
 * with the file and the field named.
 */
final class RppCheckpointCheck {

  private RppCheckpointCheck() {}

  static void validate(Path path, RppCheckpoint.CheckpointDocument doc, RppSettings s, List<UserCase> train) {
    Checkpoints.Fields f = new Checkpoints.Fields(path);
    RppCheckpoint.State st = f.present("state", doc.state());
    int iterations = s.iterations();
    int batches = (train.size() + s.batchSize() - 1) / s.batchSize();

    int iteration = f.range("state.iteration", st.iteration(), 1, iterations + 1);
    int nextBatch = f.range("state.nextBatch", st.nextBatch(), 0, batches);
    List<String> order = f.present("state.order", st.order());
    if (!order.isEmpty()) {
      f.require(iteration <= iterations && order.equals(Seeds.shuffle(
              train.stream().map(UserCase::userId).toList(), s.seed(), RppRun.SCHEDULE_STREAM + iteration)),
          "state.order", "is not the schedule of state.iteration " + iteration + " for these training users");
    }
    f.require(nextBatch == 0 || !order.isEmpty(), "state.nextBatch",
        "is " + nextBatch + " but no iteration is scheduled (state.order is empty)");
    f.require(!st.finished() || iteration == iterations + 1, "state.finished",
        "is true at iteration " + iteration + " of " + iterations);

    Map<String, UserCase> byId = train.stream().collect(Collectors.toMap(UserCase::userId, Function.identity()));
    int[] base = s.baseActions();
    for (Map.Entry<String, RppCheckpoint.StoredEpisode> e : f.present("state.episodes", st.episodes()).entrySet()) {
      String field = "state.episodes." + e.getKey();
      f.require(byId.containsKey(e.getKey()), field, "names no training user");
      RppCheckpoint.StoredEpisode ep = f.present(field, e.getValue());
      List<Integer> current = f.present(field + ".current", ep.current());
      f.require(current.size() == PromptPattern.values().length, field + ".current",
          "has " + current.size() + " patterns, not " + PromptPattern.values().length);
      for (PromptPattern p : PromptPattern.values()) {
        Integer a = current.get(p.ordinal());
        f.require(a != null && (a == StateEncoder.NONE || (a >= 0 && a < base[p.ordinal()])),
            field + ".current[" + p.ordinal() + "]", "is " + a + ", not a base action of " + p);
      }
      f.range(field + ".historyLength", ep.historyLength(), 0, s.maxHistoryLength());
      f.range(field + ".step", ep.step(), 0, iterations);
    }

    RppHistory history = f.present("history", doc.history());
    List<RppBatchRecord> records = history.batches();
    FitCheckpoint.Position last = FitCheckpoint.batchSequence(
        f, records, RppBatchRecord::iteration, RppBatchRecord::batch, batches, "iteration");
    int lastIteration = last.round();
    int lastBatch = last.batch();
    if (nextBatch > 0) {
      f.require(lastIteration == iteration && lastBatch == nextBatch, "state.nextBatch",
          "is " + nextBatch + " at iteration " + iteration + " but history.batches ends at iteration "
              + lastIteration + ", batch " + lastBatch);
    } else {
      f.require((records.isEmpty() && iteration == 1) || (lastIteration == iteration - 1 && lastBatch == batches),
          "state.iteration", "is " + iteration + " but history.batches ends at iteration " + lastIteration
              + ", batch " + lastBatch);
    }
    List<RppIterationRecord> done = history.iterations();
    f.require(done.size() == iteration - 1, "history.iterations",
        "holds " + done.size() + " iterations at iteration " + iteration);
    for (int i = 0; i < done.size(); i++) {
      f.require(done.get(i).iteration() == i + 1, "history.iterations[" + i + "]",
          "is iteration " + done.get(i).iteration() + " where iteration " + (i + 1) + " belongs");
    }

    List<RppCheckpoint.StoredUser> pending = doc.pending() == null ? List.of() : doc.pending();
    for (int i = 0; i < pending.size(); i++) {
      RppCheckpoint.StoredUser p = f.present("pending[" + i + "]", pending.get(i));
      UserCase u = byId.get(p.userId());
      f.require(u != null, "pending[" + i + "].userId", "is " + p.userId() + ", not a training user");
      f.require(p.ranking() == null || p.ranking().isPermutationOf(u), "pending[" + i + "].ranking",
          "is not a permutation of the candidates of user " + p.userId());
      f.require(p.rejected() >= 0, "pending[" + i + "].rejected", "is negative");
    }
  }
}
