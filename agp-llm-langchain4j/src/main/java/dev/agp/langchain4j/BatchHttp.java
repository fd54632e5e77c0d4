package dev.agp.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.llm.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Batch API's HTTP calls over the JDK client: upload a file, create, retrieve and list
 * batches, download a file's content. The key goes in the {@code Authorization} header of
 * requests to the configured origin only (redirects are not followed, every URL is built from the
 * base URL and checked), and every message taken from an answer is redacted. Transient failures
 * (429, 5xx, I/O) are retried with backoff, honouring a {@code Retry-After} in seconds.
 */
final class BatchHttp {

  /** Ids the server hands out are used in paths: letters, digits, '-' and '_' only. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
  private static final int MAX_ATTEMPTS = 5;
  private static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

  private final URI base;
  private final String apiKey;
  private final Redactor redactor;
  private final HttpClient http;
  private final Duration timeout;
  private final Sleeper sleeper;

  BatchHttp(String baseUrl, String apiKey, Duration timeout, Sleeper sleeper) {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.base = URI.create(b);
    this.apiKey = apiKey;
    this.redactor = Redactor.of(apiKey);
    this.timeout = timeout;
    this.sleeper = sleeper;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  Redactor redactor() {
    return redactor;
  }

  /** The origin calls go to, for messages (no path, no key). */
  String origin() {
    return base.getScheme() + "://" + base.getAuthority();
  }

  static String checkedId(String what, String id) {
    if (!ID.matcher(id).matches()) {
      throw new BatchApiException(what + " from the server is not a plain id: " + BatchLines.cap(id, 80), false);
    }
    return id;
  }

  // ---------------------------------------------------------------- the calls

