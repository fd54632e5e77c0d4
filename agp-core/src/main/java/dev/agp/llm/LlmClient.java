package dev.agp.llm;

/**
 * The SDK's only port to a language model. One abstract method, so a lambda, a Mockito mock or
 * {@code dev.agp.testing.ScriptedLlmClient} from the {@code agp-test} artifact is a complete fake.
 *
 * <p>Implementations must be safe to call from several threads at once: the optimizers run a
 * batch's users concurrently.
 */
@FunctionalInterface
public interface LlmClient {

  /**
   * Sends one request and returns the answer.
   *
   * @throws LlmRetriableException when a later attempt may succeed (rate limit, timeout, 5xx,
   *     refused connection)
   * @throws LlmNonRetriableException when retrying cannot help (bad request, authentication,
   *     content filter, exhausted budget)
   */
  LlmResponse complete(LlmRequest request);
}
