package dev.agp.langchain4j;

import dev.agp.llm.LlmException;
import dev.agp.llm.LlmNonRetriableException;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Maps what a LangChain4j {@link dev.langchain4j.model.chat.ChatModel} throws to the SDK's two
 * kinds of {@link LlmException}: rate limits, server errors, timeouts, refused or broken
 * connections and unreadable answers are retriable; bad requests, authentication, missing models,
 * unknown hosts and content filtering are not. Messages and causes are redacted; the bodies of
 * authentication failures (401, 403) are not quoted at all.
 */
final class Failures {

  /** Longest part of a server's error body quoted in a message. */
  static final int MAX_BODY_CHARS = 300;

  private Failures() {}

  static LlmException map(Throwable t, Stage stage, Redactor redactor) {
    HttpException http = find(t, HttpException.class);
    int status = http == null ? 0 : http.statusCode();
    StatusException withHeaders = find(t, StatusException.class);
    Duration retryAfter = withHeaders == null ? null : withHeaders.retryAfter().orElse(null);
    // an authentication failure's body is about the key: it is quoted nowhere, not even redacted
    boolean auth = t instanceof AuthenticationException || status == 401 || status == 403;
    String body = http == null || auth ? "" : ": " + abbreviate(redactor.redact(String.valueOf(http.getMessage())));
    Throwable cause = auth ? redactor.withhold(t) : redactor.sanitize(t);
    String code = status > 0 ? " (HTTP " + status + ")" : "";
    // known never to have reached the server: nothing can have been billed
    boolean sent = find(t, ConnectException.class) == null && find(t, HttpConnectTimeoutException.class) == null
        && find(t, UnknownHostException.class) == null && !(t instanceof UnresolvedModelServerException);

    if (t instanceof ContentFilteredException) {
      return fatal("the provider filtered the content" + code + body, cause, stage, status, sent);
    }
    if (t instanceof RateLimitException || status == 429) {
      return retriable("rate limited by the server" + code + body, cause, stage, status, retryAfter, sent);
    }
    if (t instanceof TimeoutException) {
      return retriable(
          status == 408 ? "the server timed out (HTTP 408)" + body : "no answer within the timeout",
          cause, stage, status, retryAfter, sent);
    }
    if (t instanceof InternalServerException) {
      return retriable(
          status > 0 ? "server error" + code + body : "the server's answer was unusable: " + message(t, redactor),
          cause, stage, status, retryAfter, sent);
    }
    if (auth) {
      return fatal("authentication failed" + code + ": check the API key (the server's answer is not quoted)",
          cause, stage, status, sent);
    }
    if (t instanceof ModelNotFoundException) {
      return fatal("model or endpoint not found" + code + ": check the model name and base URL" + body, cause, stage, status, sent);
    }
    if (t instanceof UnresolvedModelServerException) {
      return fatal("cannot resolve the server's host name: check the base URL", cause, stage, 0, sent);
    }
    if (t instanceof InvalidRequestException) {
      return fatal("the server rejected the request" + code + body, cause, stage, status, sent);
    }
    if (t instanceof RetriableException) {
      return retriable(message(t, redactor) + code, cause, stage, status, retryAfter, sent);
    }
    if (t instanceof NonRetriableException) {
      return fatal(message(t, redactor) + code, cause, stage, status, sent);
    }
    if (http != null) {
      return status >= 500 || status == 408
          ? retriable("server error" + code + body, cause, stage, status, retryAfter, sent)
          : fatal("the server refused the request" + code + body, cause, stage, status, sent);
    }
    if (find(t, InterruptedException.class) != null) {
      Thread.currentThread().interrupt();
      return fatal("interrupted while waiting for the LLM server", cause, stage, 0, sent);
    }
    if (find(t, ConnectException.class) != null) {
      return retriable("cannot connect to the LLM server: " + message(find(t, ConnectException.class), redactor),
          cause, stage, 0, null, sent);
    }
    if (find(t, com.fasterxml.jackson.core.JacksonException.class) != null) {
      return retriable("the server's answer is not valid JSON (truncated?): " + message(
          find(t, com.fasterxml.jackson.core.JacksonException.class), redactor), cause, stage, 0, null, sent);
    }
    IOException io = find(t, IOException.class);
    if (io != null) {
      return retriable("I/O failure talking to the LLM server: " + message(io, redactor), cause, stage, 0, null, sent);
    }
    return fatal("unexpected failure of the chat model: " + message(t, redactor), cause, stage, 0, sent);
  }

  private static LlmRetriableException retriable(
      String message, Throwable cause, Stage stage, int status, @Nullable Duration retryAfter, boolean sent) {
    return new LlmRetriableException(message, cause, stage, 1, status, retryAfter, sent);
  }

  private static LlmNonRetriableException fatal(String message, Throwable cause, Stage stage, int status, boolean sent) {
    return new LlmNonRetriableException(message, cause, stage, 1, status, sent);
  }

  private static String message(Throwable t, Redactor redactor) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + abbreviate(redactor.redact(m)));
  }

  static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_BODY_CHARS ? oneLine : oneLine.substring(0, MAX_BODY_CHARS - 3) + "...";
  }

  private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 16; depth++) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
      c = c.getCause();
    }
    return null;
  }
}
