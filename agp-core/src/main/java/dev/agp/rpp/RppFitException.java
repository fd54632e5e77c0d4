package dev.agp.rpp;

import dev.agp.UserFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An RPP fit stopped: too many users of a batch failed, the budget ran out, or the thread was
 * interrupted. The checkpoint, when configured, was written first, with the finished users'
 * answers, so a rerun resumes without repeating their calls.
 */
public class RppFitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The 1-based iteration that stopped. */
  private final int iteration;
  /** The 1-based batch that stopped. */
  private final int batch;
  /** The user failures that caused the stop, possibly none. */
  private final List<UserFailure> failures;
  /** The checkpoint to resume from, as a string; null when none was configured. */
  private final @Nullable String checkpoint; // a Path is not serialisable

  RppFitException(
      String message,
      @Nullable Throwable cause,
      int iteration,
      int batch,
      List<UserFailure> failures,
      @Nullable Path checkpoint) {
    super(message, cause);
    this.iteration = iteration;
    this.batch = batch;
    this.failures = List.copyOf(failures);
    this.checkpoint = checkpoint == null ? null : checkpoint.toString();
  }

  /** {@return the 1-based iteration that stopped} */
  public int iteration() {
    return iteration;
  }

  /** {@return the 1-based batch that stopped} */
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
