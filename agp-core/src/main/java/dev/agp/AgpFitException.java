package dev.agp;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A fit stopped: too many users of a batch failed, a batch-level call failed, the budget ran out
 * or the thread was interrupted. The checkpoint, when configured, was written first, with the
 * finished users' results, so a rerun resumes without repeating their calls. Serialisable, with
 * its failures and checkpoint path.
 */
public class AgpFitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The 1-based epoch that stopped, 0 while scoring the initial prompt. */
  private final int epoch;
  /** The 1-based batch that stopped, 0 when validation stopped. */
  private final int batch;
  /** The user failures that caused the stop, possibly none. */
  private final List<UserFailure> failures;
  /** The checkpoint to resume from, as a string; null when none was configured. */
  private final @Nullable String checkpoint; // a Path is not serialisable

  AgpFitException(
      String message,
      @Nullable Throwable cause,
      int epoch,
      int batch,
      List<UserFailure> failures,
      @Nullable Path checkpoint) {
    super(message, cause);
    this.epoch = epoch;
    this.batch = batch;
    this.failures = List.copyOf(failures);
    this.checkpoint = checkpoint == null ? null : checkpoint.toString();
  }

  /** {@return the 1-based epoch that stopped (0 while scoring the initial prompt)} */
  public int epoch() {
    return epoch;
  }

  /** {@return the 1-based batch that stopped, or 0 when validation stopped} */
  public int batch() {
    return batch;
  }

  /**
   * The user failures that caused the stop, if any.
   *
   * @return the failures, empty when no user's failure caused the stop
   */
  public List<UserFailure> failures() {
    return failures;
  }

  /** {@return the checkpoint to resume from, when one was configured} */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint).map(Path::of);
  }
}
