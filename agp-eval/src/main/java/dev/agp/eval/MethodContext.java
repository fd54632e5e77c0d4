package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Method} may use to prepare itself: the experiment's training and validation users
 * (never the test users), its own metered LLM client, the seed and the concurrency.
 *
 * @param train users to learn on
 * @param validation users to select on
 * @param client the method's own client, metered separately from every other method's so calls,
 *     tokens and cost are attributed to it; empty when the experiment has no LLM
 * @param seed the experiment's seed
 * @param concurrency the experiment's concurrency
 */
public record MethodContext(
    List<UserCase> train, List<UserCase> validation, Optional<LlmClient> client, long seed, int concurrency) {

  /**
   * @param train users to learn on
   * @param validation users to select on
   * @param client the method's own client, metered separately from every other method's so calls,
   *     tokens and cost are attributed to it; empty when the experiment has no LLM
   * @param seed the experiment's seed
   * @param concurrency the experiment's concurrency
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if concurrency is below 1
   */
  public MethodContext {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    requireNonNull(client, "client");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1 but was " + concurrency);
    }
  }

  /**
   * The method's LLM client.
   *
   * @return the client metered for this method alone
   * @throws IllegalStateException if the experiment was built without one
   */
  public LlmClient llm() {
    return client.orElseThrow(() -> new IllegalStateException(
        "this method calls an LLM but the experiment has none: set Experiment.builder().llm(...)"));
  }
}
