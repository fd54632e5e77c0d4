package dev.agp.internal;

import dev.agp.CheckpointException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoint document of a fit, as AGP and RPP share it: the steps of reading one to resume
 * (the file, its format and version, its configuration, every field, its checksum, in that order)
 * and the checks of the schedule both fits keep in the same shape (rounds of batches, the users a
 * round schedules). Each fit keeps its own document type and the checks of its own state.
 */
public final class FitCheckpoint {

  private FitCheckpoint() {}

  /** What every fit's checkpoint document starts with. */
  public interface Document {

    /**
     * The document's format name.
     *
     * @return such as {@code agp-checkpoint}, null in a file that lacks it
     */
    @Nullable String format();

    /**
     * The document's format version.
     *
     * @return the version, 0 in a file that lacks it
     */
    int version();

    /**
     * The configuration fingerprint of the fit that wrote it.
     *
     * @return setting to value, null in a file that lacks it
     */
    @Nullable Map<String, String> config();

    /**
     * Where the fit stands.
     *
     * @return the fit's state, null in a file that lacks it
     */
    @Nullable Object state();
  }

  /**
   * What a fit expects of its checkpoint documents.
   *
   * @param <D> the fit's document type
   * @param type the fit's document type
   * @param format the format name it writes
   * @param version the version it writes and reads
   * @param algorithm the algorithm's name in messages ({@code "AGP"})
   * @param earlierVersions what to tell the user of a file of an earlier version
   */
  public record Kind<D extends Document>(Class<D> type, String format, int version, String algorithm, String earlierVersions) {}

  /**
   * The checkpoint at {@code path}, read, checked and ready to resume from, or empty when there is
   * no file. Stray temporary files are removed first; then the format and version, the
   * configuration ({@code fingerprint}), the fit's own field checks ({@code validate}) and the
   * checksum are checked, in that order.
   *
   * @param <D> the fit's document type
   * @param path the checkpoint file
   * @param kind the documents the fit writes
   * @param fingerprint the configuration of the fit resuming
   * @param validate the fit's checks of the document's fields, throwing {@link CheckpointException}
   * @return the document, or empty when the file does not exist
   * @throws CheckpointException naming the file (and the field) if the document cannot be resumed
   */
  public static <D extends Document> Optional<D> resume(
      Path path, Kind<D> kind, Map<String, String> fingerprint, Consumer<D> validate) {
    Optional<Checkpoints.Read<D>> read = Checkpoints.read(path, kind.type());
    if (read.isEmpty()) {
      return Optional.empty();
    }
    D doc = read.get().document();
    if (!kind.format().equals(doc.format()) || doc.version() != kind.version() || doc.state() == null) {
      throw new CheckpointException(path, "version",
          path + " is not an " + kind.algorithm() + " checkpoint of version " + kind.version() + " (format "
              + doc.format() + ", version " + doc.version() + ")"
              + (kind.format().equals(doc.format()) && doc.version() < kind.version() ? "; " + kind.earlierVersions() : ""),
          null);
    }
    Checkpoints.requireSameConfiguration(path, doc.config(), fingerprint);
    validate.accept(doc);
    Checkpoints.requireIntact(path, read.get().tree());
    return Optional.of(doc);
  }

  /**
   * Refuses a restored schedule that orders other users than the fit trains on.
   *
   * @param path the checkpoint file
   * @param order the round's user order restored, empty when no round is scheduled
   * @param trainIds the ids of the training users
   * @throws IllegalStateException naming the file if the schedule holds other users
   */
  public static void requireScheduledUsers(Path path, List<String> order, Collection<String> trainIds) {
    if (!order.isEmpty() && !new TreeSet<>(order).equals(new TreeSet<>(trainIds))) {
      throw new IllegalStateException("the checkpoint " + path + " schedules other training users");
    }
  }

  /**
   * Where a fit's batch records end, checking on the way that they run in order: every round's
   * batches 1 to {@code batches}, then the next round's.
   *
   * @param <R> the fit's batch record type
   * @param f the checks of the checkpoint
   * @param records the recorded batches, in order
   * @param round the record's 1-based round (epoch or iteration)
   * @param batch the record's 1-based batch within its round
   * @param batches batches per round
   * @param roundName the round's name in messages ({@code "epoch"})
   * @return the round and batch of the last record, (0, 0) when there is none
   * @throws CheckpointException naming {@code history.batches[i]} if a record is out of order
   */
  public static <R> Position batchSequence(
      Checkpoints.Fields f, List<R> records, ToIntFunction<R> round, ToIntFunction<R> batch, int batches, String roundName) {
    int r = 1;
    int b = 0;
    for (int i = 0; i < records.size(); i++) {
      if (b == batches) {
        r++;
        b = 0;
      }
      R record = records.get(i);
      f.require(round.applyAsInt(record) == r && batch.applyAsInt(record) == b + 1, "history.batches[" + i + "]",
          "is " + roundName + " " + round.applyAsInt(record) + ", batch " + batch.applyAsInt(record) + " where "
              + roundName + " " + r + ", batch " + (b + 1) + " belongs");
      b++;
    }
    return records.isEmpty() ? new Position(0, 0) : new Position(r, b);
  }

  /**
   * A place in a fit's schedule.
   *
   * @param round the 1-based round, 0 before the first
   * @param batch the 1-based batch within the round, 0 before the first
   */
  public record Position(int round, int batch) {}
}
