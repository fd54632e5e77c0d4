package dev.agp;

/**
 * Reading one LLM answer failed in a way no answer should cause: a defect of the parser (or the
 * JVM running out of stack or memory on it), caught so that it costs that user, not the run. The
 * fits count it as the user's failure; serving returns the base order flagged as a fallback. The
 * message gives the answer's size and the failure, never the answer's text.
 */
public class AnswerParseException extends AgpException {

  private static final long serialVersionUID = 1L;

  private final int answerLength;

  /**
   * @param answerLength the answer's length in chars
   * @param cause what went wrong
   */
  public AnswerParseException(int answerLength, Throwable cause) {
    super("could not read an answer of " + answerLength + " characters: " + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    this.answerLength = answerLength;
  }

  /** The length in chars of the answer that could not be read. */
  public int answerLength() {
    return answerLength;
  }
}
