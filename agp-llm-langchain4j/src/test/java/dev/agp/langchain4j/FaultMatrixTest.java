package dev.agp.langchain4j;

import static dev.agp.langchain4j.LangChain4jLlmClientTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.langchain4j.LoopbackServer.Answer;
import dev.agp.langchain4j.LoopbackServer.Hang;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.langchain4j.LoopbackServer.Reply;
import dev.agp.langchain4j.LoopbackServer.Reset;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every fault the backends handle, through the whole stack (at most 3 attempts) over real HTTP:
 * once (then a good answer) and persistently. Prints the matrix the closing note reports.
 */
class FaultMatrixTest {

  private static final int MAX_ATTEMPTS = 3;

  private record Row(String fault, boolean retriable, String once, String always) {}

  private static String whole() {
    return LoopbackServer.completion(new Answer("a good answer, cut", 1, 1, "m", "stop"));
  }

  @Test
  void faults_throughTheStack_areRetriedExactlyWhenRetriable() throws Exception {
    Map<String, Function<LoopbackServer.Received, Reply>> faults = new java.util.LinkedHashMap<>();
    faults.put("429 + Retry-After: 1 (seconds)", r -> new Raw(429, "{}", Map.of("Retry-After", "1")));
    faults.put("429 + retry-after-ms: 300", r -> new Raw(429, "{}", Map.of("retry-after-ms", "300")));
    faults.put("500", r -> new Raw(500, "{}", Map.of()));
    faults.put("503", r -> new Raw(503, "{}", Map.of()));
    faults.put("hang past the 300 ms timeout", r -> new Hang(Duration.ofMillis(1200), new Raw(200, "{}", Map.of())));
    faults.put("truncated JSON body (200)", r -> new Raw(200, whole().substring(0, 60), Map.of()));
    faults.put("empty choices (200)", r -> new Raw(200, "{\"id\":\"x\",\"model\":\"m\",\"choices\":[]}", Map.of()));
    faults.put("connection closed without answer", r -> new Reset());
    faults.put("400", r -> new Raw(400, "{}", Map.of()));
    faults.put("401 (body echoes the key)", r -> new Raw(401, "{\"error\":\"bad " + KEY + "\"}", Map.of()));
    faults.put("403", r -> new Raw(403, "{}", Map.of()));
    faults.put("404", r -> new Raw(404, "{}", Map.of()));
    faults.put("finish_reason content_filter", r -> new Answer("", 1, 0, "m", "content_filter"));

    List<Row> rows = new ArrayList<>();
    try (LoopbackServer server = LoopbackServer.start(r -> LoopbackServer.answer(r, "ok"))) {
      for (Map.Entry<String, Function<LoopbackServer.Received, Reply>> f : faults.entrySet()) {
        List<Duration> sleeps = new ArrayList<>();
        LlmClient c = LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "m")
            .timeout(Duration.ofMillis(300)).maxAttempts(MAX_ATTEMPTS).sleeper(sleeps::add).build();

        AtomicInteger n = new AtomicInteger();
        server.handler(r -> n.incrementAndGet() == 1 ? f.getValue().apply(r) : LoopbackServer.answer(r, "ok"));
        String once;
        boolean retriable;
        try {
          LlmResponse ok = c.complete(LlmRequest.of(Stage.RERANK, "s", "once " + f.getKey()));
          once = "answered after " + ok.attempts() + " attempts, waited " + sleeps;
          retriable = ok.attempts() > 1;
        } catch (LlmException e) {
          once = "not retried: " + e.getClass().getSimpleName() + " after " + n.get() + " request(s)";
          retriable = false;
          assertThat(e.isRetriable()).isFalse();
          assertThat(n.get()).isEqualTo(1);
          assertThat(CapturedErr.printed(e)).doesNotContain(KEY);
        }

        server.handler(r -> f.getValue().apply(r));
        int before = server.received();
        LlmException e = org.assertj.core.api.Assertions.catchThrowableOfType(
            LlmException.class, () -> c.complete(LlmRequest.of(Stage.RERANK, "s", "always " + f.getKey())));
        int sent = server.received() - before;
        String status = e instanceof LlmRetriableException r ? " status " + r.statusCode() + (r.retryAfter().map(d -> ", retryAfter " + d).orElse(""))
            : e instanceof dev.agp.llm.LlmNonRetriableException nr ? " status " + nr.statusCode() : "";
        String always = e.getClass().getSimpleName() + " (attempt " + e.attempt() + ", " + sent + " request(s)," + status + ")";
        rows.add(new Row(f.getKey(), retriable, once, always));

        assertThat(CapturedErr.printed(e)).doesNotContain(KEY);
        assertThat(e.isRetriable()).isEqualTo(retriable);
        assertThat(e.attempt()).isEqualTo(retriable ? MAX_ATTEMPTS : 1);
        assertThat(sent).isEqualTo(retriable ? MAX_ATTEMPTS : 1);
      }
    }

    StringBuilder table = new StringBuilder("| fault | retried | once, then 200 | every time |\n|---|---|---|---|\n");
    rows.forEach(r -> table.append("| ").append(r.fault()).append(" | ").append(r.retriable() ? "yes" : "no")
        .append(" | ").append(r.once()).append(" | ").append(r.always()).append(" |\n"));
    System.out.println(table);
    assertThat(rows.stream().filter(Row::retriable).map(Row::fault)).hasSize(8);
  }
}
