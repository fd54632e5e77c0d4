package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import dev.agp.llm.PriceTable;
import dev.agp.testing.GenreWorld;
import java.util.List;

/** The 5-user AGP fit the real-key ITs run. */
final class RealBackendFits {

  private RealBackendFits() {}

  static void fitFiveUsers(LlmClient llm) {
    List<UserCase> users = GenreWorld.users("it", 5, 5);
    AgpModel model = AgpOptimizer.builder()
        .llm(llm).domain("movie").batchSize(4).epochs(1).concurrency(4).seed(1)
        .build()
        .fit(users);

    assertThat(model.prompt().text()).isNotBlank();
    for (UserCase u : users) {
      Ranking r = model.rerank(u);
      assertThat(r.isPermutationOf(u)).isTrue();
    }
    assertThat(model.usage().total().inputTokens()).isPositive();
    assertThat(model.usage().cost(PriceTable.defaults()).total()).isPositive();
  }
}
