package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LlmResponseCache#refresh()}: answers another writer appended after this cache was loaded. */
class LlmResponseCacheRefreshTest {

  @TempDir Path dir;

  private static LlmRequest request(String text) {
    return LlmRequest.of(Stage.PROFILE, "system", text);
  }

  private static LlmClient counting(AtomicInteger calls) {
    return r -> {
      calls.incrementAndGet();
      return new LlmResponse("answer to " + r.lastUserText(), new TokenUsage(10, 5), "m", 1, false);
    };
  }

  @Test
  void refresh_answersAppendedByAnotherCache_areServedWithoutACall() {
    LlmResponseCache reader = LlmResponseCache.onDisk(dir);
    AtomicInteger writerCalls = new AtomicInteger();
    LlmClient writer = new CachingLlmClient(counting(writerCalls), LlmResponseCache.onDisk(dir), "m");
    writer.complete(request("a"));
    writer.complete(request("b"));
    AtomicInteger readerCalls = new AtomicInteger();
    LlmClient client = new CachingLlmClient(counting(readerCalls), reader, "m");

    assertThat(reader.size()).isZero();
    assertThat(reader.refresh()).isEqualTo(2);
    LlmResponse a = client.complete(request("a"));

    assertThat(readerCalls).hasValue(0);
    assertThat(a.cached()).isTrue();
    assertThat(a.text()).isEqualTo("answer to a");
    assertThat(reader.refresh()).isZero();
    assertThat(reader.stats().skippedRecords()).isZero();
  }

  @Test
  void refresh_ownAppendsAndAnIncompleteLastLine_addNothingTwiceAndWaitForTheLineToEnd() throws IOException {
    LlmResponseCache cache = LlmResponseCache.onDisk(dir);
    LlmClient client = new CachingLlmClient(counting(new AtomicInteger()), cache, "m");
    client.complete(request("own"));
    Path file = cache.file().orElseThrow();
    LlmResponseCache other = LlmResponseCache.onDisk(dir.resolve("other"));
    new CachingLlmClient(counting(new AtomicInteger()), other, "m").complete(request("theirs"));
    String record = Files.readAllLines(other.file().orElseThrow(), StandardCharsets.UTF_8).get(1);
    int half = record.length() / 2;
    Files.writeString(file, record.substring(0, half), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    assertThat(cache.refresh()).isZero();
    Files.writeString(file, record.substring(half) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(cache.refresh()).isEqualTo(1);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.stats().skippedRecords()).isZero();
  }

  @Test
  void refresh_unreadableLine_isSkippedAndCounted() throws IOException {
    LlmResponseCache cache = LlmResponseCache.onDisk(dir);
    Files.writeString(cache.file().orElseThrow(), "not a record\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    assertThat(cache.refresh()).isZero();

    assertThat(cache.stats().skippedRecords()).isEqualTo(1);
  }

  @Test
  void refresh_inMemoryCache_doesNothing() {
    assertThat(LlmResponseCache.inMemory().refresh()).isZero();
  }
}
