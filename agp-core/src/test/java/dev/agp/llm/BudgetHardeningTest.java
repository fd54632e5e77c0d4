package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import dev.agp.testing.ConcurrentCallers;
import org.junit.jupiter.api.Test;

/**
 * Budgets under attack, through {@link LlmClients}: 64 concurrent callers, prompts in CJK scripts
 * (more tokens than characters), a backend answering with a pricier model than configured, and
 * attempts that fail after the request was sent (and are billed). The backend keeps the
 * provider's ledger: what it would bill.
 */
class BudgetHardeningTest {

  private static final int CALLERS = 64;
  private static final String CJK = "用户喜欢科幻电影和悬疑小说，尤其是宫崎骏的作品。ユーザーはアニメが好きです。사용자는 영화를 좋아합니다。";

  /** A provider that bills 2 tokens per non-ASCII character (more than any real tokenizer) and the full output cap. */
  private static final class Provider implements LlmClient {
    final AtomicLong billedTokens = new AtomicLong();
    final AtomicReference<BigDecimal> billedCost = new AtomicReference<>(BigDecimal.ZERO);
    final AtomicInteger calls = new AtomicInteger();
    final String answeringModel;
    final int failEvery;

    Provider(String answeringModel, int failEvery) {
      this.answeringModel = answeringModel;
      this.failEvery = failEvery;
    }

    @Override
    public LlmResponse complete(LlmRequest r) {
      try {
        Thread.sleep(20); // a round trip: the 64 callers' calls overlap
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long in = 3;
      for (LlmMessage m : r.messages()) {
        in += 4 + m.text().codePoints().map(cp -> cp < 0x80 ? 1 : 2).sum();
      }
      long out = r.maxOutputTokens().orElse(4_096);
      TokenUsage usage = new TokenUsage(in, out);
      billedTokens.addAndGet(usage.totalTokens());
      BigDecimal cost = PriceTable.defaults().priceOf(answeringModel).orElseThrow().cost(usage);
      billedCost.accumulateAndGet(cost, BigDecimal::add);
      int n = calls.incrementAndGet();
      if (failEvery > 0 && n % failEvery == 0) {
        // processed and billed, but the answer never arrived (a read timeout)
        throw new LlmRetriableException("no answer within the timeout", null, r.stage(), 1, 0, null);
      }
      return new LlmResponse("<ranking>A</ranking>", usage, answeringModel, 1, false);
    }
  }

  private static LlmRequest cjkRequest(int i) {
    return new LlmRequest(List.of(LlmMessage.system("You rank items."), LlmMessage.user(CJK.repeat(1 + i % 5))),
        Stage.RERANK, 0, OptionalInt.of(200), false);
  }

  /** Calls from 64 threads until the budget refuses every caller. */
  private static void spend(LlmClient client) throws Exception {
    ConcurrentCallers.untilRefused(client, CALLERS, BudgetHardeningTest::cjkRequest);
  }

  private static LlmClients.Builder stack(Provider p, LlmBudget budget) {
    return LlmClients.builder(p).model("gpt-4o-mini").budget(budget).maxConcurrentCalls(CALLERS)
        .maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2));
  }

  @Test
  void tokenBudget_cjkPromptsFrom64Callers_theProviderNeverBillsMoreThanTheLimit() throws Exception {
    Provider provider = new Provider("gpt-4o-mini", 0);
    LlmBudget budget = LlmBudget.ofTokens(60_000);

    spend(stack(provider, budget).build());

    assertThat(provider.billedTokens.get()).isLessThanOrEqualTo(60_000).isGreaterThan(30_000);
    assertThat(budget.spentTokens()).isGreaterThanOrEqualTo(provider.billedTokens.get()).isLessThanOrEqualTo(60_000);
  }

  @Test
  void costBudget_providerAnswersWithAPricierModel_theProviderNeverBillsMoreThanTheLimit() throws Exception {
    Provider provider = new Provider("gpt-4o", 0);
    BigDecimal limit = new BigDecimal("0.05");
    LlmBudget budget = LlmBudget.ofCost(limit);

    spend(stack(provider, budget).build());

    assertThat(provider.billedCost.get()).isLessThanOrEqualTo(limit);
    assertThat(budget.spentCost()).isGreaterThanOrEqualTo(provider.billedCost.get()).isLessThanOrEqualTo(limit);
  }

  @Test
  void budgets_attemptsFailingAfterTheRequestWasSent_areChargedSoTheLimitHolds() throws Exception {
    Provider provider = new Provider("gpt-4o-mini", 4);
    LlmBudget tokens = LlmBudget.ofTokensAndCost(40_000, new BigDecimal("0.10"));

    spend(stack(provider, tokens).build());

    assertThat(provider.billedTokens.get()).isLessThanOrEqualTo(40_000);
    assertThat(tokens.spentTokens()).isGreaterThanOrEqualTo(provider.billedTokens.get());
  }

  @Test
  void sdkStages_allHaveAnOutputCap_soEveryAttemptsCostIsBounded() {
    for (Stage stage : dev.agp.AgpOptimizer.DEFAULT_MAX_OUTPUT_TOKENS.keySet()) {
      assertThat(dev.agp.AgpOptimizer.DEFAULT_MAX_OUTPUT_TOKENS.get(stage)).as(stage.name()).isPositive();
    }
    assertThat(dev.agp.AgpOptimizer.DEFAULT_MAX_OUTPUT_TOKENS.keySet())
        .containsExactlyInAnyOrder(Stage.PROFILE, Stage.RERANK, Stage.CRITIQUE, Stage.SUMMARIZE, Stage.OPTIMIZE);
    assertThat(dev.agp.rpp.RppOptimizer.DEFAULT_MAX_OUTPUT_TOKENS.keySet())
        .containsExactlyInAnyOrder(Stage.RPP_RANK, Stage.RPP_REFINE);
  }

  @Test
  void budget_attemptsRefusedByTheServerOrNeverSent_areNotCharged() {
    LlmBudget budget = LlmBudget.ofTokens(100_000);
    AtomicInteger n = new AtomicInteger();
    LlmClient backend = r -> {
      switch (n.incrementAndGet()) {
        case 1 -> throw new LlmRetriableException("rate limited", null, r.stage(), 1, 429, Duration.ZERO);
        case 2 -> throw new LlmNonRetriableException("authentication failed", null, r.stage(), 1, 401);
        default -> {
          return LlmResponse.of("ok", new TokenUsage(7, 3));
        }
      }
    };
    LlmClient c = LlmClients.builder(backend).budget(budget).maxAttempts(3)
        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build();

    org.assertj.core.api.Assertions.catchThrowable(() -> c.complete(LlmRequest.of(Stage.PROFILE, "s", "u")));
    c.complete(LlmRequest.of(Stage.PROFILE, "s", "u"));

    assertThat(budget.spentTokens()).isEqualTo(10);
  }
}
