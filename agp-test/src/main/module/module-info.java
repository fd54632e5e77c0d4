/**
 * agp-test: test support for code that uses the SDK, without an LLM: {@code ScriptedLlmClient},
 * the {@code LlmClientContractTest} every client implementation can extend, the recogniser of the
 * built-in prompts, a small synthetic world and OpenAI's wire format.
 *
 * <p>Its API shows agp-core's types, JUnit's annotations (the contract test), Jackson's tree
 * ({@code OpenAiWire}) and the JDK's HTTP server exchange, so those modules are read transitively.
 * The package is open to JUnit, which runs the contract's test methods in its users' subclasses.
 */
module dev.agp.testing {
  requires transitive dev.agp.core;
  requires transitive org.junit.jupiter.api;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive jdk.httpserver;
  requires org.assertj.core;
  requires static org.jspecify;

  exports dev.agp.testing;

  opens dev.agp.testing to
      org.junit.platform.commons;
}
