package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.Stage;
import java.io.Serializable;

/**
 * A user whose pipeline step failed after the client's retries. The user is left out of the
 * batch's feedback (or the validation mean) and counted. Serialisable, as the fits' exceptions
 * carry it.
 *
 * @param userId the user
 * @param stage the step that failed
 * @param error the exception's type
 * @param message the exception's message (never contains an API key)
 * @serial exclude
 */
// out of the Serialized Form page: JDK 17's javadoc wants comments on a serialisable record's
// private fields, which source cannot carry (JDK-8275199); its serial form is its components
public record UserFailure(String userId, Stage stage, String error, String message) implements Serializable {

  /**
   * @param userId the user
   * @param stage the step that failed
   * @param error the exception's type
   * @param message the exception's message (never contains an API key)
   * @throws NullPointerException if an argument is null
   */
  public UserFailure {
    requireNonNull(userId, "userId");
    requireNonNull(stage, "stage");
    requireNonNull(error, "error");
    requireNonNull(message, "message");
  }

  static UserFailure of(String userId, Stage stage, Throwable t) {
    String message = t.getMessage() == null ? "" : t.getMessage();
    return new UserFailure(userId, stage, t.getClass().getSimpleName(), message);
  }

  /**
   * {@code "u42 at RERANK: LlmRetriableException: timed out"}.
   *
   * @return a one-line description, for example {@code "u42 at RERANK: LlmRetriableException: timed
   *     out"}
   */
  public String describe() {
    return userId + " at " + stage + ": " + error + (message.isEmpty() ? "" : ": " + message);
  }
}
