package dev.agp.langchain4j;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP error answer that keeps what LangChain4j's {@link HttpException} drops: how long the
 * server asked us to wait. LangChain4j maps it like any HttpException (429 to a rate-limit
 * exception and so on) and keeps it as the cause, where {@link Failures} finds it.
 */
final class StatusException extends HttpException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  StatusException(int statusCode, String body, @Nullable Duration retryAfter) {
    super(statusCode, body);
    this.retryAfter = retryAfter;
  }

  Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
