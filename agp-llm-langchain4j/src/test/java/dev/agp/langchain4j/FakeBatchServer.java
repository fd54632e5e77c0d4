package dev.agp.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.agp.llm.LlmRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The loopback OpenAI server ({@link LoopbackServer}) with OpenAI's Batch API added: {@code POST
 * /v1/files} (multipart upload, purpose {@code batch}), {@code GET /v1/files/{id}/content}, {@code
 * POST /v1/batches}, {@code GET /v1/batches/{id}} and {@code GET /v1/batches} (newest first, with
 * {@code after} and {@code has_more}). Chat completions sent directly are answered by the same
 * function as the batch lines.
 *
 * <p>A batch moves one status per retrieve — {@code validating}, {@code in_progress}, {@code
 * finalizing}, {@code completed} — or ends as the next {@link Ending} queued says: {@code failed}
 * (refused at validation, no files), {@code expired} (the first half of its requests answered, the
 * rest in the error file as {@code batch_expired}), {@code cancelled} (through {@code cancelling};
 * the first third answered). Requests matching {@link #failRequests} are answered with HTTP 500
 * lines in the error file. Every exchange's {@code Authorization} header is recorded.
 */
public final class FakeBatchServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a batch ends. */
  public enum Ending { COMPLETE, FAIL, EXPIRE, CANCEL }

  private final LoopbackServer server;
  private final Function<LlmRequest, String> answers;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Batch> batches = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Deque<Ending> endings = new ArrayDeque<>();
  private volatile Predicate<LlmRequest> failing = r -> false;
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger uploads = new AtomicInteger();
  private final AtomicInteger creates = new AtomicInteger();
  private final AtomicInteger retrieves = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final AtomicInteger downloads = new AtomicInteger();
  private final AtomicInteger batchRequests = new AtomicInteger();
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> submittedIds = ConcurrentHashMap.newKeySet();

  private FakeBatchServer(Function<LlmRequest, String> answers) throws IOException {
    this.answers = answers;
    this.server = LoopbackServer.start(r -> {
      authorizations.add(r.authorization());
      return LoopbackServer.answer(r, answers.apply(r.request()));
    });
    server.route("/v1/files", this::files);
    server.route("/v1/batches", this::batches);
  }

  /**
   * Starts a server answering every request, direct or batched, with {@code answers}.
   *
   * @throws IOException if no loopback port can be bound
   */
  public static FakeBatchServer start(Function<LlmRequest, String> answers) throws IOException {
    return new FakeBatchServer(answers);
  }

  /** The base URL, {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return server.baseUrl();
  }

  /** Ends the next batches created as given, in order (then they complete). */
  public synchronized void endNextBatches(Ending... next) {
    endings.addAll(List.of(next));
  }

  /** Requests answered with an HTTP 500 line in the error file. */
  public void failRequests(Predicate<LlmRequest> which) {
    this.failing = which;
  }

  /** Chat completions answered directly (not through a batch). */
  public int directCalls() {
    return server.received();
  }

  /** Files uploaded. */
  public int uploads() {
    return uploads.get();
  }

  /** Batches created. */
  public int batchesCreated() {
    return creates.get();
  }

  /** Request lines over all batches created. */
  public int batchRequests() {
    return batchRequests.get();
  }

  /** Distinct custom ids over all batches created. */
  public int distinctBatchRequests() {
    return submittedIds.size();
  }

  /** Retrieves of single batches. */
  public int retrieves() {
    return retrieves.get();
  }

  /** Listings of batches. */
  public int listings() {
    return lists.get();
  }

  /** Downloads of file contents. */
  public int downloads() {
    return downloads.get();
  }

  /** The {@code Authorization} header of every exchange, in order ("" when absent). */
  public List<String> authorizations() {
    synchronized (authorizations) {
      return List.copyOf(authorizations);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  // ---------------------------------------------------------------- /v1/files

  private void files(HttpExchange ex) throws IOException {
    try (ex) {
      record(ex);
      String path = ex.getRequestURI().getPath();
      if (ex.getRequestMethod().equals("POST") && path.equals("/v1/files")) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        byte[] body = ex.getRequestBody().readAllBytes();
        String content = filePart(new String(body, StandardCharsets.UTF_8), type);
        if (content == null) {
          send(ex, 400, error("no file part with purpose batch"));
          return;
        }
        String id = "file-" + ids.incrementAndGet();
        files.put(id, content.getBytes(StandardCharsets.UTF_8));
        uploads.incrementAndGet();
        ObjectNode f = JSON.createObjectNode().put("id", id).put("object", "file").put("purpose", "batch")
            .put("bytes", content.length());
        send(ex, 200, f.toString());
        return;
      }
      if (ex.getRequestMethod().equals("GET") && path.startsWith("/v1/files/") && path.endsWith("/content")) {
        String id = path.substring("/v1/files/".length(), path.length() - "/content".length());
        byte[] b = files.get(id);
        if (b == null) {
          send(ex, 404, error("no such file " + id));
          return;
        }
        downloads.incrementAndGet();
        ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(b);
        }
        return;
      }
      send(ex, 404, error("not found"));
    }
  }

  private static String filePart(String body, String contentType) {
    if (contentType == null || !contentType.contains("boundary=")) {
      return null;
    }
    String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + 9).strip();
    boolean purpose = false;
    String file = null;
    for (String part : body.split(java.util.regex.Pattern.quote(boundary))) {
      int split = part.indexOf("\r\n\r\n");
      if (split < 0) {
        continue;
      }
      String headers = part.substring(0, split);
      String value = part.substring(split + 4);
      if (value.endsWith("\r\n")) {
        value = value.substring(0, value.length() - 2);
      }
      if (headers.contains("name=\"purpose\"")) {
        purpose = value.equals("batch");
      } else if (headers.contains("name=\"file\"")) {
        file = value;
      }
    }
    return purpose ? file : null;
  }

  // ---------------------------------------------------------------- /v1/batches

  private final class Batch {
    final String id;
    final String inputFileId;
    final List<String> customIds = new ArrayList<>();
    final List<LlmRequest> requests = new ArrayList<>();
    final Ending ending;
    final String invalid;
    final long created;
    int polls;
    String status = "validating";
    String outputFileId;
    String errorFileId;

    Batch(String id, String inputFileId, Ending ending, String invalid, long created) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.ending = invalid.isEmpty() ? ending : Ending.FAIL;
      this.invalid = invalid;
      this.created = created;
    }

    synchronized void advance() {
      List<String> path = switch (ending) {
        case COMPLETE -> List.of("validating", "in_progress", "finalizing", "completed");
        case FAIL -> List.of("validating", "failed");
        case EXPIRE -> List.of("validating", "in_progress", "expired");
        case CANCEL -> List.of("validating", "in_progress", "cancelling", "cancelled");
      };
      String next = path.get(Math.min(polls++, path.size() - 1));
      if (!next.equals(status) && Set.of("completed", "expired", "cancelled").contains(next)) {
        finish(next);
      }
      status = next;
    }

    private void finish(String end) {
      int answered = switch (end) {
        case "expired" -> requests.size() / 2;
        case "cancelled" -> requests.size() / 3;
        default -> requests.size();
      };
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      for (int i = 0; i < requests.size(); i++) {
        String cid = customIds.get(i);
        LlmRequest r = requests.get(i);
        if (i >= answered) {
          ObjectNode line = JSON.createObjectNode().put("id", "batch_req_" + i).put("custom_id", cid);
          line.putNull("response");
          line.putObject("error").put("code", "batch_" + end).put("message", "This request could not be executed before the batch " + end + ".");
          err.append(line).append('\n');
        } else if (failing.test(r)) {
          ObjectNode line = JSON.createObjectNode().put("id", "batch_req_" + i).put("custom_id", cid);
          ObjectNode resp = line.putObject("response").put("status_code", 500).put("request_id", "req_" + i);
          resp.putObject("body").putObject("error").put("message", "injected server error").put("type", "server_error");
          line.putNull("error");
          err.append(line).append('\n');
        } else {
          String content = answers.apply(r);
          ObjectNode line = JSON.createObjectNode().put("id", "batch_req_" + i).put("custom_id", cid);
          ObjectNode resp = line.putObject("response").put("status_code", 200).put("request_id", "req_" + i);
          try {
            resp.set("body", JSON.readTree(LoopbackServer.completion(new LoopbackServer.Answer(content,
                (r.characterCount() + 3) / 4, (content.length() + 3) / 4, "gpt-4o-mini-2024-07-18", "stop"))));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          line.putNull("error");
          out.append(line).append('\n');
        }
      }
      if (out.length() > 0) {
        outputFileId = "file-" + ids.incrementAndGet();
        files.put(outputFileId, out.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (err.length() > 0) {
        errorFileId = "file-" + ids.incrementAndGet();
        files.put(errorFileId, err.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    synchronized ObjectNode json() {
      ObjectNode b = JSON.createObjectNode();
      b.put("id", id).put("object", "batch").put("endpoint", "/v1/chat/completions").put("input_file_id", inputFileId)
          .put("completion_window", "24h").put("status", status).put("created_at", created);
      if (outputFileId != null) {
        b.put("output_file_id", outputFileId);
      } else {
        b.putNull("output_file_id");
      }
      if (errorFileId != null) {
        b.put("error_file_id", errorFileId);
      } else {
        b.putNull("error_file_id");
      }
      if (status.equals("failed")) {
        b.putObject("errors").putArray("data").addObject().put("code", "invalid_request")
            .put("message", invalid.isEmpty() ? "injected failure: the batch was refused" : invalid);
      }
      boolean done = Set.of("completed", "expired", "cancelled").contains(status);
      int answered = outputFileId == null ? 0 : lineCount(outputFileId);
      ObjectNode counts = b.putObject("request_counts");
      counts.put("total", requests.size()).put("completed", done ? answered : 0)
          .put("failed", done ? requests.size() - answered : 0);
      return b;
    }
  }

  private int lineCount(String fileId) {
    byte[] b = files.get(fileId);
    int n = 0;
    for (byte x : b) {
      if (x == '\n') {
        n++;
      }
    }
    return n;
  }

  private void batches(HttpExchange ex) throws IOException {
    try (ex) {
      record(ex);
      String path = ex.getRequestURI().getPath();
      if (ex.getRequestMethod().equals("POST") && path.equals("/v1/batches")) {
        create(ex);
      } else if (ex.getRequestMethod().equals("GET") && path.equals("/v1/batches")) {
        list(ex);
      } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/v1/batches/")) {
        Batch b = batches.get(path.substring("/v1/batches/".length()));
        if (b == null) {
          send(ex, 404, error("no such batch"));
          return;
        }
        retrieves.incrementAndGet();
        b.advance();
        send(ex, 200, b.json().toString());
      } else {
        send(ex, 404, error("not found"));
      }
    }
  }

  private void create(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
    String fileId = body.path("input_file_id").asText("");
    byte[] file = files.get(fileId);
    if (file == null) {
      send(ex, 400, error("no such input file " + fileId));
      return;
    }
    if (!body.path("endpoint").asText().equals("/v1/chat/completions") || !body.path("completion_window").asText().equals("24h")) {
      send(ex, 400, error("endpoint must be /v1/chat/completions and completion_window 24h"));
      return;
    }
    Ending ending;
    synchronized (this) {
      ending = endings.isEmpty() ? Ending.COMPLETE : endings.poll();
    }
    String invalid = "";
    List<String> customIds = new ArrayList<>();
    List<LlmRequest> requests = new ArrayList<>();
    int n = 0;
    for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode l = JSON.readTree(line);
      String cid = l.path("custom_id").asText("");
      if (cid.isEmpty() || customIds.contains(cid) || !l.path("url").asText().equals("/v1/chat/completions")
          || !l.path("method").asText().equals("POST")) {
        invalid = "line " + n + ": missing or repeated custom_id, or a wrong method or url";
        break;
      }
      customIds.add(cid);
      requests.add(LoopbackServer.parse(l.get("body").toString(), Map.of()).request());
    }
    String id = "batch_" + ids.incrementAndGet();
    Batch b = new Batch(id, fileId, ending, invalid, 1_700_000_000L + creates.incrementAndGet());
    b.customIds.addAll(customIds);
    b.requests.addAll(requests);
    batches.put(id, b);
    batchRequests.addAndGet(customIds.size());
    submittedIds.addAll(customIds);
    send(ex, 200, b.json().toString());
  }

  private void list(HttpExchange ex) throws IOException {
    lists.incrementAndGet();
    String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
    int limit = 20;
    String after = null;
    for (String kv : query.split("&")) {
      if (kv.startsWith("limit=")) {
        limit = Integer.parseInt(kv.substring(6));
      } else if (kv.startsWith("after=")) {
        after = kv.substring(6);
      }
    }
    List<Batch> newestFirst;
    synchronized (batches) {
      newestFirst = new ArrayList<>(batches.values());
    }
    Collections.reverse(newestFirst);
    int start = 0;
    if (after != null) {
      for (int i = 0; i < newestFirst.size(); i++) {
        if (newestFirst.get(i).id.equals(after)) {
          start = i + 1;
        }
      }
    }
    ObjectNode out = JSON.createObjectNode().put("object", "list");
    ArrayNode data = out.putArray("data");
    int end = Math.min(newestFirst.size(), start + limit);
    for (int i = start; i < end; i++) {
      data.add(newestFirst.get(i).json());
    }
    out.put("has_more", end < newestFirst.size());
    send(ex, 200, out.toString());
  }

  // ---------------------------------------------------------------- plumbing

  private void record(HttpExchange ex) {
    String a = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(a == null ? "" : a);
  }

  private static String error(String message) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("message", message).put("type", "invalid_request_error");
    return n.toString();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
