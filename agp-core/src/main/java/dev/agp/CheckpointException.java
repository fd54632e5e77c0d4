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
 *
 * <p>An {@link AgpException}. It was an {@link IllegalStateException} before the SDK's exceptions
 * had one root: a {@code catch (IllegalStateException e)} meant for it now names this type.
 */
public class CheckpointException extends AgpException {

  private static final long serialVersionUID = 1L;

  /** The checkpoint file's path (a {@link Path} is not serialisable). */
  private final String file;

  /** The field to blame, as a JSON path, or null. */
  private final @Nullable String field;

  /**
   * A refused checkpoint.
   *
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

  /**
   * The checkpoint file.
   *
   * @return the file's path
   */
  public Path file() {
    return Path.of(file);
  }

  /**
   * The field to blame, as a JSON path ({@code state.nextBatch}), when one is.
   *
   * @return the field, or empty when the whole file is at fault
   */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
