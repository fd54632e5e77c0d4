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
 *
 * <p>Each algorithm throws its own subclass, which names its rounds in its own words: {@link
 * AgpFitException} (epochs) and {@link dev.agp.rpp.RppFitException} (iterations). Catch this type
 * to handle a stopped fit of either.
 */
public abstract class FitException extends AgpException {

  private static final long serialVersionUID = 1L;

  /** The 1-based round that stopped, 0 before the first. */
  private final int round;

  /** The 1-based batch that stopped, 0 outside a batch. */
  private final int batch;

  /** The user failures that caused the stop. */
  private final List<UserFailure> failures;

  /** The checkpoint's path, or null (a {@link Path} is not serialisable). */
  private final @Nullable String checkpoint;

  /**
   * A stopped fit.
   *
   * @param message what stopped the fit and what to do next
   * @param cause the failure that stopped it, or null
   * @param round the 1-based round (AGP's epoch, RPP's iteration) that stopped, 0 before the first
   * @param batch the 1-based batch that stopped, or 0 outside a batch
   * @param failures the user failures that caused the stop, possibly none
   * @param checkpoint the checkpoint to resume from, or null when none was configured
   * @throws NullPointerException if message or failures is null
   */
  protected FitException(
      String message,
      @Nullable Throwable cause,
      int round,
      int batch,
      List<UserFailure> failures,
      @Nullable Path checkpoint) {
    super(message, cause);
    this.round = round;
    this.batch = batch;
    this.failures = List.copyOf(failures);
    this.checkpoint = checkpoint == null ? null : checkpoint.toString();
  }

  /**
   * The 1-based round that stopped: an epoch of AGP (0 while scoring the initial prompt), an
   * iteration of RPP.
   *
   * @return the round, {@code >= 0}
   */
  public int round() {
    return round;
  }

  /**
   * The 1-based batch that stopped, or 0 when the stop came outside a batch (AGP's validation).
   *
   * @return the batch, {@code >= 0}
   */
  public int batch() {
    return batch;
  }

  /**
   * The user failures that caused the stop, if any.
   *
   * @return an immutable list, empty when no user's failure caused the stop
   */
  public List<UserFailure> failures() {
    return failures;
  }

  /**
   * The checkpoint to resume from, when one was configured.
   *
   * @return the checkpoint's path, or empty
   */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint).map(Path::of);
  }
}
