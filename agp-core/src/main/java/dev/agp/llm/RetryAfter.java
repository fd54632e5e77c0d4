package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long a server asked the client to wait, for backend adapters that turn HTTP 429 or
 * 503 answers into {@link LlmRetriableException}s.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * The wait a {@code Retry-After} header asks for: a number of seconds ({@code "120"}) or an
   * HTTP date ({@code "Wed, 21 Oct 2015 07:28:00 GMT"}), measured from {@code now}. A date in the
   * past means no wait.
   *
   * @param value the header value
   * @param now the time the answer arrived
   * @return the wait, or empty when the value is neither form
   * @throws NullPointerException if an argument is null
   */
  public static Optional<Duration> parse(String value, Instant now) {
    requireNonNull(value, "value");
    requireNonNull(now, "now");
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.empty();
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The wait a {@code retry-after-ms} header (sent by OpenAI and Azure) asks for, in
   * milliseconds, possibly fractional.
   *
   * @param value the header's value
   * @return the wait, or empty when the value is not a non-negative number
   * @throws NullPointerException if value is null
   */
  public static Optional<Duration> parseMillis(String value) {
    requireNonNull(value, "value");
    try {
      double ms = Double.parseDouble(value.strip());
      if (!(ms >= 0) || Double.isInfinite(ms)) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos(Math.round(ms * 1_000_000)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
