package dev.agp.langchain4j;

import dev.agp.AgpException;

/**
 * A failure of a call to a Batch API ({@code /files}, {@code /batches}) that its retries could not
 * fix, or a batch that cannot be used. The message names the call and the server's origin and
 * never holds the API key.
 */
public final class BatchApiException extends AgpException {

  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;
  private final int statusCode;

  BatchApiException(String message, boolean transientFailure) {
    this(message, transientFailure, 0);
  }

  BatchApiException(String message, boolean transientFailure, int statusCode) {
    super(message);
    this.transientFailure = transientFailure;
    this.statusCode = statusCode;
  }

  /** Whether a later try may succeed (rate limit, server error, broken connection). */
  public boolean isTransient() {
    return transientFailure;
  }

  /** The HTTP status of the failed call, or 0 when there was none. */
  public int statusCode() {
    return statusCode;
  }
}
