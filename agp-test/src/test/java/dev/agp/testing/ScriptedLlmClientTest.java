package dev.agp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The scripted client meets the contract it is used to check, and serves scripts in the documented order. */
class ScriptedLlmClientTest extends LlmClientContractTest {

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return ScriptedLlmClient.builder().otherwise(answer).build();
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return ScriptedLlmClient.builder()
        .respondWhen(r -> true, r -> {
          throw retriable
              ? new LlmRetriableException("rate limited", null, r.stage(), 1, 429, null)
              : new LlmNonRetriableException("bad key", null, r.stage(), 1, 401);
        })
        .build();
  }

  @Test
  void complete_queuedAnswers_servedBeforeRulesInOrder() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder()
        .on(Stage.PROFILE, r -> "rule")
        .enqueue(Stage.PROFILE, "first", "second")
        .build();

    assertThat(llm.complete(request(Stage.PROFILE, "a")).text()).isEqualTo("first");
    assertThat(llm.complete(request(Stage.PROFILE, "b")).text()).isEqualTo("second");
    assertThat(llm.complete(request(Stage.PROFILE, "c")).text()).isEqualTo("rule");
  }

  @Test
  void complete_laterRule_overridesEarlierOne() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder()
        .on(Stage.RERANK, r -> "general")
        .when(r -> r.lastUserText().contains("u7"), r -> "special")
        .build();

    assertThat(llm.complete(request(Stage.RERANK, "u1")).text()).isEqualTo("general");
    assertThat(llm.complete(request(Stage.RERANK, "u7")).text()).isEqualTo("special");
  }

  @Test
  void complete_nothingScripted_throwsNamingTheStage() {
    ScriptedLlmClient llm = ScriptedLlmClient.builder().build();

    assertThatThrownBy(() -> llm.complete(request(Stage.CRITIQUE, "why")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CRITIQUE");
  }

  @Test
  void requests_afterCalls_recordedPerStageInOrder() {
    ScriptedLlmClient llm = ScriptedLlmClient.always("ok");

    llm.complete(request(Stage.PROFILE, "p1"));
    llm.complete(request(Stage.RERANK, "r1"));
    llm.complete(request(Stage.PROFILE, "p2"));

    assertThat(llm.callCount()).isEqualTo(3);
    assertThat(llm.requests(Stage.PROFILE)).extracting(LlmRequest::lastUserText).containsExactly("p1", "p2");
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 2L, Stage.RERANK, 1L));
    llm.clearRequests();
    assertThat(llm.requests()).isEmpty();
  }
}
