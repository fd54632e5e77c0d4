/**
 * LLM backends through LangChain4j.
 *
 * <p>{@link dev.agp.langchain4j.LlmBackends} builds ready-to-use clients for OpenAI, DeepSeek and
 * any OpenAI-compatible server (Ollama, vLLM, llama.cpp), with retries, rate limits, a response
 * cache and a budget in front ({@link dev.agp.llm.LlmClients}); {@link
 * dev.agp.langchain4j.LlmBackends#fromEnvironment()} picks one from environment variables. {@link
 * dev.agp.langchain4j.LangChain4jLlmClient#of} adapts any other LangChain4j chat model. Failures
 * are mapped to the SDK's retriable and non-retriable exceptions, without API keys in them.
 */
@NullMarked
package dev.agp.langchain4j;

import org.jspecify.annotations.NullMarked;
