package dev.agp.langchain4j;

import static java.util.Objects.requireNonNull;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.TokenCounter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * OpenAI's tokenizers (through jtokkit, which LangChain4j's OpenAI module already depends on) as
 * the SDK's {@link TokenCounter}: {@code o200k_base} for the GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and
 * o-series models, {@code cl100k_base} for GPT-4 and GPT-3.5. A message counts its content and
 * role tokens plus {@value #PER_MESSAGE} for the chat format (OpenAI documents 3), and a prompt
 * {@value #PRIMING} for the reply's start; special-token text in a message counts as ordinary
 * text, as the API treats it. Other models get no counter here: {@link LlmBackends} uses {@link
 * TokenCounter#utf8Bound()} for them.
 */
public final class OpenAiTokenCounter implements TokenCounter {

  /** Tokens counted per message for the chat format: one more than OpenAI's documented 3. */
  public static final int PER_MESSAGE = 4;
  /** Tokens counted per prompt for the start of the reply, as OpenAI documents. */
  public static final int PRIMING = 3;

  private final Encoding encoding;

  private OpenAiTokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  /**
   * The counter of {@code model}'s tokenizer, or empty when the model is not one of OpenAI's
   * (dated variants such as {@code gpt-4o-mini-2024-07-18} count as their family).
   *
   * @param model the model name, for example {@code gpt-4o-mini}
   * @return the counter, or empty for a model whose tokenizer is unknown
   * @throws NullPointerException if model is null
   */
  public static Optional<TokenCounter> forModel(String model) {
    requireNonNull(model, "model");
    return encodingOf(model).map(type -> new OpenAiTokenCounter(Registry.INSTANCE.getEncoding(type)));
  }

  static Optional<EncodingType> encodingOf(String model) {
    String m = model.strip().toLowerCase(Locale.ROOT);
    int slash = m.lastIndexOf('/');
    if (slash >= 0) {
      m = m.substring(slash + 1); // "openai/gpt-4o" as gateways name it
    }
    if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5") || m.startsWith("gpt-5")
        || m.startsWith("chatgpt-4o") || m.matches("o[1-9]([-.].*)?")) {
      return Optional.of(EncodingType.O200K_BASE);
    }
    if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5")) {
      return Optional.of(EncodingType.CL100K_BASE);
    }
    return Optional.empty();
  }

  @Override
  public long promptTokens(List<LlmMessage> messages) {
    long n = PRIMING;
    for (LlmMessage m : messages) {
      n += PER_MESSAGE + encoding.countTokensOrdinary(m.role().name().toLowerCase(Locale.ROOT))
          + encoding.countTokensOrdinary(m.text());
    }
    return n;
  }

  @Override
  public String toString() {
    return "OpenAiTokenCounter[" + encoding.getName() + "]";
  }

  /** The encodings, loaded on first use (each takes a few hundred milliseconds once). */
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }
}
