package dev.agp.langchain4j;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Sleeper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's Batch API — and any server implementing the same {@code /v1/files} and {@code
 * /v1/batches} endpoints — for chat completions: half the price per token, answers within a
 * completion window instead of at once.
 *
 * <pre>{@code
 * try (OpenAiBatch batch = OpenAiBatch.openAi(System.getenv("OPENAI_API_KEY"), "gpt-4o-mini")
 *     .stateDirectory(Path.of("batches")).build()) {
 *   OpenAiBatch.Result r = batch.execute(requests);    // blocks until every request has an outcome
 *   r.outcomes().get(0).answer();                       // Optional<LlmResponse>
 * }
 * }</pre>
 *
 * <p>{@link #execute} writes the requests as a JSON-lines file (one chat completion body a line,
 * as the direct client would send it, under a {@code custom_id} derived from the request, so
 * identical requests are asked once), uploads it, creates a batch, polls it with a growing
 * interval, downloads the output and error files and maps every line back by {@code custom_id}.
 * More requests than {@link Builder#maxRequestsPerBatch} (or bytes than {@link
 * Builder#maxBytesPerBatch}) are split over several batches, all in flight together.
 *
 * <p><b>Nothing is submitted twice.</b> Every step is written to a journal in the {@linkplain
 * Builder#stateDirectory state directory} before it is relied on. A run restarted after a crash
 * re-attaches: requests already in a journalled batch wait for that batch (and its answers are
 * downloaded again if needed) instead of being submitted again; a batch whose creation was sent
 * but not journalled is found again by its input file. {@link #retire} drops batches whose
 * answers are no longer needed from what a restart looks at.
 *
 * <p><b>Outcomes.</b> Each request comes back answered (its {@link LlmResponse} with the tokens
 * the batch charged, the model recorded under its {@linkplain dev.agp.llm.PriceTable#batchTier
 * batch-tier name} so that it is priced at the batch price) or failed with the server's code:
 * {@code batch_expired} for requests the window did not reach, {@code batch_failed} when the whole
 * batch was refused, {@code batch_cancelled}, {@code http_<status>} for a request the endpoint
 * refused, {@code missing} when neither file mentions it. What to do with failures is the
 * caller's choice (retry through the normal endpoint, or report them).
 *
 * <p><b>Secrets.</b> The key is sent in the {@code Authorization} header to the base URL's origin
 * only (redirects are not followed), is never written to the journal or the files, and is masked
 * in every message. Not thread-safe: one {@link #execute} at a time.
 */
public final class OpenAiBatch implements AutoCloseable {

  /** Requests in one batch (the API's limit). */
  public static final int DEFAULT_MAX_REQUESTS_PER_BATCH = 50_000;
  /** Bytes of one input file (the API allows 200 MB). */
  public static final long DEFAULT_MAX_BYTES_PER_BATCH = 190L * 1024 * 1024;
  /** The completion window asked for (the only one the API offers). */
  public static final String DEFAULT_COMPLETION_WINDOW = "24h";
  /** The first wait between two polls of a batch; it grows by half up to the maximum. */
  public static final Duration DEFAULT_INITIAL_POLL_INTERVAL = Duration.ofSeconds(5);
  /** The longest wait between two polls. */
  public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(2);
  /** How long {@link #execute} waits for its batches before giving up (they keep running). */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofHours(26);
  /** Connect and read timeout of one HTTP call. */
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofMinutes(2);

  private static final Pattern INPUT_FILE = Pattern.compile("input-\\d{6}\\.jsonl");
  private static final int MAX_LINE_CHARS = 4 * BatchLines.MAX_ANSWER_CHARS;

  private final BatchHttp http;
  private final BatchJournal journal;
  private final String model;
  private final String completionWindow;
  private final int maxRequests;
  private final long maxBytes;
  private final Duration initialPoll;
  private final Duration maxPoll;
  private final Duration maxWait;
  private final Sleeper sleeper;
  private final Listener listener;
  /** custom_id -> seq of the journalled batch that holds it, for batches not retired. */
  private final Map<String, Integer> index = new HashMap<>();

  private OpenAiBatch(Builder b) {
    this.http = new BatchHttp(b.baseUrl, b.apiKey, b.httpTimeout, b.sleeper);
    this.model = b.model;
    this.completionWindow = b.completionWindow;
    this.maxRequests = b.maxRequests;
    this.maxBytes = b.maxBytes;
    this.initialPoll = b.initialPoll;
    this.maxPoll = b.maxPoll;
    this.maxWait = b.maxWait;
    this.sleeper = b.sleeper;
    this.listener = b.listener;
    this.journal = BatchJournal.open(requireNonNull(b.stateDirectory, "stateDirectory"));
    try {
      for (BatchJournal.Entry e : journal.entries().values()) {
        if (!e.retired()) {
          for (String id : customIds(e)) {
            index.put(id, e.seq());
          }
        }
      }
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /**
   * A builder for the Batch API at {@code baseUrl} (for example {@code https://api.openai.com/v1}).
   *
   * @param apiKey the key, or "" for a server that needs none
   * @param baseUrl the URL that {@code /files} and {@code /batches} are appended to
   * @param model the model every request is sent to
   * @return a builder; set at least {@link Builder#stateDirectory}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URL is not http(s) or the model is blank
   */
  public static Builder builder(String baseUrl, String apiKey, String model) {
    return new Builder(baseUrl, apiKey, model);
  }

  /**
   * A builder for OpenAI's Batch API.
   *
   * @param apiKey the OpenAI key; sent to {@code api.openai.com} only
   * @param model the model every request is sent to
   * @return a builder; set at least {@link Builder#stateDirectory}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key or the model is blank
   */
  public static Builder openAi(String apiKey, String model) {
    requireNonNull(apiKey, "apiKey");
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank");
    }
    return new Builder(LlmBackends.OPENAI_BASE_URL, apiKey, model);
  }

  /** {@return the model every request is sent to} */
  public String model() {
    return model;
  }

  /** {@return the state directory: the journal and the input files} */
  public Path directory() {
    return journal.directory();
  }

  /**
   * The id a request has in a batch (and in the journal): a hash of the model and the request.
   *
   * @param request the request, as it would be sent
   * @return the request's id: equal requests have equal ids
   */
  public String customId(LlmRequest request) {
    return BatchLines.customId(model, requireNonNull(request, "request"));
  }

  /**
   * Gets every request answered through batches, blocking until each has an outcome.
   *
   * @param requests the requests; duplicates are asked once and get the same outcome
   * @return the outcomes, in the order of {@code requests}
   * @throws NullPointerException if requests or an element is null
   * @throws BatchApiException if a Batch API call keeps failing, or the batches do not end within
   *     the maximum wait (they are journalled: a later call re-attaches to them)
   * @throws UncheckedIOException if the state directory cannot be written
   */
  public Result execute(List<LlmRequest> requests) {
    requireNonNull(requests, "requests");
    Map<String, LlmRequest> unique = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>(requests.size());
    for (LlmRequest r : requests) {
      String id = customId(requireNonNull(r, "request"));
      ids.add(id);
      unique.putIfAbsent(id, r);
    }
    Map<Integer, Set<String>> wanted = new TreeMap<>();
    List<String> fresh = new ArrayList<>();
    for (String id : unique.keySet()) {
      Integer seq = index.get(id);
      if (seq != null) {
        wanted.computeIfAbsent(seq, k -> new HashSet<>()).add(id);
      } else {
        fresh.add(id);
      }
    }
    int reattached = wanted.values().stream().mapToInt(Set::size).sum();
    for (int seq : wanted.keySet()) {
      BatchJournal.Entry e = journal.entries().get(seq);
      listener.onReattached(e.batchId() == null ? "(not created yet)" : e.batchId(), wanted.get(seq).size());
    }
    for (List<String> chunk : chunks(fresh, unique)) {
      int seq = prepare(chunk, unique);
      wanted.put(seq, new HashSet<>(chunk));
    }
    Map<Integer, String> batchIds = new TreeMap<>();
    for (int seq : wanted.keySet()) {
      batchIds.put(seq, ensureCreated(seq));
    }
    Map<String, Outcome> outcomes = await(batchIds, wanted);
    List<Outcome> ordered = new ArrayList<>(ids.size());
    for (String id : ids) {
      ordered.add(outcomes.getOrDefault(id, Outcome.failed(id, "missing", "no line of the batch's files mentions the request")));
    }
    return new Result(ordered, List.copyOf(batchIds.values()), fresh.size(), reattached);
  }

  /**
   * Forgets batches whose answers are no longer needed: a restart no longer re-attaches to them
   * (their requests would be submitted again). Unknown ids are ignored.
   *
   * @param batchIds the ids of the batches to forget
   * @throws NullPointerException if batchIds is null
   */
  public void retire(Collection<String> batchIds) {
    Set<String> gone = new HashSet<>(requireNonNull(batchIds, "batchIds"));
    for (BatchJournal.Entry e : journal.entries().values()) {
      if (!e.retired() && e.batchId() != null && gone.contains(e.batchId())) {
        journal.retired(e.seq());
        index.values().removeIf(seq -> seq == e.seq());
      }
    }
  }

  /** Releases the state directory. Batches in flight keep running on the server. */
  @Override
  public void close() {
    journal.close();
  }

  // ---------------------------------------------------------------- submitting

  private List<List<String>> chunks(List<String> fresh, Map<String, LlmRequest> unique) {
    List<List<String>> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long bytes = 0;
    for (String id : fresh) {
      long size = BatchLines.requestLine(id, model, unique.get(id)).getBytes(StandardCharsets.UTF_8).length + 1L;
      if (size > maxBytes) {
        throw new IllegalArgumentException("one request is " + size + " bytes, more than a batch file may hold (" + maxBytes + ")");
      }
      if (!current.isEmpty() && (current.size() >= maxRequests || bytes + size > maxBytes)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(id);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** Writes the input file and journals it; nothing is sent yet. */
  private int prepare(List<String> chunk, Map<String, LlmRequest> unique) {
    int seq = journal.nextSeq();
    String name = String.format(Locale.ROOT, "input-%06d.jsonl", seq);
    Path file = journal.directory().resolve(name);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (String id : chunk) {
        w.write(BatchLines.requestLine(id, model, unique.get(id)));
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the batch input file " + file + ": " + e.getMessage(), e);
    }
    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush the batch input file " + file + ": " + e.getMessage(), e);
    }
    journal.prepared(seq, name, chunk.size(), model);
    for (String id : chunk) {
      index.put(id, seq);
    }
    return seq;
  }

  /** Uploads and creates what the journal has not recorded yet; the batch id. */
  private String ensureCreated(int seq) {
    BatchJournal.Entry e = journal.entries().get(seq);
    if (e.batchId() != null) {
      return e.batchId();
    }
    if (e.fileId() == null) {
      e = journal.uploaded(seq, http.upload(inputFile(e)));
    } else {
      // the creation may have been sent before a crash: find it rather than pay twice
      Optional<JsonNode> found = http.findByInputFile(e.fileId(), 10);
      if (found.isPresent()) {
        String id = found.get().path("id").asText();
        journal.created(seq, id);
        listener.onReattached(id, e.requests());
        return id;
      }
    }
    JsonNode batch;
    try {
      batch = http.create(e.fileId(), completionWindow, Map.of("agp_seq", Integer.toString(seq)));
    } catch (BatchApiException failure) {
      if (!failure.isTransient()) {
        throw failure;
      }
      // unknown whether it was made: look before trying again
      String fileId = e.fileId();
      batch = http.findByInputFile(fileId, 10).orElseGet(() -> http.create(fileId, completionWindow, Map.of("agp_seq", Integer.toString(seq))));
    }
    String id = batch.path("id").asText();
    journal.created(seq, id);
    listener.onSubmitted(id, e.requests());
    return id;
  }

  private Path inputFile(BatchJournal.Entry e) {
    if (!INPUT_FILE.matcher(e.file()).matches()) {
      throw new IllegalStateException("the journal names an input file " + e.file() + " outside the batch directory");
    }
    return journal.directory().resolve(e.file());
  }

  private List<String> customIds(BatchJournal.Entry e) {
    Path file = inputFile(e);
    List<String> ids = new ArrayList<>();
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        try {
          ids.add(BatchLines.JSON.readTree(line).path("custom_id").asText());
        } catch (IOException ex) {
          throw new IllegalStateException("the batch input file " + file + " has an unreadable line", ex);
        }
      });
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read the batch input file " + file + ": " + ex.getMessage(), ex);
    }
    return ids;
  }

  // ---------------------------------------------------------------- waiting and collecting

  private Map<String, Outcome> await(Map<Integer, String> batchIds, Map<Integer, Set<String>> wanted) {
    Map<String, Outcome> out = new HashMap<>();
    Map<Integer, String> pending = new TreeMap<>(batchIds);
    Duration interval = initialPoll;
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var p = it.next();
        JsonNode batch = http.retrieve(p.getValue());
        String status = batch.path("status").asText("");
        JsonNode counts = batch.path("request_counts");
        listener.onStatus(p.getValue(), status, counts.path("completed").asLong(0), counts.path("failed").asLong(0),
            counts.path("total").asLong(0));
        if (BatchHttp.terminalStatuses().contains(status)) {
          collect(p.getValue(), status, batch, wanted.get(p.getKey()), out);
          it.remove();
        }
      }
      if (pending.isEmpty()) {
        return out;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new BatchApiException("batches " + pending.values() + " did not end within " + maxWait
            + "; they are journalled in " + journal.directory() + ": run again to re-attach", true);
      }
      try {
        sleeper.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatchApiException("interrupted while waiting for batches " + pending.values()
            + "; they are journalled: run again to re-attach", false);
      }
      long next = Math.min(maxPoll.toMillis(), interval.toMillis() * 3 / 2);
      interval = Duration.ofMillis(Math.max(next, interval.toMillis()));
    }
  }

  private void collect(String batchId, String status, JsonNode batch, Set<String> wanted, Map<String, Outcome> out) {
    int before = out.size();
    if (status.equals("failed")) {
      String why = batch.path("errors").path("data").path(0).path("message").asText("the batch was refused");
      for (String id : wanted) {
        out.put(id, Outcome.failed(id, "batch_failed", BatchLines.cap(http.redactor().redact(why), 300)));
      }
      listener.onCollected(batchId, status, 0, wanted.size());
      return;
    }
    for (String field : new String[] {"output_file_id", "error_file_id"}) {
      JsonNode f = batch.path(field);
      if (f.isTextual() && !f.asText().isBlank()) {
        read(f.asText(), wanted, out);
      }
    }
    String code = status.equals("completed") ? "missing" : "batch_" + status;
    int failed = 0;
    for (String id : wanted) {
      Outcome o = out.get(id);
      if (o == null) {
        out.put(id, Outcome.failed(id, code, "the batch ended " + status + " without answering this request"));
      }
      if (out.get(id).answer().isEmpty()) {
        failed++;
      }
    }
    listener.onCollected(batchId, status, out.size() - before - failed, failed);
  }

  private void read(String fileId, Set<String> wanted, Map<String, Outcome> out) {
    try (InputStream in = http.download(fileId);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      boolean tooLong = false;
      char[] buf = new char[8192];
      int n;
      while ((n = reader.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            if (!tooLong) {
              accept(line, wanted, out);
            }
            line.setLength(0);
            tooLong = false;
          } else if (!tooLong) {
            if (line.length() >= MAX_LINE_CHARS) {
              tooLong = true; // dropped: its request stays unanswered and is reported as missing
              line.setLength(0);
            } else {
              line.append(c);
            }
          }
        }
      }
      if (!tooLong && line.length() > 0) {
        accept(line, wanted, out);
      }
    } catch (IOException e) {
      throw new BatchApiException("cannot read file " + fileId + " from " + http.origin() + ": "
          + http.redactor().redact(String.valueOf(e.getMessage())), true);
    }
  }

  private void accept(CharSequence text, Set<String> wanted, Map<String, Outcome> out) {
    if (text.toString().isBlank()) {
      return;
    }
    BatchLines.Line line = BatchLines.read(text.toString(), model, http.redactor());
    if (!wanted.contains(line.customId())) {
      return;
    }
    Outcome previous = out.get(line.customId());
    if (previous != null && previous.answer().isPresent()) {
      return; // an answer wins over an error line for the same request
    }
    out.put(line.customId(), line.answer() != null
        ? new Outcome(line.customId(), Optional.of(line.answer()), "", "")
        : Outcome.failed(line.customId(), line.errorCode(), line.errorMessage()));
  }

  // ---------------------------------------------------------------- results

  /**
   * What became of one request.
   *
   * @param customId the request's id in its batch
   * @param answer the answer, when there is one
   * @param errorCode "" when answered; else why not (see the class documentation)
   * @param errorMessage the server's explanation, redacted and shortened; "" when answered
   */
  public record Outcome(String customId, Optional<LlmResponse> answer, String errorCode, String errorMessage) {

    /**
     * @param customId the request's id in its batch
     * @param answer the answer, when there is one
     * @param errorCode "" when answered; else why not (see the class documentation)
     * @param errorMessage the server's explanation, redacted and shortened; "" when answered
     * @throws NullPointerException if an argument is null
     */
    public Outcome {
      requireNonNull(customId, "customId");
      requireNonNull(answer, "answer");
      requireNonNull(errorCode, "errorCode");
      requireNonNull(errorMessage, "errorMessage");
    }

    static Outcome failed(String id, String code, String message) {
      return new Outcome(id, Optional.empty(), code, message);
    }
  }

  /**
   * The outcomes of one {@link #execute} call.
   *
   * @param outcomes one per request, in the order given
   * @param batchIds the batches that answered them
   * @param submitted distinct requests sent in new batches
   * @param reattached distinct requests found in batches already journalled (not sent again)
   */
  public record Result(List<Outcome> outcomes, List<String> batchIds, int submitted, int reattached) {

    /**
     * @param outcomes one per request, in the order given
     * @param batchIds the batches that answered them
     * @param submitted distinct requests sent in new batches
     * @param reattached distinct requests found in batches already journalled (not sent again)
     * @throws NullPointerException if a list is null
     */
    public Result {
      outcomes = List.copyOf(outcomes);
      batchIds = List.copyOf(batchIds);
    }
  }

  /** Progress of batches; every method runs on the thread of {@link #execute}. */
  public interface Listener {
    /**
     * A new batch was created.
     *
     * @param batchId the batch's id at the server
     * @param requests the distinct requests in it
     */
    default void onSubmitted(String batchId, int requests) {}

    /**
     * Requests were found in a batch already journalled and are not sent again.
     *
     * @param batchId the batch's id at the server
     * @param requests the requests of this call found in it
     */
    default void onReattached(String batchId, int requests) {}

    /**
     * A batch was polled.
     *
     * @param batchId the batch's id at the server
     * @param status the server's status, for example {@code in_progress}
     * @param completed requests answered so far
     * @param failed requests failed so far
     * @param total requests in the batch
     */
    default void onStatus(String batchId, String status, long completed, long failed, long total) {}

    /**
     * A batch ended and its files were read.
     *
     * @param batchId the batch's id at the server
     * @param status the final status, for example {@code completed} or {@code expired}
     * @param answered requests with an answer
     * @param failed requests without one
     */
    default void onCollected(String batchId, String status, int answered, int failed) {}
  }

  /**
   * Options of an {@link OpenAiBatch}. Setters throw {@link NullPointerException} for null and
   * {@link IllegalArgumentException} naming the option for a bad value.
   */
  public static final class Builder {
    private final String baseUrl;
    private final String apiKey;
    private final String model;
    private @Nullable Path stateDirectory;
    private String completionWindow = DEFAULT_COMPLETION_WINDOW;
    private int maxRequests = DEFAULT_MAX_REQUESTS_PER_BATCH;
    private long maxBytes = DEFAULT_MAX_BYTES_PER_BATCH;
    private Duration initialPoll = DEFAULT_INITIAL_POLL_INTERVAL;
    private Duration maxPoll = DEFAULT_MAX_POLL_INTERVAL;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Listener listener = new Listener() {};

    private Builder(String baseUrl, String apiKey, String model) {
      requireNonNull(baseUrl, "baseUrl");
      this.apiKey = requireNonNull(apiKey, "apiKey");
      requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.baseUrl = LlmBackends.requireUrl(baseUrl);
      this.model = model;
    }

    /**
     * Where the journal and the input files live (required); one run at a time may use it.
     *
     * @param directory the state directory; created if missing
     * @return this builder
     */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = requireNonNull(directory, "stateDirectory");
      return this;
    }

    /**
     * The completion window asked for (default {@value OpenAiBatch#DEFAULT_COMPLETION_WINDOW}).
     *
     * @param window the window, for example {@code 24h}
     * @return this builder
     */
    public Builder completionWindow(String window) {
      requireNonNull(window, "completionWindow");
      if (window.isBlank()) {
        throw new IllegalArgumentException("completionWindow must not be blank");
      }
      this.completionWindow = window;
      return this;
    }

    /**
     * Requests per batch, {@code >= 1} (default {@value
     * OpenAiBatch#DEFAULT_MAX_REQUESTS_PER_BATCH}).
     *
     * @param requests the most requests in one batch
     * @return this builder
     */
    public Builder maxRequestsPerBatch(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxRequestsPerBatch must be >= 1 but was " + requests);
      }
      this.maxRequests = requests;
      return this;
    }

    /**
     * Bytes per input file, {@code >= 1024} (default 190 MiB).
     *
     * @param bytes the largest input file
     * @return this builder
     */
    public Builder maxBytesPerBatch(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBytesPerBatch must be >= 1024 but was " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * The first and the longest wait between polls, both {@code > 0} (defaults 5 s and 2 min).
     *
     * @param initial the first wait between two polls
     * @param max the longest wait; each wait is half again the last, up to it
     * @return this builder
     */
    public Builder pollInterval(Duration initial, Duration max) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("poll intervals must be > 0 with max >= initial but were " + initial + " and " + max);
      }
      this.initialPoll = initial;
      this.maxPoll = max;
      return this;
    }

    /**
     * How long {@link OpenAiBatch#execute} waits for its batches, {@code > 0} (default 26 h).
     *
     * @param wait the longest wait for all batches
     * @return this builder
     */
    public Builder maxWait(Duration wait) {
      requireNonNull(wait, "maxWait");
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("maxWait must be > 0 but was " + wait);
      }
      this.maxWait = wait;
      return this;
    }

    /**
     * Connect and read timeout of one HTTP call, {@code > 0} (default 2 min).
     *
     * @param timeout the timeout of one HTTP call
     * @return this builder
     */
    public Builder httpTimeout(Duration timeout) {
      requireNonNull(timeout, "httpTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("httpTimeout must be > 0 but was " + timeout);
      }
      this.httpTimeout = timeout;
      return this;
    }

    /**
     * How polls and retries wait (tests record the waits instead).
     *
     * @param sleeper how waits sleep
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Told about every batch created, re-attached, polled and collected.
     *
     * @param listener told about every batch's progress
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The client, holding the state directory until {@link OpenAiBatch#close()}.
     *
     * @return the client
     * @throws IllegalStateException if no state directory is set, another run holds it, or its
     *     journal is not one
     * @throws UncheckedIOException if the directory cannot be used
     */
    public OpenAiBatch build() {
      if (stateDirectory == null) {
        throw new IllegalStateException("set stateDirectory(...): the journal that keeps batches from being submitted twice lives there");
      }
      return new OpenAiBatch(this);
    }
  }
}
