package dev.agp.examples;

import dev.agp.AgpException;

/** A mistake in how the command was called (bad flag value, missing file or key): exit code 2, one line. */
final class UsageException extends AgpException {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
