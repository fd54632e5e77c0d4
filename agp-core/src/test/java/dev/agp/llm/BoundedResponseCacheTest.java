package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory response cache stays within its bound; the disk cache keeps every answer. */
class BoundedResponseCacheTest {

  @TempDir Path dir;

  private static LlmResponse answer(String text) {
    return new LlmResponse(text, new TokenUsage(10, 5), "m", 1, false);
  }

  @Test
  void inMemory_default_holdsTheDocumentedNumberOfAnswers() {
    LlmResponseCache cache = LlmResponseCache.inMemory();
    long extra = 25;

    for (long i = 0; i < LlmResponseCache.DEFAULT_MAX_ENTRIES + extra; i++) {
      cache.put(LlmResponseCache.key("m", LlmRequest.of(Stage.RERANK, "s", "q" + i)), answer("a" + i));
    }

    assertThat(cache.maxEntries()).isEqualTo(OptionalLong.of(10_000));
    assertThat(cache.size()).isEqualTo(10_000);
    assertThat(cache.stats().evictions()).isEqualTo(extra);
    assertThat(cache.stats().entries()).isEqualTo(10_000);
  }

  @Test
  void inMemory_bound_evictsTheLeastRecentlyUsedAnswer() {
    LlmResponseCache cache = LlmResponseCache.inMemory(2);

    cache.put("a", answer("A"));
    cache.put("b", answer("B"));
    assertThat(cache.get("a")).isPresent();
    cache.put("c", answer("C"));

    assertThat(cache.get("b")).as("least recently used").isEmpty();
    assertThat(cache.get("a")).map(LlmResponse::text).contains("A");
    assertThat(cache.get("c")).map(LlmResponse::text).contains("C");
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.stats().evictions()).isEqualTo(1);
  }

  @Test
  void inMemory_boundBelowOne_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LlmResponseCache.inMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries must be >= 1 but was 0");
  }

  @Test
  void onDisk_noBound_keepsEveryAnswerAndEvictsNothing() {
    LlmResponseCache cache = LlmResponseCache.onDisk(dir);

    for (int i = 0; i < 40; i++) {
      cache.put(LlmResponseCache.key("m", LlmRequest.of(Stage.PROFILE, "s", "q" + i)), answer("a" + i));
    }

    assertThat(cache.maxEntries()).isEmpty();
    assertThat(cache.size()).isEqualTo(40);
    assertThat(cache.stats().evictions()).isZero();
    assertThat(LlmResponseCache.onDisk(dir).size()).isEqualTo(40);
  }

  @Test
  void client_manyDistinctRequests_cacheStaysWithinItsBound() {
    AtomicInteger calls = new AtomicInteger();
    LlmResponseCache cache = LlmResponseCache.inMemory(100);
    LlmClient llm = LlmClients.builder(r -> {
      calls.incrementAndGet();
      return answer("answer to " + r.lastUserText());
    }).model("m").maxAttempts(1).cache(cache).build();

    for (int i = 0; i < 1_000; i++) {
      llm.complete(LlmRequest.of(Stage.RERANK, "s", "user " + i));
    }
    LlmResponse again = llm.complete(LlmRequest.of(Stage.RERANK, "s", "user 999"));
    LlmResponse evicted = llm.complete(LlmRequest.of(Stage.RERANK, "s", "user 0"));

    assertThat(cache.size()).isEqualTo(100);
    assertThat(cache.stats().evictions()).isEqualTo(901);
    assertThat(again.cached()).isTrue();
    assertThat(evicted.cached()).as("an evicted answer costs a call again").isFalse();
    assertThat(calls).hasValue(1_001);
  }
}
