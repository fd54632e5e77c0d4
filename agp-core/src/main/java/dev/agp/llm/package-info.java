/**
 * The LLM port: the only way the SDK talks to a language model.
 *
 * <p>{@link dev.agp.llm.LlmClient} has a single abstract method, so a lambda or a Mockito mock is a
 * complete fake. A call is described by an {@link dev.agp.llm.LlmRequest} (messages, the pipeline
 * {@link dev.agp.llm.Stage} it serves, temperature, output cap, JSON flag) and answered by an
 * {@link dev.agp.llm.LlmResponse} (text, {@link dev.agp.llm.TokenUsage}, model, attempts).
 *
 * <p>Failures are unchecked and split in two: {@link dev.agp.llm.LlmRetriableException} (rate
 * limits, timeouts, server errors, refused connections) and {@link
 * dev.agp.llm.LlmNonRetriableException} (bad requests, authentication, content filtering, an
 * exhausted budget). Decorators for retries, rate limits and caching wrap any client; {@link
 * dev.agp.llm.LlmUsageMeter} counts calls, tokens, failures and latency per stage.
 */
@NullMarked
package dev.agp.llm;

import org.jspecify.annotations.NullMarked;
