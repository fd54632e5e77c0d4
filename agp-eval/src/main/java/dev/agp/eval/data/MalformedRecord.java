package dev.agp.eval.data;

/** A record that cannot be read; the reader counts it against the file's tolerance. */
final class MalformedRecord extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedRecord(String reason) {
    super(reason, null, false, false);
  }
}
