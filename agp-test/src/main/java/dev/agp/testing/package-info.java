/**
 * Test support for code built on the SDK, published as {@code dev.agp:agp-test} (add it with test
 * scope): {@link dev.agp.testing.ScriptedLlmClient}, a scripted {@link dev.agp.llm.LlmClient} that
 * records what it was asked; {@link dev.agp.testing.LlmClientContractTest}, the JUnit 5 contract
 * every {@code LlmClient} implementation must meet; {@link dev.agp.testing.BuiltInPrompts}, which
 * tells the stage of a request built from the SDK's own prompts (for fake HTTP servers, which do
 * not see the stage); {@link dev.agp.testing.OpenAiWire}, OpenAI's chat completion JSON as such a
 * server reads and writes it; and {@link dev.agp.testing.GenreWorld}, a small deterministic world
 * whose scripted answers make a learned prompt visibly better than a naive one.
 *
 * <p>The artifact declares JUnit Jupiter's API and AssertJ as its own dependencies; bring a JUnit
 * engine to run the contract test.
 */
@NullMarked
package dev.agp.testing;

import org.jspecify.annotations.NullMarked;
