package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Answers from an {@link LlmResponseCache} when it can and stores what the backend answers.
 * Identical requests in flight together make one backend call: the others wait for it and get
 * its answer as a cache hit (even if a bounded cache has evicted it meanwhile); if it fails, one
 * of them calls in turn.
 */
final class CachingLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final LlmResponseCache cache;
  private final String model;
  private final ConcurrentHashMap<String, CompletableFuture<LlmResponse>> inFlight = new ConcurrentHashMap<>();

  CachingLlmClient(LlmClient delegate, LlmResponseCache cache, String model) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.cache = requireNonNull(cache, "cache");
    this.model = requireNonNull(model, "model");
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    String key = LlmResponseCache.key(model, request);
    while (true) {
      Optional<LlmResponse> hit = cache.get(key);
      if (hit.isPresent()) {
        return hit.get();
      }
      CompletableFuture<LlmResponse> mine = new CompletableFuture<>();
      CompletableFuture<LlmResponse> leader = inFlight.putIfAbsent(key, mine);
      if (leader != null) {
        Optional<LlmResponse> shared = awaitQuietly(leader, request.stage());
        if (shared.isPresent()) {
          return cache.shared(shared.get());
        }
        continue;
      }
      try {
        // a leader may have finished between our lookup and our registration
        Optional<LlmResponse> late = cache.get(key);
        if (late.isPresent()) {
          mine.complete(late.get());
          return late.get();
        }
        cache.countMiss();
        LlmResponse response = delegate.complete(request);
        cache.put(key, response);
        mine.complete(response);
        return response;
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        inFlight.remove(key, mine);
      }
    }
  }

  /**
   * Waits for the leader's call and returns its answer; its failure is not ours, so it is dropped
   * (empty) and we try ourselves.
   */
  private static Optional<LlmResponse> awaitQuietly(CompletableFuture<LlmResponse> leader, Stage stage) {
    try {
      return Optional.of(leader.get());
    } catch (ExecutionException | CompletionException e) {
      // the leader's caller gets its failure; this caller looks again and may call itself
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmNonRetriableException(
          "interrupted while waiting for an identical call in flight", e, stage, 0, 0);
    }
  }
}
