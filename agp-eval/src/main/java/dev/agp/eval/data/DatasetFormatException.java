package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset file that cannot be read as its format: too many malformed lines, a missing column,
 * or a file of another format. The message names the file and the first bad lines. Serialisable.
 */
public final class DatasetFormatException extends AgpException {

  private static final long serialVersionUID = 1L;

  // paths are not serialisable: kept as strings, so the exception crosses a serialisation boundary whole
  private final String file;
  private final ArrayList<Problem> problems;

  /** A line problem in serialisable form. */
  private record Problem(String file, long line, String reason) implements Serializable {}

  /**
   * An error about {@code file}, listing {@code problems} (possibly none).
   *
   * @throws NullPointerException if an argument is null
   */
  public DatasetFormatException(Path file, String message, List<LoadReport.LineProblem> problems) {
    super(render(requireNonNull(file, "file"), requireNonNull(message, "message"), problems));
    this.file = file.toString();
    this.problems = new ArrayList<>();
    for (LoadReport.LineProblem p : problems) {
      this.problems.add(new Problem(p.file().toString(), p.line(), p.reason()));
    }
  }

  /** The file at fault. */
  public Path file() {
    return Path.of(file);
  }

  /** The first malformed lines, with line numbers. */
  public List<LoadReport.LineProblem> problems() {
    return problems.stream().map(p -> new LoadReport.LineProblem(Path.of(p.file()), p.line(), p.reason())).toList();
  }

  private static String render(Path file, String message, List<LoadReport.LineProblem> problems) {
    StringBuilder sb = new StringBuilder(file.toString()).append(": ").append(message);
    for (LoadReport.LineProblem p : problems) {
      sb.append("\n  line ").append(p.line()).append(": ").append(p.reason());
    }
    return sb.toString();
  }
}
