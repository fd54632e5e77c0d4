package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.testing.LlmClientContractTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

class CachingLlmClientTest extends LlmClientContractTest {

  @TempDir Path dir;

  @Override
  protected LlmClient client(Function<LlmRequest, String> answer) {
    return new CachingLlmClient(Backends.answering(answer), LlmResponseCache.inMemory(), "m");
  }

  @Override
  protected LlmClient failingClient(boolean retriable) {
    return new CachingLlmClient(Backends.failing(retriable), LlmResponseCache.inMemory(), "m");
  }

  private static final class Counting implements LlmClient {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public LlmResponse complete(LlmRequest r) {
      calls.incrementAndGet();
      String text = "answer " + calls.get() + " to " + r.lastUserText();
      return new LlmResponse(text, new TokenUsage(10, 5), "gpt-4o-mini-2024-07-18", 1, false);
    }
  }

  @Test
  void complete_sameRequestTwice_callsOnceAndMarksTheSecondCachedAndFree() {
    Counting backend = new Counting();
    LlmResponseCache cache = LlmResponseCache.inMemory();
    LlmClient c = new CachingLlmClient(backend, cache, "m");

    LlmResponse first = c.complete(request(Stage.PROFILE, "q"));
    LlmResponse second = c.complete(request(Stage.PROFILE, "q"));

    assertThat(backend.calls).hasValue(1);
    assertThat(first.cached()).isFalse();
    assertThat(second.cached()).isTrue();
    assertThat(second.text()).isEqualTo(first.text());
    assertThat(second.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(second.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  void key_everyPartOfTheCanonicalRequest_changesTheKeyButTheStageDoesNot() {
    LlmRequest base = request(Stage.PROFILE, "q");
    String k = LlmResponseCache.key("m", base);

    assertThat(LlmResponseCache.key("m", request(Stage.RERANK, "q"))).isEqualTo(k);
    assertThat(LlmResponseCache.key("m", base.withTemperature(0.0))).isEqualTo(k);
    assertThat(List.of(
            LlmResponseCache.key("other", base),
            LlmResponseCache.key("m", request(Stage.PROFILE, "q2")),
            LlmResponseCache.key("m", base.withTemperature(0.5)),
            LlmResponseCache.key("m", base.withMaxOutputTokens(100)),
            LlmResponseCache.key("m", base.withJson(true)),
            LlmResponseCache.key("m", LlmRequest.of(Stage.PROFILE, List.of(LlmMessage.user("You answer briefly.q"))))))
        .doesNotContain(k)
        .doesNotHaveDuplicates()
        .allSatisfy(key -> assertThat(key).hasSize(64).matches("[0-9a-f]+"));
  }

  @Test
  void complete_failure_isNotCached() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient c = new CachingLlmClient(r -> {
      if (calls.incrementAndGet() == 1) {
        throw Backends.failure(true, r.stage());
      }
      return LlmResponse.of("ok");
    }, LlmResponseCache.inMemory(), "m");

    catchThrowableOfType(LlmRetriableException.class, () -> c.complete(request(Stage.PROFILE, "q")));

    assertThat(c.complete(request(Stage.PROFILE, "q")).cached()).isFalse();
    assertThat(calls).hasValue(2);
  }

  @Test
  void complete_identicalRequestsInFlight_makeOneBackendCall() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    LlmClient backend = r -> {
      calls.incrementAndGet();
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LlmResponse.of("shared");
    };
    LlmClient c = new CachingLlmClient(backend, LlmResponseCache.inMemory(), "m");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LlmResponse>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> c.complete(request(Stage.RERANK, "same"))));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 3; i++) {
        futures.add(pool.submit(() -> c.complete(request(Stage.RERANK, "same"))));
      }
      release.countDown();
      int cached = 0;
      for (Future<LlmResponse> f : futures) {
        LlmResponse r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.text()).isEqualTo("shared");
        cached += r.cached() ? 1 : 0;
      }
      assertThat(calls).hasValue(1);
      assertThat(cached).isEqualTo(3);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void onDisk_newCacheOnTheSameDirectory_answersWithoutCallingTheBackend() {
    Counting first = new Counting();
    new CachingLlmClient(first, LlmResponseCache.onDisk(dir), "m").complete(request(Stage.PROFILE, "q"));
    Counting second = new Counting();
    LlmResponseCache reopened = LlmResponseCache.onDisk(dir);

    LlmResponse r = new CachingLlmClient(second, reopened, "m").complete(request(Stage.PROFILE, "q"));

    assertThat(second.calls).hasValue(0);
    assertThat(r.cached()).isTrue();
    assertThat(r.text()).isEqualTo("answer 1 to q");
    assertThat(reopened.size()).isEqualTo(1);
  }

  @Test
  void onDisk_tornLastRecord_isDroppedAndTheFileStaysAppendable() throws IOException {
    LlmClient c = new CachingLlmClient(new Counting(), LlmResponseCache.onDisk(dir), "m");
    c.complete(request(Stage.PROFILE, "a"));
    c.complete(request(Stage.PROFILE, "b"));
    Path file = dir.resolve(LlmResponseCache.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));

    LlmResponseCache reopened = LlmResponseCache.onDisk(dir);
    Counting backend = new Counting();
    LlmClient again = new CachingLlmClient(backend, reopened, "m");

    assertThat(reopened.stats().tornRecordDropped()).isTrue();
    assertThat(reopened.size()).isEqualTo(1);
    assertThat(again.complete(request(Stage.PROFILE, "a")).cached()).isTrue();
    assertThat(again.complete(request(Stage.PROFILE, "b")).cached()).isFalse();
    assertThat(backend.calls).hasValue(1);
    LlmResponseCache third = LlmResponseCache.onDisk(dir);
    assertThat(third.size()).isEqualTo(2);
    assertThat(third.stats().skippedRecords()).isZero();
    assertThat(third.stats().tornRecordDropped()).isFalse();
  }

  @Test
  void onDisk_unreadableLineInTheMiddle_isSkippedAndCounted() throws IOException {
    LlmClient c = new CachingLlmClient(new Counting(), LlmResponseCache.onDisk(dir), "m");
    c.complete(request(Stage.PROFILE, "a"));
    Path file = dir.resolve(LlmResponseCache.FILE_NAME);
    Files.writeString(file, "{not json\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    c.complete(request(Stage.PROFILE, "b"));

    LlmResponseCache reopened = LlmResponseCache.onDisk(dir);

    assertThat(reopened.size()).isEqualTo(2);
    assertThat(reopened.stats().skippedRecords()).isEqualTo(1);
  }

  @Test
  void onDisk_fileOfAnotherFormat_isRefusedWithItsPath() throws IOException {
    Files.writeString(dir.resolve(LlmResponseCache.FILE_NAME), "{\"format\":\"something-else\"}\n");

    assertThatThrownBy(() -> LlmResponseCache.onDisk(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(LlmResponseCache.FILE_NAME)
        .hasMessageContaining("not an AGP response cache");
  }

  @Test
  void onDisk_twoCachesOnOneFileWrittenConcurrently_loseNoRecord() throws Exception {
    LlmClient a = new CachingLlmClient(new Counting(), LlmResponseCache.onDisk(dir), "m");
    LlmClient b = new CachingLlmClient(new Counting(), LlmResponseCache.onDisk(dir), "m");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        LlmClient c = i % 2 == 0 ? a : b;
        String q = "q" + i;
        futures.add(pool.submit(() -> c.complete(request(Stage.RERANK, q))));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    LlmResponseCache reopened = LlmResponseCache.onDisk(dir);

    assertThat(reopened.size()).isEqualTo(200);
    assertThat(reopened.stats().skippedRecords()).isZero();
    assertThat(Files.readAllLines(dir.resolve(LlmResponseCache.FILE_NAME))).hasSize(201);
  }

  @Test
  void onDisk_file_holdsHashesAndAnswersButNotTheRequestText() throws IOException {
    LlmClient c = new CachingLlmClient(new Counting(), LlmResponseCache.onDisk(dir), "m");
    c.complete(request(Stage.PROFILE, "a secret-looking prompt"));

    String content = Files.readString(dir.resolve(LlmResponseCache.FILE_NAME));

    assertThat(content).contains(LlmResponseCache.key("m", request(Stage.PROFILE, "a secret-looking prompt")));
    assertThat(content).doesNotContain("You answer briefly.");
  }
}
