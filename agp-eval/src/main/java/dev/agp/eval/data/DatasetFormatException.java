package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset file that cannot be read as its format: too many malformed lines, a missing column,
 * or a file of another format. The message names the file and the first bad lines.
 */
public final class DatasetFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final transient List<LoadReport.LineProblem> problems;

  /** An error about {@code file}, listing {@code problems} (possibly none). */
  public DatasetFormatException(Path file, String message, List<LoadReport.LineProblem> problems) {
    super(render(requireNonNull(file, "file"), requireNonNull(message, "message"), problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The first malformed lines, with line numbers. */
  public List<LoadReport.LineProblem> problems() {
    return problems;
  }

  private static String render(Path file, String message, List<LoadReport.LineProblem> problems) {
    StringBuilder sb = new StringBuilder(file.toString()).append(": ").append(message);
    for (LoadReport.LineProblem p : problems) {
      sb.append("\n  line ").append(p.line()).append(": ").append(p.reason());
    }
    return sb.toString();
  }
}
