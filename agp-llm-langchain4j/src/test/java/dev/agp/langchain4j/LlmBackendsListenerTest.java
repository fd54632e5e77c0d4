package dev.agp.langchain4j;

import static dev.agp.langchain4j.LangChain4jLlmClientTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LangChain4j ChatModelListeners passed through the backends' builders, over real HTTP. */
class LlmBackendsListenerTest {

  private LoopbackServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private final ChatModelListener recorder = new ChatModelListener() {
    @Override
    public void onRequest(ChatModelRequestContext ctx) {
      seen.add("request " + ctx.chatRequest().messages().size());
    }

    @Override
    public void onResponse(ChatModelResponseContext ctx) {
      seen.add("response " + ctx.chatResponse().aiMessage().text() + " " + ctx.chatResponse().modelName());
    }

    @Override
    public void onError(ChatModelErrorContext ctx) {
      seen.add("error " + ctx.error().getClass().getSimpleName());
    }
  };

  @BeforeEach
  void start() throws IOException {
    server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmBackends.Builder backend() {
    return LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "gpt-4o-mini")
        .sleeper(d -> { }).timeout(Duration.ofSeconds(5));
  }

  @Test
  void listener_successfulCall_seesTheRequestAndTheResponse() {
    LlmResponse r = backend().listener(recorder).build().complete(LlmRequest.of(Stage.RERANK, "system", "q"));

    assertThat(r.text()).isEqualTo("ok");
    assertThat(seen).containsExactly("request 2", "response ok gpt-4o-mini");
  }

  @Test
  void listener_retriedCall_seesEveryAttempt() {
    AtomicBoolean failed = new AtomicBoolean();
    server.handler(r -> failed.getAndSet(true) ? LoopbackServer.answer(r, "ok") : new Raw(503, "{}", Map.of()));

    backend().listener(recorder).listener(recorder).build().complete(LlmRequest.of(Stage.PROFILE, "", "q"));

    assertThat(seen).containsExactly(
        "request 1", "request 1", "error InternalServerException", "error InternalServerException",
        "request 1", "request 1", "response ok gpt-4o-mini", "response ok gpt-4o-mini");
  }

  @Test
  void listener_null_throwsNullPointer() {
    assertThatThrownBy(() -> backend().listener(null)).isInstanceOf(NullPointerException.class);
  }
}