  /** POST /files with purpose=batch: the id of the uploaded file. */
  String upload(Path file) {
    String boundary = "agp-" + UUID.randomUUID();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
        + "\"\r\nContent-Type: application/jsonl\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    JsonNode answer = json("upload " + file.getFileName(), () -> {
      try {
        return request("/files")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(head),
                HttpRequest.BodyPublishers.ofFile(file),
                HttpRequest.BodyPublishers.ofString(tail)))
            .build();
      } catch (java.io.FileNotFoundException e) {
        throw new BatchApiException("the batch input file " + file + " is gone", false);
      }
    }, true);
    return checkedId("the uploaded file's id", answer.path("id").asText(""));
  }

  /**
   * POST /batches. Not retried after an answer that leaves it unknown whether the batch was made
   * (the caller looks it up by input file first).
   */
  JsonNode create(String inputFileId, String completionWindow, Map<String, String> metadata) {
    ObjectNode body = BatchLines.JSON.createObjectNode();
    body.put("input_file_id", inputFileId);
    body.put("endpoint", BatchLines.ENDPOINT);
    body.put("completion_window", completionWindow);
    ObjectNode meta = body.putObject("metadata");
    metadata.forEach(meta::put);
    String text = body.toString();
    JsonNode batch = json("create a batch", () -> request("/batches")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(text))
        .build(), false);
    checkedId("the batch id", batch.path("id").asText(""));
    return batch;
  }

  /** GET /batches/{id}. */
  JsonNode retrieve(String batchId) {
    String id = checkedId("a batch id", batchId);
    return json("retrieve batch " + id, () -> request("/batches/" + id).GET().build(), true);
  }

  /** The batch made from {@code inputFileId}, looked up among the most recent batches. */
  Optional<JsonNode> findByInputFile(String inputFileId, int maxPages) {
    String after = null;
    for (int page = 0; page < maxPages; page++) {
      String query = "?limit=100" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
      JsonNode list = json("list batches", () -> request("/batches" + query).GET().build(), true);
      JsonNode last = null;
      for (JsonNode b : list.path("data")) {
        if (inputFileId.equals(b.path("input_file_id").asText(""))) {
          checkedId("the batch id", b.path("id").asText(""));
          return Optional.of(b);
        }
        last = b;
      }
      if (!list.path("has_more").asBoolean(false) || last == null) {
        return Optional.empty();
      }
      after = checkedId("a batch id", last.path("id").asText(""));
    }
    return Optional.empty();
  }

  /** GET /files/{id}/content, as a stream the caller closes. */
  InputStream download(String fileId) {
    String id = checkedId("a file id", fileId);
    return send("download file " + id, () -> request("/files/" + id + "/content").GET().build(), true);
  }

  // ---------------------------------------------------------------- plumbing

  private HttpRequest.Builder request(String path) {
    URI uri = URI.create(base + path);
    if (!sameOrigin(uri)) {
      throw new IllegalStateException("refusing to send the key to " + uri.getHost());
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    if (!apiKey.isBlank()) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  private boolean sameOrigin(URI uri) {
    return base.getScheme().equalsIgnoreCase(uri.getScheme())
        && base.getHost().equalsIgnoreCase(uri.getHost())
        && base.getPort() == uri.getPort()
        && uri.getRawPath().startsWith(base.getRawPath());
  }

  @FunctionalInterface
  private interface RequestFactory {
    HttpRequest create();
  }

  private JsonNode json(String what, RequestFactory factory, boolean retry) {
    InputStream in = send(what, factory, retry);
    try (in) {
      byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        throw new BatchApiException(what + ": the answer is larger than " + MAX_JSON_BYTES + " bytes", false);
      }
      JsonNode node = BatchLines.JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new BatchApiException(what + ": the answer is not a JSON object", true);
      }
      return node;
    } catch (IOException e) {
      throw new BatchApiException(what + ": unreadable answer (" + redactor.redact(String.valueOf(e.getMessage())) + ")", true);
    }
  }

  private InputStream send(String what, RequestFactory factory, boolean retry) {
    Duration backoff = Duration.ofSeconds(1);
    for (int attempt = 1; ; attempt++) {
      Duration wait = backoff;
      BatchApiException failure;
      try {
        HttpResponse<InputStream> response = http.send(factory.create(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status / 100 == 2) {
          return response.body();
        }
        String text = errorText(response.body());
        boolean transientStatus = status == 429 || status == 408 || status / 100 == 5;
        failure = new BatchApiException(what + ": HTTP " + status + " from " + origin() + (text.isEmpty() ? "" : ": " + text),
            transientStatus, status);
        Optional<Duration> retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
          wait = retryAfter.get();
        }
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted() || e instanceof java.nio.channels.ClosedByInterruptException) {
          throw new BatchApiException(what + ": interrupted", false);
        }
        failure = new BatchApiException(what + ": " + e.getClass().getSimpleName() + " talking to " + origin()
            + (e.getMessage() == null ? "" : " (" + redactor.redact(e.getMessage()) + ")"), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatchApiException(what + ": interrupted", false);
      }
      if (!retry || !failure.isTransient() || attempt >= MAX_ATTEMPTS) {
        throw failure;
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatchApiException(what + ": interrupted", false);
      }
      backoff = backoff.multipliedBy(2);
    }
  }

  private String errorText(InputStream body) {
    try (body) {
      byte[] bytes = body.readNBytes(8192);
      String raw = new String(bytes, StandardCharsets.UTF_8);
      try {
        JsonNode n = BatchLines.JSON.readTree(raw);
        if (n != null && n.path("error").path("message").isTextual()) {
          raw = n.path("error").path("message").asText();
        }
      } catch (IOException notJson) {
        // keep the raw text
      }
      return BatchLines.cap(redactor.redact(raw.strip()), 300);
    } catch (IOException e) {
      return "";
    }
  }

  private static Optional<Duration> retryAfter(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds >= 0 && seconds <= 3600 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static List<String> terminalStatuses() {
    return List.of("completed", "failed", "expired", "cancelled");
  }
}
