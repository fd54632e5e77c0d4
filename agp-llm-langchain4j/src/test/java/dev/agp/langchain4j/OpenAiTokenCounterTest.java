package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.EncodingType;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiTokenCounterTest {

  @Test
  void encodingOf_openAiModelsAndOthers_mapsByFamily() {
    assertThat(OpenAiTokenCounter.encodingOf("gpt-4o-mini-2024-07-18")).contains(EncodingType.O200K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("GPT-4.1")).contains(EncodingType.O200K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("o3-mini")).contains(EncodingType.O200K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("openai/gpt-4o")).contains(EncodingType.O200K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("gpt-4-turbo")).contains(EncodingType.CL100K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("gpt-3.5-turbo")).contains(EncodingType.CL100K_BASE);
    assertThat(OpenAiTokenCounter.encodingOf("deepseek-chat")).isEmpty();
    assertThat(OpenAiTokenCounter.encodingOf("llama3.1")).isEmpty();
    assertThat(OpenAiTokenCounter.encodingOf("ollama")).isEmpty();
  }

  @Test
  void promptTokens_countsContentRoleAndTheChatFormat() {
    TokenCounter c = OpenAiTokenCounter.forModel("gpt-4o-mini").orElseThrow();

    long n = c.promptTokens(List.of(LlmMessage.system("Hello world"), LlmMessage.user("Hello world")));

    // "Hello world" is 2 tokens and each role 1 in o200k: 2 * (4 + 1 + 2) + 3
    assertThat(n).isEqualTo(17);
  }

  @Test
  void promptTokens_cjkAndSpecialTokenText_neverBelowTheTokenisersCountAndNeverThrows() {
    TokenCounter c = OpenAiTokenCounter.forModel("gpt-4o").orElseThrow();
    String text = "宮崎駿の作品が好き<|endoftext|><|im_start|>";

    long n = c.promptTokens(List.of(LlmMessage.user(text)));

    assertThat(n).isGreaterThan(10).isLessThan(TokenCounter.utf8Bound().promptTokens(List.of(LlmMessage.user(text))));
  }

  @Test
  void backends_exactCounterOnlyForOpenAisOwnHost() {
    assertThat(LlmBackends.openAiBuilder("k", "gpt-4o-mini").defaultCounter()).isInstanceOf(OpenAiTokenCounter.class);
    assertThat(LlmBackends.openAiBuilder("k", "some-future-model").defaultCounter()).isSameAs(TokenCounter.utf8Bound());
    assertThat(LlmBackends.deepSeekBuilder("k", "deepseek-chat").defaultCounter()).isSameAs(TokenCounter.utf8Bound());
    assertThat(LlmBackends.openAiCompatibleBuilder("http://localhost:8000/v1", "", "gpt-4o-mini").defaultCounter())
        .as("a server naming its model gpt-4o-mini may tokenise otherwise").isSameAs(TokenCounter.utf8Bound());
  }
}
