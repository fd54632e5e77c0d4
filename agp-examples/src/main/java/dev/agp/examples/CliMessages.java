package dev.agp.examples;

import dev.agp.AgpFitException;
import dev.agp.UserFailure;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.rpp.RppFitException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the SDK's messages, written for Java callers, into command-line ones: builder methods
 * and enum constants become the flags and values a user types, and the fits' stops are told with
 * what to do next.
 */
final class CliMessages {

  /** Java names in the SDK's messages and what a command-line user knows them as, longest first. */
  private static final Map<String, String> FLAGS = new java.util.LinkedHashMap<>();

  static {
    FLAGS.put("LoadOptions.maxMalformedRate", "--max-malformed-rate");
    FLAGS.put("set checkpoint(path) to resume", "pass --checkpoint DIR to resume");
    FLAGS.put("checkpoint(path)", "--checkpoint DIR");
    FLAGS.put("allowFewerTestUsers(true)", "--allow-fewer-test-users");
    FLAGS.put("CandidateMode.INSERT_HELD_OUT", "--candidate-mode insert");
    FLAGS.put("CandidateMode.BASE_TOP_K", "--candidate-mode paper");
    FLAGS.put("INSERT_HELD_OUT", "insert");
    FLAGS.put("BASE_TOP_K", "paper");
    FLAGS.put("maxFailureRate", "--max-failure-rate");
    FLAGS.put("maxFallbackRate", "--max-failure-rate");
    FLAGS.put("maxMalformedRate", "--max-malformed-rate");
  }

  private CliMessages() {}

  /** {@code message} with the SDK's Java names replaced by flags. */
  static String flags(String message) {
    String out = message;
    for (Map.Entry<String, String> e : FLAGS.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The refusal of the budget among the causes of {@code e}, if a budget stopped it. */
  static Optional<LlmBudgetExceededException> budget(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LlmBudgetExceededException b) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /**
   * What stopped a run, in command-line terms: a fit's stop with where it stopped, the first
   * causes and how to resume; otherwise the message of {@code e}.
   */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AgpFitException f) {
        return "AGP's training stopped at " + where(f.epoch(), f.batch(), "epoch") + ": " + reason(t, f.failures())
            + resume(f.checkpoint().isPresent());
      }
      if (t instanceof RppFitException f) {
        return f.getMessage() == null ? "RPP's training stopped" : "RPP's training stopped at "
            + where(f.iteration(), f.batch(), "iteration") + ": " + reason(t, f.failures()) + resume(f.checkpoint().isPresent());
      }
    }
    String m = e.getMessage();
    return flags(m == null ? e.getClass().getSimpleName() : m);
  }

  private static String where(int round, int batch, String unit) {
    if (round == 0) {
      return "the scoring of the initial prompt";
    }
    return batch == 0 ? "the validation of " + unit + " " + round : unit + " " + round + ", batch " + batch;
  }

  private static String reason(Throwable fit, List<UserFailure> failures) {
    Optional<LlmBudgetExceededException> budget = budget(fit);
    if (budget.isPresent()) {
      return "the budget ran out (" + budget.get().getMessage() + ")";
    }
    if (!failures.isEmpty()) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "%d users failed, more than --max-failure-rate allows; first cause: %s", failures.size(),
          failures.get(0).describe()));
      return flags(sb.toString());
    }
    Throwable cause = fit.getCause();
    String m = cause == null ? fit.getMessage() : cause.getMessage();
    return flags(m == null ? fit.getClass().getSimpleName() : m);
  }

  private static String resume(boolean checkpointed) {
    return checkpointed
        ? ". Its checkpoint keeps every finished batch: rerun the same command to resume."
        : ". Without --checkpoint DIR a rerun starts training over (add --cache DIR so that answers already paid for are free).";
  }
}
