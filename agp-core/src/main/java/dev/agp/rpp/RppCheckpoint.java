package dev.agp.rpp;

import dev.agp.Ranking;
import dev.agp.internal.FitCheckpoint;
import dev.agp.llm.UsageReport;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoint document of an RPP fit: written after every batch, read to resume ({@link
 * RppCheckpointCheck} checks its schedule, episodes and history first; the agents and action spaces
 * are checked as they are restored). The records are the file's JSON.
 */
final class RppCheckpoint {

  /**
   * The document's format {@code "rpp-checkpoint"}, its version (3: checkpoints carry a checksum) and what
   * {@link FitCheckpoint#resume} tells the user of an older file.
   */
  static final FitCheckpoint.Kind<CheckpointDocument> KIND = new FitCheckpoint.Kind<>(
      CheckpointDocument.class, "rpp-checkpoint", 3, "RPP",
      "it was written by an earlier release: move it away to start a new fit");

  private RppCheckpoint() {}

  /** The saved form of a fit in progress. */
  record CheckpointDocument(
      String format,
      int version,
      Map<String, String> config,
      State state,
      List<StoredUser> pending,
      RppHistory history,
      UsageReport usage) implements FitCheckpoint.Document {}

  /** Where the schedule stands, and the learned state. */
  record State(
      int iteration,
      int nextBatch,
      List<String> order,
      boolean finished,
      Map<String, StoredEpisode> episodes,
      Map<PromptPattern, AgentState> agents,
      Map<PromptPattern, List<ActionSpace.Action>> actions,
      List<RewriteEvidence.Entry> evidence) {}

  /** A user's episode. */
  record StoredEpisode(List<Integer> current, int historyLength, int step) {
    static StoredEpisode of(Policy.Episode e) {
      return new StoredEpisode(java.util.Arrays.stream(e.current()).boxed().toList(), e.historyLength(), e.step());
    }

    Policy.Episode toEpisode() {
      return new Policy.Episode(current.stream().mapToInt(Integer::intValue).toArray(), historyLength, step);
    }
  }

  /** An agent's networks and optimiser moments, packed by {@link PackedDoubles}. */
  record AgentState(
      int active,
      String actor,
      String actorM,
      String actorV,
      long actorSteps,
      String critic,
      String criticM,
      String criticV,
      long criticSteps) {

    static AgentState of(Agent a) {
      return new AgentState(
          a.active(), PackedDoubles.pack(a.actor.params), PackedDoubles.pack(a.actorAdam.m),
          PackedDoubles.pack(a.actorAdam.v), a.actorAdam.steps, PackedDoubles.pack(a.critic.params),
          PackedDoubles.pack(a.criticAdam.m), PackedDoubles.pack(a.criticAdam.v), a.criticAdam.steps);
    }

    /** Copies this state into {@code a}, whose shapes it must match. */
    void restoreInto(Agent a) {
      copy(actor, a.actor.params, "actor");
      copy(actorM, a.actorAdam.m, "actor moments");
      copy(actorV, a.actorAdam.v, "actor moments");
      copy(critic, a.critic.params, "critic");
      copy(criticM, a.criticAdam.m, "critic moments");
      copy(criticV, a.criticAdam.v, "critic moments");
      if (actorSteps < 0 || criticSteps < 0) {
        throw new IllegalArgumentException("negative optimiser step counts");
      }
      a.actorAdam.steps = actorSteps;
      a.criticAdam.steps = criticSteps;
      a.restoreActive(active);
    }

    private static void copy(String packed, double[] to, String what) {
      double[] from = PackedDoubles.unpack(packed, to.length, what);
      for (double v : from) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(what + " holds a non-finite value");
        }
      }
      System.arraycopy(from, 0, to, 0, to.length);
    }
  }

  /** A user of a batch that did not finish: what its calls returned, reused on resume. */
  record StoredUser(
      int iteration,
      int batch,
      String userId,
      @Nullable Map<PromptPattern, String> rewrites,
      int rejected,
      @Nullable Ranking ranking) {
    boolean matches(int i, int b) {
      return iteration == i && batch == b;
    }
  }
}
