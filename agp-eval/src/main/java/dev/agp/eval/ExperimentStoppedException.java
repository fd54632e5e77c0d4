package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpException;
import dev.agp.llm.LlmBudgetExceededException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Experiment} stopped before every method finished: a method failed to prepare, a
 * reranker threw, too many test users fell back to the base order, or the budget ran out. The
 * methods that finished are not lost: {@link #partial()} holds their rows, marked {@linkplain
 * ExperimentResult#partial() partial}, ready for {@link dev.agp.eval.report.ExperimentReport}.
 *
 * <p>An {@link dev.agp.AgpException}. It was an {@link IllegalStateException} before the SDK's exceptions
 * had one root: a {@code catch (IllegalStateException e)} meant for it now names this type.
 */
public class ExperimentStoppedException extends AgpException {

  private static final long serialVersionUID = 1L;

  private final String method;
  private final transient @Nullable ExperimentResult partial;

  /**
   * @param message what stopped, naming the method (and user)
   * @param cause the failure, or null
   * @param method the method that was running
   * @param partial the rows of the methods that finished, marked partial
   * @throws NullPointerException if message, method or partial is null
   */
  public ExperimentStoppedException(String message, @Nullable Throwable cause, String method, ExperimentResult partial) {
    super(requireNonNull(message, "message"), cause);
    this.method = requireNonNull(method, "method");
    this.partial = requireNonNull(partial, "partial");
  }

  /** The method that was running when the experiment stopped. */
  public String method() {
    return method;
  }

  /**
   * The methods that finished before the stop, marked partial; empty only in a copy of this
   * exception that went through Java serialisation (results are not serialisable).
   */
  public Optional<ExperimentResult> partial() {
    return Optional.ofNullable(partial);
  }

  /** Whether an exhausted budget stopped the run (an {@link LlmBudgetExceededException} among the causes). */
  public boolean budgetExhausted() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof LlmBudgetExceededException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
