package dev.agp.langchain4j;

import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One chat completion read through a twin of the OpenAI client whose HTTP client answers from
 * memory: no request leaves the JVM and no key is involved. Reading it builds LangChain4j's
 * mapping of answers (and this module's) once; see {@link FirstRequestGate}.
 */
final class CannedAnswer {

  static final String JSON = "{\"id\":\"canned\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"canned\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

  private CannedAnswer() {}

  /** Reads the canned answer; returns its text ("ok"). */
  static String readOne() {
    OpenAiChatModel twin = OpenAiChatModel.builder()
        .baseUrl("http://canned.invalid/v1")
        .apiKey("canned")
        .modelName("canned")
        .maxRetries(0)
        .httpClientBuilder(new Builder())
        .build();
    return LangChain4jLlmClient.of(twin).complete(LlmRequest.of(Stage.PROFILE, "", "canned")).text();
  }

  /** Answers every request with {@link #JSON}. */
  private static final class Client implements HttpClient {
    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
      return SuccessfulHttpResponse.builder()
          .statusCode(200)
          .headers(Map.of("content-type", List.of("application/json")))
          .body(JSON.getBytes(StandardCharsets.UTF_8))
          .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
      throw new UnsupportedOperationException("the canned client answers no stream");
    }
  }

  private static final class Builder extends TimeoutsBuilder {
    @Override
    public HttpClient build() {
      return new Client();
    }
  }
}
