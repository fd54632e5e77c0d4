package dev.agp.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What happened to every batch submitted from a directory, one JSON event a line, each written
 * and forced to disk before the step it records is relied on: a batch's input file is
 * {@code prepared} (written next to the journal), {@code uploaded} (its file id), {@code created}
 * (its batch id), and {@code retired} once its answers are no longer needed. A restart reads the
 * journal back and re-attaches to what was created instead of submitting it again. A torn last
 * line left by a crash is dropped. A lock file keeps a second process out of the directory.
 */
final class BatchJournal implements AutoCloseable {

  static final String FILE = "journal.jsonl";
  static final String FORMAT = "agp-batch-journal";
  static final int VERSION = 1;

  /** One batch as the journal knows it. */
  record Entry(int seq, String file, int requests, String model, @Nullable String fileId, @Nullable String batchId, boolean retired) {
    Entry withFileId(String id) {
      return new Entry(seq, file, requests, model, id, batchId, retired);
    }

    Entry withBatchId(String id) {
      return new Entry(seq, file, requests, model, fileId, id, retired);
    }

    Entry asRetired() {
      return new Entry(seq, file, requests, model, fileId, batchId, true);
    }
  }

  private final Path directory;
  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<Integer, Entry> entries = new TreeMap<>();

  private BatchJournal(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.file = directory.resolve(FILE);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (or starts) the journal of {@code directory}, holding its lock until {@link #close()}.
   *
   * @throws IllegalStateException if another process holds the directory, or the journal is not one
   * @throws UncheckedIOException if the directory cannot be used
   */
  static BatchJournal open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("the batch directory " + dir + " is in use by another run; wait for it to end");
      }
      BatchJournal j = new BatchJournal(dir, channel, lock);
      j.load();
      return j;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot open the batch directory " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void closeQuietly(@Nullable FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  Path directory() {
    return directory;
  }

  synchronized Map<Integer, Entry> entries() {
    return Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  synchronized int nextSeq() {
    return entries.isEmpty() ? 1 : ((TreeMap<Integer, Entry>) entries).lastKey() + 1;
  }

  synchronized Entry prepared(int seq, String inputFile, int requests, String model) {
    Entry e = new Entry(seq, inputFile, requests, model, null, null, false);
    append(event("prepared", seq).put("file", inputFile).put("requests", requests).put("model", model));
    entries.put(seq, e);
    return e;
  }

  synchronized Entry uploaded(int seq, String fileId) {
    append(event("uploaded", seq).put("file_id", fileId));
    return entries.compute(seq, (k, e) -> require(seq, e).withFileId(fileId));
  }

  synchronized Entry created(int seq, String batchId) {
    append(event("created", seq).put("batch_id", batchId));
    return entries.compute(seq, (k, e) -> require(seq, e).withBatchId(batchId));
  }

  synchronized void retired(int seq) {
    Entry e = entries.get(seq);
    if (e == null || e.retired()) {
      return;
    }
    append(event("retired", seq));
    entries.put(seq, e.asRetired());
  }

  private static Entry require(int seq, @Nullable Entry e) {
    if (e == null) {
      throw new IllegalStateException("batch " + seq + " is not in the journal");
    }
    return e;
  }

  private static ObjectNode event(String name, int seq) {
    ObjectNode n = BatchLines.JSON.createObjectNode();
    n.put("event", name);
    n.put("seq", seq);
    return n;
  }

  private void append(ObjectNode event) {
    byte[] bytes = (event.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the batch journal " + file + ": " + e.getMessage(), e);
    }
  }

  private void load() throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      ObjectNode header = BatchLines.JSON.createObjectNode().put("format", FORMAT).put("version", VERSION);
      Files.write(file, (header + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      // a crash cut the last event: it was never relied on
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(end);
      }
    }
    String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
    JsonNode header = parse(lines[0]);
    if (header == null || !FORMAT.equals(header.path("format").asText())) {
      throw new IllegalStateException(file + " is not an AGP batch journal; give the batch state an empty or new directory");
    }
    if (header.path("version").asInt() != VERSION) {
      throw new IllegalStateException(file + " is a batch journal of version " + header.path("version").asInt()
          + "; this release reads version " + VERSION);
    }
    for (int i = 1; i < lines.length; i++) {
      JsonNode n = parse(lines[i]);
      if (n == null || !n.path("seq").canConvertToInt() || !n.path("event").isTextual()) {
        throw new IllegalStateException(file + " line " + (i + 1) + " is not a journal event");
      }
      int seq = n.path("seq").asInt();
      switch (n.path("event").asText()) {
        case "prepared" -> entries.put(seq, new Entry(seq, n.path("file").asText(), n.path("requests").asInt(),
            n.path("model").asText(), null, null, false));
        case "uploaded" -> entries.computeIfPresent(seq, (k, e) -> e.withFileId(BatchHttp.checkedId("a file id", n.path("file_id").asText())));
        case "created" -> entries.computeIfPresent(seq, (k, e) -> e.withBatchId(BatchHttp.checkedId("a batch id", n.path("batch_id").asText())));
        case "retired" -> entries.computeIfPresent(seq, (k, e) -> e.asRetired());
        default -> throw new IllegalStateException(file + " line " + (i + 1) + ": unknown event " + n.path("event").asText());
      }
    }
  }

  private static @Nullable JsonNode parse(String line) {
    try {
      return BatchLines.JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(lockChannel);
  }
}
