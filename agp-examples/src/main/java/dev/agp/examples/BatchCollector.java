package dev.agp.examples;

import dev.agp.langchain4j.OpenAiBatch;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The test phase of {@code agp run --batch-api}: callers on many threads (one per test user) ask
 * for answers; their requests wait here and go out together as one Batch API submission once no
 * new one has arrived for a short linger (or enough are waiting). Each caller gets its answer when
 * the batch ends; a request the batch failed or left expired goes to the normal endpoint (or fails
 * the call, which the method turns into a fallback). Put it under the response cache and the
 * budget (see {@link BatchRouter}) so that answers are cached and charged once, at the batch price.
 */
final class BatchCollector implements LlmClient, AutoCloseable {

  private final OpenAiBatch batch;
  private final LlmClient retry;
  private final boolean retryFailures;
  private final Duration linger;
  private final int maxWaiting;
  private final List<Waiter> waiting = new ArrayList<>();
  private long lastArrival;
  private @Nullable Thread flusher;
  private boolean closed;

  private record Waiter(LlmRequest request, CompletableFuture<OpenAiBatch.Outcome> outcome) {}

  BatchCollector(OpenAiBatch batch, LlmClient retry, boolean retryFailures, Duration linger, int maxWaiting) {
    this.batch = batch;
    this.retry = retry;
    this.retryFailures = retryFailures;
    this.linger = linger;
    this.maxWaiting = maxWaiting;
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    Waiter w = new Waiter(request, new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the batch collector is closed");
      }
      waiting.add(w);
      lastArrival = System.nanoTime();
      if (flusher == null) {
        flusher = new Thread(this::flushLoop, "agp-batch-collector");
        flusher.setDaemon(true);
        flusher.start();
      }
      notifyAll();
    }
    OpenAiBatch.Outcome o;
    try {
      o = w.outcome().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmNonRetriableException("interrupted while waiting for a batch", e, request.stage(), 1, 0);
    } catch (ExecutionException e) {
      throw new LlmNonRetriableException("the batch failed: " + CaseFiles.message(e.getCause()), null, request.stage(), 1, 0);
    }
    if (o.answer().isPresent()) {
      return o.answer().get();
    }
    if (retryFailures) {
      return retry.complete(request);
    }
    throw new LlmNonRetriableException("the batch did not answer (" + o.errorCode() + ": " + o.errorMessage() + ")", null,
        request.stage(), 1, 0);
  }

  private void flushLoop() {
    while (true) {
      List<Waiter> take;
      synchronized (this) {
        try {
          while (!closed && (waiting.isEmpty()
              || (waiting.size() < maxWaiting && System.nanoTime() - lastArrival < linger.toNanos()))) {
            if (waiting.isEmpty()) {
              wait();
            } else {
              long left = linger.toNanos() - (System.nanoTime() - lastArrival);
              wait(Math.max(1, left / 1_000_000), 0);
            }
          }
        } catch (InterruptedException e) {
          closed = true;
        }
        if (closed && waiting.isEmpty()) {
          return;
        }
        take = new ArrayList<>(waiting.subList(0, Math.min(waiting.size(), maxWaiting)));
        waiting.subList(0, take.size()).clear();
      }
      if (closed) {
        take.forEach(w -> w.outcome().completeExceptionally(new IllegalStateException("the run is ending")));
        continue;
      }
      try {
        OpenAiBatch.Result r = batch.execute(take.stream().map(Waiter::request).toList());
        for (int i = 0; i < take.size(); i++) {
          take.get(i).outcome().complete(r.outcomes().get(i));
        }
      } catch (RuntimeException e) {
        take.forEach(w -> w.outcome().completeExceptionally(e));
      }
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      notifyAll();
      t = flusher;
    }
    if (t != null) {
      t.interrupt();
    }
  }
}
