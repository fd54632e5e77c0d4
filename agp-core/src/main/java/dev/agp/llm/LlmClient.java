package dev.agp.llm;

/**
 * The SDK's only port to a language model. One abstract method, so a lambda, a Mockito mock or
 * {@code dev.agp.testing.ScriptedLlmClient} from the {@code agp-test} artifact is a complete fake.
 *
 * <p>Implementations must be safe to call from several threads at once: the optimizers run a
 * batch's users concurrently.
 *
 * <p>Failures of the model or its transport are {@link LlmException}s: the fits count the user as
 * failed and go on, and serving ({@code rerank}) returns the base order flagged as a fallback and
 * counts it. Any other {@link RuntimeException} is taken for a defect of the client or for the
 * application's own control flow (an application may throw one through the SDK on purpose, as
 * {@code agp run --batch-api} does to defer a request to the next batch): it is counted as a
 * failed call in the usage meter, a fit records it as that user's failure and goes on, and
 * serving lets it propagate to the caller unchanged instead of hiding it behind a fallback.
 */
@FunctionalInterface
public interface LlmClient {

  /**
   * Sends one request and returns the answer.
   *
   * @param request the messages, the stage and the sampling options
   * @return the answer, with its token usage when the backend reports it
   * @throws LlmRetriableException when a later attempt may succeed (rate limit, timeout, 5xx,
   *     refused connection)
   * @throws LlmNonRetriableException when retrying cannot help (bad request, authentication,
   *     content filter, exhausted budget)
   */
  LlmResponse complete(LlmRequest request);
}
