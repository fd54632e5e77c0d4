package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.agp.langchain4j.LoopbackServer.Answer;
import dev.agp.langchain4j.LoopbackServer.Hang;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenCounter;
import dev.agp.llm.TokenUsage;
import dev.agp.testing.ConcurrentCallers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Budgets over real HTTP with the real LangChain4j client and 64 concurrent callers sending CJK
 * prompts to a loopback server that bills like a provider: prompt tokens by its own tokenizer,
 * every output token up to the cap, at the price of the model that answered (a pricier one than
 * asked), and requests it processed but answered too late for the client (billed anyway). The
 * server's ledger never exceeds the budget's limit. (How much of the limit is used before the
 * budget refuses depends on how many answers come late, so the lower bounds here only show that
 * the budget was spent; {@code BudgetOvershootBenchmark} measures it.)
 */
class BudgetOverHttpTest {

  private static final int CALLERS = 64;
  private static final String CJK = "用户喜欢科幻电影和悬疑小说，尤其是宫崎骏的作品。ユーザーはアニメと時代劇が好きです。사용자는 한국 영화를 좋아합니다。";

  /** What the server bills, in tokens and dollars. */
  static final class Ledger {
    final AtomicLong tokens = new AtomicLong();
    final AtomicReference<BigDecimal> cost = new AtomicReference<>(BigDecimal.ZERO);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger late = new AtomicInteger();
  }

  /** A server billing with {@code tokenizer}, answering as {@code answeringModel}; every 8th request answers too late. */
  static LoopbackServer.Handler provider(Ledger ledger, EncodingType tokenizer, String answeringModel) {
    Encoding enc = Encodings.newLazyEncodingRegistry().getEncoding(tokenizer);
    return r -> {
      long prompt = 3;
      for (LlmMessage m : r.request().messages()) {
        prompt += 3 + enc.countTokensOrdinary(m.role().name().toLowerCase(Locale.ROOT))
            + enc.countTokensOrdinary(m.text());
      }
      int completion = r.request().maxOutputTokens().orElse(4_096);
      TokenUsage usage = new TokenUsage(prompt, completion);
      ledger.tokens.addAndGet(usage.totalTokens());
      BigDecimal cost = PriceTable.defaults().priceOf(answeringModel).orElseThrow().cost(usage);
      ledger.cost.accumulateAndGet(cost, BigDecimal::add);
      Answer answer = new Answer("<ranking>A, B</ranking>", (int) prompt, completion, answeringModel, "stop");
      if (ledger.requests.incrementAndGet() % 8 == 0) {
        ledger.late.incrementAndGet();
        return new Hang(Duration.ofMillis(900), answer); // processed and billed, but past the client's timeout
      }
      return answer;
    };
  }

  static LlmRequest cjk(int i) {
    return new LlmRequest(
        List.of(LlmMessage.system("You rank candidate films for one user."), LlmMessage.user(CJK.repeat(1 + i % 6))),
        Stage.RERANK, 0, OptionalInt.of(300), false);
  }

  /** Calls from 64 threads until the budget refuses every caller. */
  static int spend(LlmClient client) throws Exception {
    return ConcurrentCallers.untilRefused(client, CALLERS, BudgetOverHttpTest::cjk);
  }

  private static LlmBackends.Builder client(LoopbackServer server, TokenCounter counter, LlmBudget budget) {
    return LlmBackends.openAiCompatibleBuilder(server.baseUrl(), "k", "gpt-4o-mini")
        .tokenCounter(counter).budget(budget).prices(PriceTable.defaults())
        .maxConcurrentCalls(CALLERS).timeout(Duration.ofMillis(400)).maxAttempts(2)
        .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(10));
  }

  @Test
  void tokenBudget_exactCounterCjkAnd64Callers_theServerBillsNoMoreThanTheLimit() throws Exception {
    Ledger ledger = new Ledger();
    LlmBudget budget = LlmBudget.ofTokens(50_000);
    try (LoopbackServer server = LoopbackServer.start(provider(ledger, EncodingType.O200K_BASE, "gpt-4o"))) {
      spend(client(server, OpenAiTokenCounter.forModel("gpt-4o-mini").orElseThrow(), budget).build());
    }

    assertThat(ledger.late.get()).isPositive();
    assertThat(ledger.tokens.get()).isLessThanOrEqualTo(50_000).isGreaterThan(10_000);
    assertThat(budget.spentTokens()).isBetween(ledger.tokens.get(), 50_000L);
    assertThat(budget.chargedFailures()).isPositive();
  }

  @Test
  void costBudget_serverAnswersWithAPricierModel_theServerBillsNoMoreThanTheLimit() throws Exception {
    Ledger ledger = new Ledger();
    BigDecimal limit = new BigDecimal("0.20");
    LlmBudget budget = LlmBudget.ofCost(limit);
    try (LoopbackServer server = LoopbackServer.start(provider(ledger, EncodingType.O200K_BASE, "gpt-4o"))) {
      spend(client(server, OpenAiTokenCounter.forModel("gpt-4o-mini").orElseThrow(), budget).build());
    }

    assertThat(ledger.cost.get()).isLessThanOrEqualTo(limit).isGreaterThan(new BigDecimal("0.04"));
    assertThat(budget.spentCost()).isGreaterThanOrEqualTo(ledger.cost.get()).isLessThanOrEqualTo(limit);
  }

  @Test
  void tokenBudget_noTokenizerForTheServersModel_theUtf8BoundStillHolds() throws Exception {
    Ledger ledger = new Ledger();
    LlmBudget budget = LlmBudget.ofTokens(50_000);
    try (LoopbackServer server = LoopbackServer.start(provider(ledger, EncodingType.CL100K_BASE, "gpt-4o-mini"))) {
      spend(client(server, TokenCounter.utf8Bound(), budget).build());
    }

    assertThat(ledger.tokens.get()).isLessThanOrEqualTo(50_000).isGreaterThan(5_000);
    assertThat(budget.spentTokens()).isGreaterThanOrEqualTo(ledger.tokens.get());
  }
}
