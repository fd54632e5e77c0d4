package dev.agp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LlmClient} must do, whatever it wraps or talks to. A test class per
 * implementation extends this one and says how to build the client under test over a backend
 * that answers with a function of the request, or that always fails.
 */
public abstract class LlmClientContractTest {

  /** For subclasses, one per implementation under test. */
  protected LlmClientContractTest() {}

  /**
   * The client under test, over a backend that answers every request with {@code answer} applied
   * to the request it received (messages, temperature, output cap and JSON flag as sent).
   *
   * @param answer the backend's answer to each request it receives
   * @return the client under test
   */
  protected abstract LlmClient client(Function<LlmRequest, String> answer);

  /**
   * The client under test, over a backend that fails every request: retriably (a rate limit or a
   * server error) or not (an authentication failure).
   *
   * @param retriable whether the backend's failures are retriable
   * @return the client under test
   */
  protected abstract LlmClient failingClient(boolean retriable);

  /**
   * A request of the given stage with one system and one user message.
   *
   * @param stage the stage
   * @param user the user message
   * @return the request
   */
  protected static LlmRequest request(Stage stage, String user) {
    return LlmRequest.of(stage, "You answer briefly.", user);
  }

  /** The backend's text comes back with a model name, at least one attempt and a usage. */
  @Test
  public void complete_simpleRequest_returnsTheBackendsText() {
    LlmClient c = client(r -> "echo " + r.lastUserText());

    LlmResponse response = c.complete(request(Stage.PROFILE, "hello"));

    assertThat(response.text()).isEqualTo("echo hello");
    assertThat(response.attempts()).isGreaterThanOrEqualTo(1);
    assertThat(response.usage().inputTokens()).isGreaterThanOrEqualTo(0);
    assertThat(response.model()).isNotNull();
  }

  /** Every message, the temperature, the output cap and the JSON flag reach the backend as sent. */
  @Test
  public void complete_requestOptions_reachTheBackendUnchanged() {
    LlmClient c = client(LlmClientContractTest::describe);
    LlmRequest r =
        new LlmRequest(
            List.of(
                LlmMessage.system("sys"), LlmMessage.user("first"),
                LlmMessage.assistant("reply"), LlmMessage.user("second, as json")),
            Stage.RERANK, 0.7, OptionalInt.of(50), true);

    assertThat(c.complete(r).text()).isEqualTo(describe(r));
  }

  /** A request with default options reaches the backend as sent. */
  @Test
  public void complete_defaultOptions_reachTheBackendUnchanged() {
    LlmClient c = client(LlmClientContractTest::describe);
    LlmRequest r = request(Stage.SUMMARIZE, "plain");

    assertThat(c.complete(r).text()).isEqualTo(describe(r));
  }

  /** A null request is refused with a {@link NullPointerException}. */
  @Test
  public void complete_nullRequest_throwsNullPointerException() {
    LlmClient c = client(r -> "x");

    assertThatThrownBy(() -> c.complete(null)).isInstanceOf(NullPointerException.class);
  }

  /**
   * Requests sent from several threads at once each get their own answer.
   *
   * @throws Exception if a request fails or the wait is interrupted
   */
  @Test
  public void complete_concurrentDistinctRequests_eachGetsItsOwnAnswer() throws Exception {
    LlmClient c = client(r -> "answer to " + r.lastUserText());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String q = "question " + i;
        futures.add(pool.submit(() -> c.complete(request(Stage.RERANK, q)).text()));
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo("answer to question " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A non-retriable backend failure arrives as a non-retriable {@link LlmException} naming the stage. */
  @Test
  public void complete_nonRetriableFailure_throwsNonRetriableLlmExceptionWithStage() {
    LlmClient c = failingClient(false);

    LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request(Stage.OPTIMIZE, "q")));

    assertThat(e).isNotNull();
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.stage()).contains(Stage.OPTIMIZE);
    assertThat(e.getMessage()).isNotBlank();
  }

  /** A retriable backend failure arrives as a retriable {@link LlmException} naming the stage and attempt. */
  @Test
  public void complete_retriableFailure_throwsRetriableLlmExceptionWithStage() {
    LlmClient c = failingClient(true);

    LlmException e = catchThrowableOfType(LlmException.class, () -> c.complete(request(Stage.CRITIQUE, "q")));

    assertThat(e).isNotNull();
    assertThat(e.isRetriable()).isTrue();
    assertThat(e.stage()).contains(Stage.CRITIQUE);
    assertThat(e.attempt()).isGreaterThanOrEqualTo(1);
  }

  /**
   * A text that names every option of the request, for checking that they arrive unchanged.
   *
   * @param r the request
   * @return its messages (role and text), temperature, output cap and JSON flag
   */
  public static String describe(LlmRequest r) {
    StringBuilder sb = new StringBuilder();
    for (LlmMessage m : r.messages()) {
      sb.append(m.role().name().toLowerCase(Locale.ROOT)).append(':').append(m.text()).append('|');
    }
    sb.append("t=").append(r.temperature());
    sb.append(" max=").append(r.maxOutputTokens().isPresent() ? r.maxOutputTokens().getAsInt() : "none");
    sb.append(" json=").append(r.json());
    return sb.toString();
  }
}
