package dev.agp;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An AGP fit stopped: too many users of a batch failed, a batch-level call failed, the budget ran
 * out or the thread was interrupted. The checkpoint, when configured, was written first, with the
 * finished users' results, so a rerun resumes without repeating their calls. Serialisable, with
 * its failures and checkpoint path; {@link FitException} holds what it shares with RPP's.
 */
public class AgpFitException extends FitException {

  private static final long serialVersionUID = 2L;

  AgpFitException(
      String message,
      @Nullable Throwable cause,
      int epoch,
      int batch,
      List<UserFailure> failures,
      @Nullable Path checkpoint) {
    super(message, cause, epoch, batch, failures, checkpoint);
  }

  /**
   * The 1-based epoch that stopped (0 while scoring the initial prompt); the same as {@link
   * #round()}.
   *
   * @return the epoch, {@code >= 0}
   */
  public int epoch() {
    return round();
  }
}
