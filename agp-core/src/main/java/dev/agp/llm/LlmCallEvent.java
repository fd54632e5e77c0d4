package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * One finished LLM request, as seen by {@link LlmUsageMeter}.
 *
 * @param stage the stage the request served
 * @param latency wall time of the request, retries included
 * @param usage tokens charged ({@link TokenUsage#ZERO} on failure or cache hit)
 * @param attempts attempts taken (1 without retries)
 * @param cached whether a cache answered
 * @param failure the failure when the request failed
 * @param model the model that answered, or {@link UsageReport#UNKNOWN_MODEL} when unknown (a
 *     failure, or a backend that does not say)
 */
public record LlmCallEvent(
    Stage stage,
    Duration latency,
    TokenUsage usage,
    int attempts,
    boolean cached,
    Optional<RuntimeException> failure,
    String model) {

  /**
   * @param stage the stage the request served
   * @param latency wall time of the request, retries included
   * @param usage tokens charged ({@link TokenUsage#ZERO} on failure or cache hit)
   * @param attempts attempts taken (1 without retries)
   * @param cached whether a cache answered
   * @param failure the failure when the request failed
   * @param model the model that answered, or {@link UsageReport#UNKNOWN_MODEL} when unknown (a
   *     failure, or a backend that does not say)
   * @throws NullPointerException if an argument is null
   */
  public LlmCallEvent {
    requireNonNull(stage, "stage");
    requireNonNull(latency, "latency");
    requireNonNull(usage, "usage");
    requireNonNull(failure, "failure");
    requireNonNull(model, "model");
  }

  /**
   * An event of an unknown model.
   *
   * @param stage the stage the request served
   * @param latency wall time of the request, retries included
   * @param usage tokens charged ({@link TokenUsage#ZERO} on failure or cache hit)
   * @param attempts attempts taken (1 without retries)
   * @param cached whether a cache answered
   * @param failure the failure when the request failed
   * @throws NullPointerException if an argument is null
   */
  public LlmCallEvent(
      Stage stage,
      Duration latency,
      TokenUsage usage,
      int attempts,
      boolean cached,
      Optional<RuntimeException> failure) {
    this(stage, latency, usage, attempts, cached, failure, UsageReport.UNKNOWN_MODEL);
  }

  /** {@return whether the request succeeded} */
  public boolean succeeded() {
    return failure.isEmpty();
  }
}
