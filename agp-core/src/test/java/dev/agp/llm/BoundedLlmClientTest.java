package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.testing.LlmClientContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BoundedLlmClientTest extends LlmClientContractTest {

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return new BoundedLlmClient(Backends.answering(answer), 3);
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return new BoundedLlmClient(Backends.failing(retriable), 3);
  }

  @Test
  void complete_moreCallersThanSlots_letsOnlyTheBoundInAndTheRestWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    LlmClient backend = r -> {
      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inside.decrementAndGet();
      return LlmResponse.of("ok");
    };
    BoundedLlmClient c = new BoundedLlmClient(backend, 2);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<LlmResponse>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        futures.add(pool.submit(() -> c.complete(request(Stage.RERANK, "q"))));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.waiting() < 4 && System.nanoTime() < until) {
        Thread.onSpinWait();
      }

      assertThat(c.waiting()).isEqualTo(4);
      assertThat(inside).hasValue(2);

      release.countDown();
      for (Future<LlmResponse> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS).text()).isEqualTo("ok");
      }
      assertThat(most).hasValue(2);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
