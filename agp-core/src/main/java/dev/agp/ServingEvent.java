package dev.agp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One served rerank request, reported to {@link ServingListener}s.
 *
 * @param method the serving method's name, such as {@code "AGP"} or {@code "RPP"}, for metric tags
 * @param outcome whether the LLM's ranking or the base order was returned, and why
 * @param profile where the profile came from
 * @param latency the request's wall time as the caller saw it
 */
public record ServingEvent(String method, ServingOutcome outcome, ProfileSource profile, Duration latency) {

  /**
   * @param method the serving method's name, such as {@code "AGP"} or {@code "RPP"}, for metric
   *     tags
   * @param outcome whether the LLM's ranking or the base order was returned, and why
   * @param profile where the profile came from
   * @param latency the request's wall time as the caller saw it
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the method is blank or the latency negative
   */
  public ServingEvent {
    requireNonNull(method, "method");
    requireNonNull(outcome, "outcome");
    requireNonNull(profile, "profile");
    requireNonNull(latency, "latency");
    if (method.isBlank()) {
      throw new IllegalArgumentException("method must not be blank");
    }
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must be >= 0 but was " + latency);
    }
  }
}
