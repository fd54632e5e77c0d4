package dev.agp.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.RetryAfter;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's HTTP port over the JDK client, like LangChain4j's own {@link JdkHttpClient} but
 * keeping the {@code Retry-After} of error answers (in a {@link StatusException}) and speaking the
 * HTTP version it is given: HTTP/1.1 for local servers, which often fail the JDK's HTTP/2 upgrade.
 * Streaming and multipart requests, which the SDK does not make, go to a {@link JdkHttpClient}
 * built with the same settings.
 */
final class RetryAfterHttpClient implements HttpClient {

  private final java.net.http.HttpClient http;
  private final java.net.http.HttpClient.Version version;
  private final @Nullable Duration connectTimeout;
  /** LangChain4j's own client for multipart uploads and streams, made on first use: its own selector thread. */
  private volatile @Nullable JdkHttpClient other;
  private final @Nullable Duration readTimeout;
  private final Clock clock;
  private final @Nullable FirstRequestGate gate;

  private RetryAfterHttpClient(Builder b) {
    java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder().version(b.version);
    if (b.connectTimeout != null) {
      jdk.connectTimeout(b.connectTimeout);
    }
    this.http = jdk.build();
    this.version = b.version;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.clock = b.clock;
    this.gate = b.gate;
  }

  static Builder builder(java.net.http.HttpClient.Version version, Clock clock) {
    return new Builder(requireNonNull(version, "version"), requireNonNull(clock, "clock"));
  }

  /** The client for what {@link #execute(HttpRequest)} does not send itself; most runs never need it. */
  private JdkHttpClient other() {
    JdkHttpClient o = other;
    if (o == null) {
      synchronized (this) {
        o = other;
        if (o == null) {
          o = JdkHttpClient.builder()
              .httpClientBuilder(java.net.http.HttpClient.newBuilder().version(version))
              .connectTimeout(connectTimeout)
              .readTimeout(readTimeout)
              .build();
          other = o;
        }
      }
    }
    return o;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      return other().execute(request);
    }
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
    request.headers().forEach((name, values) -> {
      if (values != null) {
        values.forEach(v -> b.header(name, v));
      }
    });
    b.method(
        request.method().name(),
        request.body() == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
    if (readTimeout != null) {
      b.timeout(readTimeout);
    }
    HttpResponse<byte[]> response;
    if (gate != null) {
      gate.open(); // the body is written: the JSON mapping is ready for every other request
    }
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new TimeoutException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the LLM server", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new StatusException(
          status, new String(response.body(), StandardCharsets.UTF_8), retryAfter(response.headers()).orElse(null));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  private Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<Duration> ms = headers.firstValue("retry-after-ms").flatMap(RetryAfter::parseMillis);
    if (ms.isPresent()) {
      return ms;
    }
    return headers.firstValue("retry-after").flatMap(v -> RetryAfter.parse(v, clock.instant()));
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    other().execute(request, parser, listener);
  }

  /** LangChain4j sets the timeouts through this builder; the version, clock and gate are ours. */
  static final class Builder extends TimeoutsBuilder {
    private final java.net.http.HttpClient.Version version;
    private final Clock clock;
    private @Nullable FirstRequestGate gate;

    private Builder(java.net.http.HttpClient.Version version, Clock clock) {
      this.version = version;
      this.clock = clock;
    }

    /** The gate this client opens when it sends a request body. */
    Builder gate(FirstRequestGate gate) {
      this.gate = requireNonNull(gate, "gate");
      return this;
    }

    @Override
    public RetryAfterHttpClient build() {
      return new RetryAfterHttpClient(this);
    }
  }
}
