package dev.agp;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint that cannot be resumed: unreadable, of another format or version, written by
 * another configuration, changed after it was written (its checksum no longer matches), or holding
 * a value no fit could have written. The message names the file and, where one is to blame, the
 * field ({@code state.nextBatch}); move the file away, or restore the configuration, to go on.
 * Nothing was called or overwritten when this is thrown.
 */
public class CheckpointException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** The checkpoint file, as a string: paths are not serialisable. */
  private final String file;
  /** The field to blame, as a JSON path; null when none is. */
  private final @Nullable String field;

  /**
   * @param file the checkpoint file
   * @param field the field to blame, as a JSON path ({@code state.nextBatch}), or null
   * @param message what is wrong, naming the file and the field
   * @param cause the underlying failure, or null
   */
  public CheckpointException(Path file, @Nullable String field, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.file = file.toString();
    this.field = field;
  }

  /** {@return the checkpoint file} */
  public Path file() {
    return Path.of(file);
  }

  /** {@return the field to blame, as a JSON path, when one is} */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
