package dev.agp.langchain4j;

import static dev.agp.langchain4j.LangChain4jLlmClientTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first request of a client goes ahead alone until its body is sent. */
class FirstRequestGateTest {

  private LoopbackServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @BeforeEach
  void start() throws IOException {
    server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok " + r.request().lastUserText()));
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    server.close();
  }

  /** Whether the gate was open when each request other than "first" reached LangChain4j. */
  private final List<Boolean> openAtOthers = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A client on its own gate whose listener holds the request "first" for {@code holdMs} before it is sent. */
  private LlmClient client(FirstRequestGate gate, CountDownLatch firstHeld, long holdMs) {
    ChatModelListener holdFirst = new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext context) {
        if (!(context.chatRequest().messages().get(0) instanceof UserMessage u && u.singleText().equals("first"))) {
          openAtOthers.add(gate.isOpen());
        } else {
          firstHeld.countDown();
          try {
            Thread.sleep(holdMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(KEY).modelName("m")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).listeners(List.of(holdFirst))
        .httpClientBuilder(RetryAfterHttpClient.builder(HttpClient.Version.HTTP_1_1, Clock.systemUTC()).gate(gate))
        .build();
    return LangChain4jLlmClient.gated(model, Redactor.of(KEY), gate);
  }

  private List<Future<String>> othersWhile(LlmClient c, CountDownLatch firstHeld, Future<String> first) throws Exception {
    assertThat(firstHeld.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<String>> others = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String q = "other " + i;
      others.add(pool.submit(() -> c.complete(LlmRequest.of(Stage.PROFILE, "", q)).text()));
    }
    return others;
  }

  @Test
  void complete_manyFirstRequests_theOthersAreSentAfterTheFirstOne() throws Exception {
    FirstRequestGate gate = new FirstRequestGate(10_000);
    CountDownLatch firstHeld = new CountDownLatch(1);
    LlmClient c = client(gate, firstHeld, 300);

    Future<String> first = pool.submit(() -> c.complete(LlmRequest.of(Stage.PROFILE, "", "first")).text());
    List<Future<String>> others = othersWhile(c, firstHeld, first);

    assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok first");
    for (int i = 0; i < others.size(); i++) {
      assertThat(others.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("ok other " + i);
    }
    // without the gate the others would be serialised and sent while the first is held
    assertThat(openAtOthers).hasSize(6).containsOnly(true);
    assertThat(server.received()).isEqualTo(7);
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void complete_firstRequestHeldUp_theOthersGoAfterTheLongestWait() throws Exception {
    FirstRequestGate gate = new FirstRequestGate(200);
    CountDownLatch firstHeld = new CountDownLatch(1);
    LlmClient c = client(gate, firstHeld, 5_000);

    Future<String> first = pool.submit(() -> c.complete(LlmRequest.of(Stage.PROFILE, "", "first")).text());
    List<Future<String>> others = othersWhile(c, firstHeld, first);

    for (int i = 0; i < others.size(); i++) {
      assertThat(others.get(i).get(4, TimeUnit.SECONDS)).isEqualTo("ok other " + i);
    }
    assertThat(first.isDone()).isFalse();
    // the others stopped waiting with the gate still shut (the first of them to send opens it)
    assertThat(openAtOthers).hasSize(6).contains(false);
    assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok first");
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void complete_firstRequestFails_theGateOpensAllTheSame() {
    FirstRequestGate gate = new FirstRequestGate(10_000);
    server.handler(r -> new LoopbackServer.Raw(401, "{\"error\":{\"message\":\"no\"}}", java.util.Map.of()));
    LlmClient c = client(gate, new CountDownLatch(1), 0);

    org.assertj.core.api.Assertions.catchThrowable(() -> c.complete(LlmRequest.of(Stage.PROFILE, "", "first")));

    assertThat(gate.isOpen()).isTrue();
    assertThat(gate.enter()).isFalse();
  }

  @Test
  void backends_anyRequest_opensTheGateOfTheJvm() {
    LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "m").httpVersion(HttpClient.Version.HTTP_1_1).build()
        .complete(LlmRequest.of(Stage.PROFILE, "", "q"));

    assertThat(FirstRequestGate.JVM.isOpen()).isTrue();
  }

  @Test
  void open_runsTheTaskOnceOnADaemonThread() throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch ran = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean daemon = new java.util.concurrent.atomic.AtomicBoolean();
    FirstRequestGate gate = new FirstRequestGate(100, () -> {
      runs.incrementAndGet();
      daemon.set(Thread.currentThread().isDaemon());
      ran.countDown();
    });

    assertThat(gate.enter()).isTrue();
    gate.open();
    gate.open();

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(runs).hasValue(1);
    assertThat(daemon).isTrue();
    assertThat(gate.enter()).isFalse();
  }

  @Test
  void cannedAnswer_isReadWithoutAnyRequest() {
    assertThat(CannedAnswer.readOne()).isEqualTo("ok");
    assertThat(server.received()).isZero();
  }
}
