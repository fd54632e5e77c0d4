package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Semaphore;

/** Lets at most a fixed number of calls run at once; the others wait in arrival order. */
final class BoundedLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final Semaphore permits;

  BoundedLlmClient(LlmClient delegate, int maxConcurrentCalls) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.permits = new Semaphore(maxConcurrentCalls, true);
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmNonRetriableException(
          "interrupted while waiting for a free call slot", e, request.stage(), 0, 0);
    }
    try {
      return delegate.complete(request);
    } finally {
      permits.release();
    }
  }

  /** Calls waiting for a slot, for tests. */
  int waiting() {
    return permits.getQueueLength();
  }
}
