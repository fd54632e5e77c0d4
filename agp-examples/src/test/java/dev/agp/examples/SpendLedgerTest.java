package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendLedgerTest {

  @TempDir Path dir;

  private static SpendLedger.Charge charge(String method, String request, long in, long out) {
    return new SpendLedger.Charge("", method, "PROFILE", "gpt-4o-mini", in, out, new BigDecimal("0.0001"), false, request, false);
  }

  private static LlmRequest request(String text) {
    return new LlmRequest(List.of(LlmMessage.user(text)), Stage.DIRECT_RERANK, 0, OptionalInt.of(300), false);
  }

  @Test
  void record_thenReopen_earlierRunsCountedAndRepeatsFound() {
    SpendLedger first = SpendLedger.open(dir, "run-1");
    first.record(charge("AGP", "r1", 100, 20));
    SpendLedger.Charge again = first.record(charge("AGP", "r1", 100, 20));
    first.record(charge("LLM-Dir", "r2", 50, 5));
    first.close();

    SpendLedger second = SpendLedger.open(dir, "run-2");
    SpendLedger.Charge repeated = second.record(charge("LLM-Dir", "r2", 50, 5));

    assertThat(again.repeated()).isTrue();
    assertThat(repeated.repeated()).as("paid by an earlier run").isTrue();
    assertThat(second.earlier().runs()).containsExactly("run-1");
    assertThat(second.earlier().all().calls()).isEqualTo(3);
    assertThat(second.earlier().all().tokens()).isEqualTo(295);
    assertThat(second.earlier().all().repeated()).isEqualTo(1);
    assertThat(second.earlier().method("AGP").calls()).isEqualTo(2);
    assertThat(second.earlier().all().usd()).isEqualByComparingTo("0.0003");
    assertThat(second.session().all().calls()).isEqualTo(1);
    assertThat(second.total().runs()).containsExactly("run-1", "run-2");
    assertThat(second.total().all().tokens()).isEqualTo(350);
  }

  @Test
  void open_tornLastLineAfterAKill_isSkippedAndCounted() throws Exception {
    SpendLedger first = SpendLedger.open(dir, "run-1");
    first.record(charge("AGP", "r1", 100, 20));
    first.close();
    Files.writeString(dir.resolve(SpendLedger.FILE_NAME), "{\"ledger\":1,\"run\":\"run-1\",\"meth", StandardOpenOption.APPEND);

    SpendLedger reopened = SpendLedger.open(dir, "run-2");

    assertThat(reopened.skippedLines()).isEqualTo(1);
    assertThat(reopened.earlier().all().calls()).isEqualTo(1);
  }

  @Test
  void record_linesHoldCountsAndHashesNeverPromptsOrAnswers() throws Exception {
    Spending spending = Spending.around(r -> new LlmResponse("secret answer", new TokenUsage(120, 30), "gpt-4o-mini", 1, false),
        "gpt-4o-mini", PriceTable.defaults(), SpendLedger.open(dir, "run-1"));
    spending.method("LLM-Dir");

    spending.complete(request("a private prompt"));
    spending.ledger().orElseThrow().close();

    String line = Files.readString(dir.resolve(SpendLedger.FILE_NAME));
    assertThat(line).doesNotContain("private prompt", "secret answer");
    JsonNode n = new ObjectMapper().readTree(line);
    assertThat(n.get("method").asText()).isEqualTo("LLM-Dir");
    assertThat(n.get("stage").asText()).isEqualTo("DIRECT_RERANK");
    assertThat(n.get("input").asLong()).isEqualTo(120);
    assertThat(n.get("output").asLong()).isEqualTo(30);
    assertThat(new BigDecimal(n.get("usd").asText())).isPositive();
    assertThat(n.get("request").asText()).hasSize(64);
  }

  @Test
  void spending_cachedFailedAndRefusedCalls_areNotPaid() {
    int[] call = {0};
    Spending spending = Spending.around(r -> switch (call[0]++) {
      case 0 -> new LlmResponse("cached", TokenUsage.ZERO, "m", 1, true);
      case 1 -> throw new LlmNonRetriableException("HTTP 400 from the server", null);
      case 2 -> throw new LlmBudgetExceededException("the token budget of 10 could be exceeded", Stage.DIRECT_RERANK);
      default -> new LlmResponse("no usage reported", TokenUsage.ZERO, "", 1, false);
    }, "local-model", PriceTable.defaults(), null);
    spending.method("LLM-Dir");

    spending.complete(request("one"));
    assertThatThrownBy(() -> spending.complete(request("two"))).isInstanceOf(LlmNonRetriableException.class);
    assertThatThrownBy(() -> spending.complete(request("three"))).isInstanceOf(LlmBudgetExceededException.class);
    spending.complete(request("four"));

    Spending.Counts c = spending.counts().get("LLM-Dir");
    assertThat(c.cached).isEqualTo(1);
    assertThat(c.failed).isEqualTo(1);
    assertThat(c.refused).isEqualTo(1);
    assertThat(c.firstFailure).isEqualTo("HTTP 400 from the server");
    assertThat(c.paid.calls()).isEqualTo(1);
    assertThat(c.paid.estimated()).as("no usage reported: estimated like the budget does").isEqualTo(1);
    assertThat(c.paid.outputTokens()).isEqualTo(300);
    assertThat(c.paid.usd()).as("a model without a list price").isEqualByComparingTo("0");
  }
}
