package dev.agp.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseCacheHardeningTest {

  @TempDir Path dir;

  @Test
  void onDisk_existingEmptyFile_isStartedAnewAndSaysSo() throws IOException {
    Files.createFile(dir.resolve(LlmResponseCache.FILE_NAME));

    LlmResponseCache cache = LlmResponseCache.onDisk(dir);

    assertThat(cache.stats().emptyFileFound()).isTrue();
    assertThat(Files.readString(dir.resolve(LlmResponseCache.FILE_NAME))).startsWith("{\"format\":\"agp-llm-cache\"");
  }

  @Test
  void onDisk_newDirectory_isNotReportedAsEmpty() {
    LlmResponseCache cache = LlmResponseCache.onDisk(dir.resolve("fresh"));

    assertThat(cache.stats().emptyFileFound()).isFalse();
    assertThat(LlmResponseCache.onDisk(dir.resolve("fresh")).stats().emptyFileFound()).isFalse();
  }
}
