package dev.agp;

import dev.agp.internal.FitCheckpoint;
import dev.agp.llm.UsageReport;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoint document of an AGP fit: written after every batch and validation, read to resume
 * ({@link AgpCheckpointCheck} checks every field first). The records are the file's JSON.
 */
final class AgpCheckpoint {

  /**
   * The document's format {@code "agp-checkpoint"}, its version (2: checkpoints carry a checksum) and what
   * {@link FitCheckpoint#resume} tells the user of an older file.
   */
  static final FitCheckpoint.Kind<CheckpointDocument> KIND = new FitCheckpoint.Kind<>(
      CheckpointDocument.class, "agp-checkpoint", 2, "AGP",
      "it was written by an earlier release, before checkpoints carried a checksum: move it away");

  private AgpCheckpoint() {}

  /** The saved form of a fit in progress. */
  record CheckpointDocument(
      String format,
      int version,
      Map<String, String> config,
      State state,
      List<StoredOutcome> pending,
      PendingScores pendingScores,
      FitHistory history,
      UsageReport usage) implements FitCheckpoint.Document {}

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

  /**
   * A user of a batch that did not finish, reused on resume instead of calling again: a finished
   * chain, or the calls made so far of one a stop cut short ({@code ranking} null: the rerank is
   * still to do; a ranking that needs a critique and {@code critiqued} false: the critique is).
   */
  record StoredOutcome(
      int epoch,
      int batch,
      String prompt,
      String userId,
      String profile,
      @Nullable Ranking ranking,
      boolean critiqued,
      String critique) {
    boolean matches(int e, int b, String p) {
      return epoch == e && batch == b && prompt.equals(p);
    }
  }

  /**
   * Validation scores of users finished before a validation pass stopped, and the profiles of
   * users whose rerank it cut short ({@code null} in checkpoints written before they were kept).
   */
  record PendingScores(String prompt, Map<String, Double> scores, @Nullable Map<String, String> profiles) {}
}
