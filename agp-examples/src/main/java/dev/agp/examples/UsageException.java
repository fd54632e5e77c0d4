package dev.agp.examples;

/** A mistake in how the command was called (bad flag value, missing file or key): exit code 2, one line. */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
