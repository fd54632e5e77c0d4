package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link CandidateProtocol#apply} found fewer eligible users than the training, validation and
 * test sets need. Carries the counts, so that a caller (the command line, a notebook) can say
 * which of its own settings would help.
 */
public class TooFewUsersException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final int trainUsers;
  private final int validationUsers;
  private final int testUsers;
  private final transient CandidateSets.@Nullable Report report;

  /**
   * @param message the counts, in words
   * @param report how the candidates were made and who was eligible
   * @param trainUsers training users asked for
   * @param validationUsers validation users asked for
   * @param testUsers test users asked for
   * @throws NullPointerException if message or report is null
   */
  public TooFewUsersException(
      String message, CandidateSets.Report report, int trainUsers, int validationUsers, int testUsers) {
    super(requireNonNull(message, "message"));
    this.report = requireNonNull(report, "report");
    this.trainUsers = trainUsers;
    this.validationUsers = validationUsers;
    this.testUsers = testUsers;
  }

  /**
   * Who was eligible and why the others were not; empty only in a copy of this exception that
   * went through Java serialisation.
   */
  public Optional<CandidateSets.Report> report() {
    return Optional.ofNullable(report);
  }

  /** Training users asked for. */
  public int trainUsers() {
    return trainUsers;
  }

  /** Validation users asked for. */
  public int validationUsers() {
    return validationUsers;
  }

  /** Test users asked for. */
  public int testUsers() {
    return testUsers;
  }
}
