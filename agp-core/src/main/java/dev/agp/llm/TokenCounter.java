package dev.agp.llm;

import java.util.List;

/**
 * Counts, before a call, the prompt tokens a backend will bill for its messages: the port through
 * which budgets ({@link LlmBudget}) and the tokens-per-minute limit learn a request's size. A
 * counter must never count fewer tokens than the backend bills, or a budget could be exceeded.
 *
 * <p>agp-core has no tokenizer: its {@link #utf8Bound()} counts one token per UTF-8 byte, which no
 * byte-level BPE tokenizer (GPT, Llama 3, DeepSeek, Qwen, Mistral) and no SentencePiece tokenizer
 * with byte fallback exceeds. It is exact in the only way that matters (never too low) but counts
 * English about four times too high and CJK about twice. {@code dev.agp.langchain4j.LlmBackends}
 * installs an exact counter for OpenAI's models (jtokkit, which LangChain4j already ships); give
 * {@link LlmClients.Builder#tokenCounter} your own for other models.
 */
@FunctionalInterface
public interface TokenCounter {

  /**
   * The prompt tokens of {@code messages}, chat-format overhead included: at least what the
   * backend bills.
   *
   * @param messages the request's messages
   * @return a count {@code >= 0}
   */
  long promptTokens(List<LlmMessage> messages);

  /**
   * A counter needing no tokenizer: the UTF-8 bytes of every message plus {@value
   * Utf8TokenBound#PER_MESSAGE} tokens a message and {@value Utf8TokenBound#PRIMING} for the reply,
   * more than the chat formats of OpenAI, Llama 3, Qwen and DeepSeek add.
   *
   * @return the bound; thread-safe
   */
  static TokenCounter utf8Bound() {
    return Utf8TokenBound.INSTANCE;
  }
}
