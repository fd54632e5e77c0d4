package com.example.recommender;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmRetriableException;
import dev.agp.testing.LlmClientContractTest;
import java.util.Objects;
import java.util.function.Function;

/** An application's own LlmClient, checked by the contract that agp-test ships. */
class EchoClientContractTest extends LlmClientContractTest {

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return request -> LlmResponse.of(answer.apply(Objects.requireNonNull(request, "request")));
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return request -> {
      throw retriable
          ? new LlmRetriableException("overloaded", null, request.stage(), 1, 503, null)
          : new LlmNonRetriableException("bad key", null, request.stage(), 1, 401);
    };
  }
}
