package dev.agp.examples;

import dev.agp.AgpException;

/**
 * Ends a command with a message and an exit code other than usage: {@link AgpCli#FAILURE} or
 * {@link AgpCli#BUDGET_STOPPED}. Whatever could be saved has been saved when it is thrown; the
 * message says what happened and what to do, in command-line terms.
 */
final class CommandStop extends AgpException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CommandStop(int exitCode, String message) {
    super(message);
    if (exitCode != AgpCli.FAILURE && exitCode != AgpCli.BUDGET_STOPPED) {
      throw new IllegalArgumentException("exit code " + exitCode + " is not a stop");
    }
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
