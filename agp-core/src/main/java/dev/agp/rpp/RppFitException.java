package dev.agp.rpp;

import dev.agp.FitException;
import dev.agp.UserFailure;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An RPP fit stopped: too many users of a batch failed, the budget ran out, or the thread was
 * interrupted. The checkpoint, when configured, was written first, with the finished users'
 * answers, so a rerun resumes without repeating their calls. Serialisable; {@link FitException}
 * holds what it shares with AGP's.
 */
public class RppFitException extends FitException {

  private static final long serialVersionUID = 2L;

  RppFitException(
      String message,
      @Nullable Throwable cause,
      int iteration,
      int batch,
      List<UserFailure> failures,
      @Nullable Path checkpoint) {
    super(message, cause, iteration, batch, failures, checkpoint);
  }

  /**
   * The 1-based iteration that stopped; the same as {@link #round()}.
   *
   * @return the iteration, {@code >= 1}
   */
  public int iteration() {
    return round();
  }
}
