package dev.agp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import org.junit.jupiter.api.Test;

class OpenAiWireTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void request_bodyWithRolesCapAndTemperature_readAsTheSdkSentIt() throws Exception {
    JsonNode body = JSON.readTree("{\"model\":\"m\",\"temperature\":0.3,\"max_tokens\":120,\"messages\":["
        + "{\"role\":\"system\",\"content\":\"You rank.\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
        + "{\"role\":\"user\",\"content\":\"q\"}]}");

    LlmRequest r = OpenAiWire.request(body);

    assertThat(r.messages()).extracting(LlmMessage::role)
        .containsExactly(LlmMessage.Role.SYSTEM, LlmMessage.Role.ASSISTANT, LlmMessage.Role.USER);
    assertThat(r.lastUserText()).isEqualTo("q");
    assertThat(r.temperature()).isEqualTo(0.3);
    assertThat(r.maxOutputTokens()).hasValue(120);
    assertThat(r.stage()).isEqualTo(BuiltInPrompts.stageOf("You rank.", "q"));
  }

  @Test
  void completion_carriesTextModelAndUsage() throws Exception {
    JsonNode c = JSON.readTree(OpenAiWire.completion(new LlmResponse("<ranking>A</ranking>", new TokenUsage(12, 3), "sim", 1, false)));

    assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("<ranking>A</ranking>");
    assertThat(c.get("model").asText()).isEqualTo("sim");
    assertThat(c.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
    assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    assertThat(c.at("/usage/total_tokens").asInt()).isEqualTo(15);
  }
}
