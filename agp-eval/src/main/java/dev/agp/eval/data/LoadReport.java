package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loader read, kept and left out, and why.
 *
 * @param files one report per file read, in reading order
 * @param interactionsKept interactions in the dataset
 * @param itemsKept items in the dataset (every one has at least one interaction)
 * @param dropped interactions and items left out, by reason (for example {@code "interaction:
 *     item has no title"}), in the order reasons were first met
 */
public record LoadReport(List<FileReport> files, long interactionsKept, long itemsKept, Map<String, Long> dropped) {

  /** Interactions whose item has no usable title (missing, blank, or only markup). */
  public static final String ITEM_WITHOUT_TITLE = "interaction: item has no usable title";
  /** Interactions whose item is absent from the metadata file. */
  public static final String ITEM_NOT_IN_METADATA = "interaction: item not in the metadata";
  /** Interactions without a timestamp. */
  public static final String NO_TIMESTAMP = "interaction: no timestamp";
  /** Metadata records without a usable title. */
  public static final String METADATA_WITHOUT_TITLE = "metadata: no usable title";
  /** Metadata records whose id was already read (the first one is kept). */
  public static final String METADATA_DUPLICATE = "metadata: repeated item id";
  /** Metadata records of items nobody interacted with. */
  public static final String METADATA_UNUSED = "metadata: item without interactions";

  /**
   * @param files one report per file read, in reading order
   * @param interactionsKept interactions in the dataset
   * @param itemsKept items in the dataset (every one has at least one interaction)
   * @param dropped interactions and items left out, by reason (for example {@code "interaction:
   *     item has no title"}), in the order reasons were first met
   * @throws NullPointerException if an argument is null
   */
  public LoadReport {
    files = List.copyOf(files);
    dropped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(dropped, "dropped")));
  }

  /**
   * Count of one drop reason, 0 when it did not occur.
   *
   * @param reason the reason, as the report names it
   * @return the count
   */
  public long dropped(String reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  /** {@return the number of malformed lines over all files} */
  public long malformedLines() {
    return files.stream().mapToLong(FileReport::malformed).sum();
  }

  /**
   * A few readable lines for logs and reports.
   *
   * @return the summary, a few lines of text
   */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(interactionsKept).append(" interactions, ").append(itemsKept).append(" items");
    for (FileReport f : files) {
      sb.append("\n  ").append(f.file().getFileName()).append(": ").append(f.records()).append(" records");
      if (f.gzip()) {
        sb.append(" (gzip)");
      }
      sb.append(", ").append(f.malformed()).append(" malformed");
      for (LineProblem p : f.problems()) {
        sb.append("\n    line ").append(p.line()).append(": ").append(p.reason());
      }
    }
    dropped.forEach((k, v) -> sb.append("\n  dropped ").append(v).append(" x ").append(k));
    return sb.toString();
  }

  /**
   * One file's reading.
   *
   * @param file the file
   * @param gzip whether it was gzip-compressed (detected from its first bytes)
   * @param charset the character set it was decoded with
   * @param lines lines read, header and blank lines included
   * @param records lines that held a record (header and blank lines excluded), malformed included
   * @param malformed records that could not be read and were skipped
   * @param problems the first malformed lines, with their line numbers (at most {@link
   *     LoadOptions#maxProblemsListed()})
   */
  public record FileReport(
      Path file, boolean gzip, String charset, long lines, long records, long malformed, List<LineProblem> problems) {

    /**
     * @param file the file
     * @param gzip whether it was gzip-compressed (detected from its first bytes)
     * @param charset the character set it was decoded with
     * @param lines lines read, header and blank lines included
     * @param records lines that held a record (header and blank lines excluded), malformed included
     * @param malformed records that could not be read and were skipped
     * @param problems the first malformed lines, with their line numbers (at most {@link
     *     LoadOptions#maxProblemsListed()})
     * @throws NullPointerException if an argument is null
     */
    public FileReport {
      requireNonNull(file, "file");
      requireNonNull(charset, "charset");
      problems = List.copyOf(problems);
    }
  }

  /**
   * A malformed line.
   *
   * @param file the file
   * @param line its 1-based line number
   * @param reason what was wrong, naming the field
   */
  public record LineProblem(Path file, long line, String reason) {

    /**
     * @param file the file
     * @param line its 1-based line number
     * @param reason what was wrong, naming the field
     * @throws NullPointerException if an argument is null
     */
    public LineProblem {
      requireNonNull(file, "file");
      requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return file + ":" + line + ": " + reason;
    }
  }
}
