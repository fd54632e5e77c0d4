package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.RemovalCause;
import com.google.common.cache.RemovalNotification;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers already received, by the SHA-256 of the canonical request: the model name, every
 * message's role and text, the temperature, the output cap and the JSON flag (not the stage, not
 * any key or header). Give it to {@link LlmClients.Builder#cache}; the cached answer of a request
 * comes back {@linkplain LlmResponse#cached() marked as cached} and charged no tokens, and
 * identical requests in flight at the same time make one call.
 *
 * <p>{@link #onDisk(Path)} also appends every new answer to {@code responses.jsonl} in a
 * directory (one JSON record a line, written and flushed to disk before the answer is returned)
 * and reads the file back when created, so a run restarted after a crash makes no paid call for an
 * answer it already received. A torn last record left by a crash is dropped; other unreadable
 * lines are skipped, counted in {@link Stats#skippedRecords()} and logged with their line number;
 * an existing but empty file is started anew with a warning ({@link Stats#emptyFileFound()}).
 * Several caches, threads or processes may append to the same file: writes are serialised by a
 * lock per file within the JVM and a file lock across processes. A disk cache also keeps every
 * answer in memory for its lifetime (the file is the record of what was paid for, and a run reads
 * it whole). Sampled answers (temperature above 0) are cached like any other: a cached run replays
 * them.
 *
 * <p>{@link #inMemory()} holds at most {@value #DEFAULT_MAX_ENTRIES} answers, {@link
 * #inMemory(long)} as many as you say: past the bound the least recently used answer is evicted
 * (counted in {@link Stats#evictions()}), so a long-lived serving process stays within a fixed
 * memory. An answer is at most a stage's output cap (a few kilobytes), so the default holds a few
 * tens of megabytes at most. An evicted answer costs a call again when its request comes back; a
 * run that must never pay twice, or must replay sampled answers exactly, uses {@link #onDisk}.
 */
public final class LlmResponseCache {

  /** The file an {@link #onDisk} cache appends to, in its directory. */
  public static final String FILE_NAME = "responses.jsonl";

  /** How many answers {@link #inMemory()} holds before evicting the least recently used. */
  public static final long DEFAULT_MAX_ENTRIES = 10_000;

  static final String FORMAT = "agp-llm-cache";
  static final int VERSION = 1;
  private static final long UNBOUNDED = -1;

  private static final Logger log = LoggerFactory.getLogger(LlmResponseCache.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Map<Path, Object> FILE_LOCKS = new ConcurrentHashMap<>();

  private final Map<String, Entry> entries;
  private final @Nullable Path file;
  private final long maxEntries;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private long skippedRecords;
  private boolean tornRecordDropped;
  private boolean emptyFileFound;
  /** Bytes of the file read into memory so far (up to the end of its last complete line). */
  private long readTo;
  /** Lines of the file read so far, the header included. */
  private long linesRead;

  private LlmResponseCache(@Nullable Path file, long maxEntries) {
    this.file = file;
    this.maxEntries = maxEntries;
    if (maxEntries == UNBOUNDED) {
      this.entries = new ConcurrentHashMap<>();
    } else {
      // one segment: the bound is exact and the order least-recently-used across all answers
      Cache<String, Entry> bounded = CacheBuilder.newBuilder()
          .maximumSize(maxEntries)
          .concurrencyLevel(1)
          .removalListener((RemovalNotification<String, Entry> n) -> {
            if (n.getCause() == RemovalCause.SIZE) {
              evictions.incrementAndGet();
            }
          })
          .build();
      this.entries = bounded.asMap();
    }
  }

  /**
   * A cache held in memory only, for the lifetime of this object, of at most {@value
   * #DEFAULT_MAX_ENTRIES} answers (the least recently used is evicted first).
   *
   * @return an empty cache
   */
  public static LlmResponseCache inMemory() {
    return inMemory(DEFAULT_MAX_ENTRIES);
  }

  /**
   * A cache held in memory only, for the lifetime of this object, of at most {@code maxEntries}
   * answers (the least recently used is evicted first).
   *
   * @param maxEntries how many answers it holds, at least 1
   * @return an empty cache
   * @throws IllegalArgumentException if maxEntries is below 1
   */
  public static LlmResponseCache inMemory(long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1 but was " + maxEntries);
    }
    return new LlmResponseCache(null, maxEntries);
  }

  /**
   * A cache kept in {@code directory/responses.jsonl}, created with the directory when missing,
   * and loaded now when present.
   *
   * @param directory the cache's directory
   * @return the cache, holding the answers the file already has
   * @throws NullPointerException if directory is null
   * @throws UncheckedIOException if the directory or the file cannot be created, read or repaired
   * @throws IllegalStateException if the file exists but is not an AGP response cache
   */
  public static LlmResponseCache onDisk(Path directory) {
    requireNonNull(directory, "directory");
    Path file = directory.toAbsolutePath().normalize().resolve(FILE_NAME);
    LlmResponseCache cache = new LlmResponseCache(file, UNBOUNDED);
    try {
      Files.createDirectories(file.getParent());
      cache.load(Files.exists(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the response cache " + file + ": " + e.getMessage(), e);
    }
    return cache;
  }

  /** {@return the file answers are appended to, when the cache is on disk} */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * Answers held.
   *
   * @return the number of answers held
   */
  public int size() {
    return entries.size();
  }

  /**
   * The bound of an in-memory cache; empty for a disk cache, which keeps every answer.
   *
   * @return the most answers held at once, if bounded
   */
  public OptionalLong maxEntries() {
    return maxEntries == UNBOUNDED ? OptionalLong.empty() : OptionalLong.of(maxEntries);
  }

  /** {@return counters of this cache since it was created} */
  public Stats stats() {
    synchronized (this) {
      return new Stats(
          hits.get(), misses.get(), entries.size(), skippedRecords, tornRecordDropped, writeFailures.get(),
          emptyFileFound, evictions.get());
    }
  }

  /**
   * Counters of a cache.
   *
   * @param hits requests answered from the cache
   * @param misses requests passed on to the backend
   * @param entries answers held
   * @param skippedRecords unreadable lines skipped while loading the file
   * @param tornRecordDropped whether loading dropped a torn last record
   * @param writeFailures answers that could not be appended to the file (kept in memory)
   * @param emptyFileFound whether the file existed but was empty (truncated, or created by a process
   *     that died before writing its first line): it was started anew, with a warning
   * @param evictions answers an in-memory cache dropped to stay within its bound
   */
  public record Stats(
      long hits,
      long misses,
      long entries,
      long skippedRecords,
      boolean tornRecordDropped,
      long writeFailures,
      boolean emptyFileFound,
      long evictions) {}

  // ---------------------------------------------------------------- lookups, for CachingLlmClient

  /**
   * The SHA-256 (hex) of the canonical form of {@code request} sent to {@code model}: the key its
   * answer is cached under, and a name for the request that reveals none of its text (the command
   * line's spend ledger records it to tell a repeated paid call; a Batch API's {@code custom_id}).
   *
   * @param model the model the request goes to
   * @param request the request
   * @return 64 lowercase hex digits
   * @throws NullPointerException if an argument is null
   */
  public static String key(String model, LlmRequest request) {
    requireNonNull(model, "model");
    requireNonNull(request, "request");
    Hasher h = Hashing.sha256().newHasher();
    field(h, "agp-llm-cache-key/1");
    field(h, model);
    h.putInt(request.messages().size());
    for (LlmMessage m : request.messages()) {
      field(h, m.role().name());
      field(h, m.text());
    }
    field(h, BigDecimal.valueOf(request.temperature()).stripTrailingZeros().toPlainString());
    h.putInt(request.maxOutputTokens().orElse(0));
    h.putBoolean(request.json());
    return h.hash().toString();
  }

  private static void field(Hasher h, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    h.putInt(b.length).putBytes(b);
  }

  Optional<LlmResponse> get(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    hits.incrementAndGet();
    return Optional.of(new LlmResponse(e.text(), TokenUsage.ZERO, e.model(), 1, true));
  }

  /** The cached form of an answer another caller has just received: a hit that needs no lookup. */
  LlmResponse shared(LlmResponse response) {
    hits.incrementAndGet();
    return new LlmResponse(response.text(), TokenUsage.ZERO, response.model(), 1, true);
  }

  void countMiss() {
    misses.incrementAndGet();
  }

  void put(String key, LlmResponse response) {
    Entry e = new Entry(key, response.model(), response.text(),
        response.usage().inputTokens(), response.usage().outputTokens());
    if (entries.putIfAbsent(key, e) != null || file == null) {
      return;
    }
    try {
      append(line(e));
    } catch (IOException ex) {
      writeFailures.incrementAndGet();
      log.warn("Cannot append an answer to the response cache {} ({}); it is kept in memory only", file, ex.toString());
    }
  }

  // ---------------------------------------------------------------- the file

  /** One cached answer: what the file's lines hold. */
  record Entry(String key, String model, String text, long inputTokens, long outputTokens) {}

  /** The first line of the file. */
  record Header(String format, int version) {}

  private static byte[] line(Object record) throws JsonProcessingException {
    return (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Object lockOf(Path file) {
    return FILE_LOCKS.computeIfAbsent(file, f -> new Object());
  }

  private void append(byte[] bytes) throws IOException {
    synchronized (lockOf(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
          FileLock ignored = ch.lock()) {
        long size = ch.size();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (size > 0) {
          ByteBuffer last = ByteBuffer.allocate(1);
          ch.read(last, size - 1);
          if (last.get(0) != '\n') {
            // another process died mid-record: end its line so that ours stays readable
            buf = ByteBuffer.allocate(bytes.length + 1).put((byte) '\n').put(bytes).flip();
          }
        }
        long pos = size;
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
        ch.force(false);
      }
    }
  }

  private void load(boolean existed) throws IOException {
    synchronized (lockOf(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
          FileLock ignored = ch.lock()) {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 16) {
          throw new IOException("the file has " + size + " bytes, more than a cache file may hold");
        }
        ByteBuffer all = ByteBuffer.allocate((int) size);
        while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {
          // read fully
        }
        byte[] bytes = all.array();
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        if (end < bytes.length) {
          tornRecordDropped = true;
          log.warn("The response cache {} ends in a torn record ({} bytes, from an interrupted write); dropping it",
              file, bytes.length - end);
          ch.truncate(end);
        }
        if (end == 0) {
          if (existed && bytes.length == 0) {
            emptyFileFound = true;
            log.warn("The response cache {} exists but is empty (truncated, or its writer died before the first line);"
                + " starting it anew: no answer is cached yet", file);
          }
          byte[] header = line(new Header(FORMAT, VERSION));
          ch.write(ByteBuffer.wrap(header), 0);
          ch.force(false);
          readTo = header.length;
          linesRead = 1;
          return;
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
        checkHeader(lines[0]);
        for (int i = 1; i < lines.length - 1; i++) {
          readRecord(lines[i], i + 1);
        }
        readTo = end;
        linesRead = lines.length - 1;
      }
    }
  }

  /**
   * Reads the answers other caches, threads or processes appended to this cache's file since it
   * was loaded or last refreshed (for example a retried or speculative copy of the same work in
   * another JVM), so that they are not paid for again. Costs one file-size check when nothing was
   * appended. Records are read as when loading: unreadable ones are skipped and counted; an
   * incomplete last line (a record still being written, or torn by a crash) is left for later.
   * Does nothing for an in-memory cache.
   *
   * @return the answers added to memory
   * @throws UncheckedIOException if the file cannot be read
   */
  public int refresh() {
    if (file == null) {
      return 0;
    }
    try {
      synchronized (lockOf(file)) {
        if (Files.size(file) <= readTo) {
          return 0;
        }
        synchronized (this) {
          return readTail();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  private int readTail() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size - readTo > Integer.MAX_VALUE - 16) {
        throw new IOException("the file grew by " + (size - readTo) + " bytes, more than one refresh may read");
      }
      ByteBuffer tail = ByteBuffer.allocate((int) (size - readTo));
      while (tail.hasRemaining() && ch.read(tail, readTo + tail.position()) >= 0) {
        // read fully
      }
      byte[] bytes = tail.array();
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      int before = entries.size();
      for (int from = 0; from < end; ) {
        int nl = from;
        while (bytes[nl] != '\n') {
          nl++;
        }
        linesRead++;
        if (nl > from) {
          readRecord(new String(bytes, from, nl - from, StandardCharsets.UTF_8), linesRead);
        }
        from = nl + 1;
      }
      readTo += end;
      return entries.size() - before;
    }
  }

  private void checkHeader(String first) {
    Header h;
    try {
      h = JSON.readValue(first, Header.class);
    } catch (IOException e) {
      h = null;
    }
    if (h == null || !FORMAT.equals(h.format())) {
      throw new IllegalStateException(
          file + " is not an AGP response cache (its first line is not {\"format\":\"" + FORMAT
              + "\",...}); give the cache an empty or new directory");
    }
    if (h.version() != VERSION) {
      throw new IllegalStateException(
          file + " is a response cache of version " + h.version() + "; this release reads version " + VERSION);
    }
  }

  private void readRecord(String text, long lineNumber) {
    Entry e;
    try {
      e = JSON.readValue(text, Entry.class);
    } catch (IOException ex) {
      e = null;
    }
    if (e == null || e.key() == null || e.key().length() != 64 || e.text() == null || e.model() == null
        || e.inputTokens() < 0 || e.outputTokens() < 0) {
      skippedRecords++;
      log.warn("Skipping line {} of the response cache {}: not a cache record", lineNumber, file);
      return;
    }
    entries.putIfAbsent(e.key(), e);
  }
}
