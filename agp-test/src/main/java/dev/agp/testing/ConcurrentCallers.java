package dev.agp.testing;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Many threads calling one client at once, for budget and limiter tests. */
public final class ConcurrentCallers {

  private ConcurrentCallers() {}

  /**
   * Calls {@code client} from {@code callers} threads, caller {@code t} sending requests {@code t,
   * t + callers, t + 2 callers, ...}, until the budget refuses each caller once; other LLM failures
   * are skipped. Returns when every caller has been refused.
   *
   * @param client the client under test, usually wrapped in a budget
   * @param callers the number of threads, {@code >= 1}
   * @param request the request for call number {@code i} (each number is used once)
   * @return the number of callers refused (all of them)
   * @throws Exception if a caller failed otherwise
   */
  public static int untilRefused(LlmClient client, int callers, IntFunction<LlmRequest> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        int first = t;
        all.add(pool.submit(() -> {
          for (int i = first; ; i += callers) {
            try {
              client.complete(request.apply(i));
            } catch (LlmBudgetExceededException e) {
              refused.incrementAndGet();
              return null;
            } catch (LlmException e) {
              // a failed call (timeout, server error): the caller goes on
            }
          }
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return refused.get();
  }
}
