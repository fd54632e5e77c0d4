package dev.agp.eval.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads line-oriented dataset files in constant memory per line: gzip detected from the magic
 * bytes, any line ending (LF, CRLF, CR), a UTF-8 byte-order mark dropped, malformed records
 * counted against {@link LoadOptions#maxMalformedRate()} and listed with line numbers. A line
 * with bytes that are not valid in the file's charset, or longer than {@link
 * LoadOptions#maxLineBytes()}, is a malformed record (never silently repaired, never held whole).
 */
final class RecordFiles {

  /** Lines of a file whose records are all malformed before the load gives up early. */
  static final int FAIL_FAST_RECORDS = 100;

  private static final int BUFFER = 1 << 16;

  private RecordFiles() {}

  /** Handles one non-blank line. */
  interface LineHandler {
    /**
     * @return false when the line is not a record (a header), true when it was read
     * @throws MalformedRecord when it is a record that cannot be read
     */
    boolean accept(String line, long lineNumber) throws MalformedRecord;

    /**
     * Reads a non-blank ASCII line from its bytes, {@code bytes[from, to)}, without making its
     * text: {@link #RECORD} when it was read as a record, or {@link #AS_TEXT} to have {@link
     * #accept} read its text instead (a header, a line this path does not handle, or one that is
     * malformed: the text path says why). Whatever it did before answering {@link #AS_TEXT} must
     * change nothing that {@link #accept} then does. By default every line is read as text.
     *
     * @throws MalformedRecord when it is a record that cannot be read
     */
    default int acceptAscii(byte[] bytes, int from, int to, long lineNumber) throws MalformedRecord {
      return AS_TEXT;
    }
  }

  /** {@link LineHandler#acceptAscii}: the line was read as a record. */
  static final int RECORD = 1;
  /** {@link LineHandler#acceptAscii}: read the line's text with {@link LineHandler#accept}. */
  static final int AS_TEXT = -1;

  /**
   * Reads every line of {@code file}.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws DatasetFormatException if more records than tolerated are malformed
   */
  static LoadReport.FileReport read(Path file, Charset charset, LoadOptions options, LineHandler handler) {
    boolean gzip = isGzip(file);
    Tally t = new Tally(file, options);
    try (LineReader r = lines(file, charset, gzip, options.maxLineBytes())) {
      // the loop is kept small (the work is in small methods): a fresh JVM compiles it sooner
      while (r.advance()) {
        t.lines++;
        if (!r.ascii() || !t.ascii(handler, r.bytes(), r.from(), r.to())) {
          t.text(handler, r);
        }
      }
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("no such file: " + file, e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    if (t.records > 0 && (double) t.malformed / t.records > options.maxMalformedRate()) {
      throw new DatasetFormatException(
          file,
          t.malformed + " of " + t.records + " records are malformed (" + percent((double) t.malformed / t.records)
              + "), more than the tolerated " + percent(options.maxMalformedRate())
              + " (LoadOptions.maxMalformedRate)",
          t.problems);
    }
    return new LoadReport.FileReport(file, gzip, charset.name(), t.lines, t.records, t.malformed, t.problems);
  }

  /** What reading one file found so far. */
  private static final class Tally {
    private final Path file;
    private final LoadOptions options;
    long lines;
    long records;
    long malformed;
    final List<LoadReport.LineProblem> problems = new ArrayList<>();

    Tally(Path file, LoadOptions options) {
      this.file = file;
      this.options = options;
    }

    /** Reads the current line, ASCII {@code bytes[from, to)}, from its bytes; false to read its text instead. */
    boolean ascii(LineHandler handler, byte[] bytes, int from, int to) {
      if (blank(bytes, from, to)) {
        return true;
      }
      try {
        if (handler.acceptAscii(bytes, from, to, lines) != RECORD) {
          return false;
        }
        records++;
      } catch (MalformedRecord e) {
        malformed(e);
      }
      return true;
    }

    /** Reads the current line from its text. */
    void text(LineHandler handler, LineReader r) {
      String line = r.text();
      if (line != null && lines == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      if (line != null && line.isBlank()) {
        return;
      }
      try {
        if (line == null) {
          throw new MalformedRecord(r.problem());
        }
        if (handler.accept(line, lines)) {
          records++;
        }
      } catch (MalformedRecord e) {
        malformed(e);
      }
    }

    private void malformed(MalformedRecord e) {
      records++;
      malformed++;
      if (problems.size() < options.maxProblemsListed()) {
        problems.add(new LoadReport.LineProblem(file, lines, e.getMessage()));
      }
      if (malformed == FAIL_FAST_RECORDS && records == FAIL_FAST_RECORDS) {
        throw allMalformed(file, problems, lines, e);
      }
    }
  }

  private static DatasetFormatException allMalformed(
      Path file, List<LoadReport.LineProblem> problems, long line, MalformedRecord e) {
    return new DatasetFormatException(
        file, "the first " + FAIL_FAST_RECORDS + " records are all malformed: is this the right file and format?",
        problems.isEmpty() ? List.of(new LoadReport.LineProblem(file, line, e.getMessage())) : problems);
  }

  /** Whether {@code bytes[from, to)} (ASCII) is all white space, as {@link String#isBlank()} sees it. */
  private static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i];
      if (b != ' ' && (b < 9 || b > 13) && (b < 28 || b > 31)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The error for a file that cannot be read to its end. A gzip stream that ends early or does not
   * inflate is said to be truncated or corrupt, naming the file, rather than in zlib's words.
   */
  static UncheckedIOException unreadable(Path file, IOException e) {
    if (e instanceof EOFException || e instanceof ZipException) {
      return new UncheckedIOException(
          file + " is truncated or corrupt (" + e.getMessage() + "): download or unpack it again", e);
    }
    return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
  }

  private static String percent(double share) {
    return String.format(java.util.Locale.ROOT, "%.2f%%", share * 100);
  }

  /** Up to {@code max} non-blank lines from the start of {@code file}, to detect its layout. */
  static List<String> head(Path file, Charset charset, int max) {
    List<String> out = new ArrayList<>();
    try (LineReader r = lines(file, charset, isGzip(file), LoadOptions.DEFAULT_MAX_LINE_BYTES)) {
      while (out.size() < max && r.advance()) {
        String line = r.text();
        if (line == null) {
          continue; // unreadable: reading the file will count it
        }
        if (out.isEmpty() && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);
        }
        if (!line.isBlank()) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    return out;
  }

  static boolean isGzip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("no such file: " + file, e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static LineReader lines(Path file, Charset charset, boolean gzip, int maxLineBytes) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (gzip) {
      in = new GZIPInputStream(in, BUFFER);
    }
    return new LineReader(in, charset, maxLineBytes);
  }

  /**
   * UTF-8 when the whole file decodes as UTF-8, else ISO-8859-1: for the MovieLens {@code .dat}
   * and {@code u.item} files, published in ISO-8859-1 (a Latin-1 accent is never valid UTF-8 on
   * its own), which some users re-encode to UTF-8.
   */
  static Charset utf8OrLatin1(Path file) {
    CharsetDecoder d =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    boolean gzip = isGzip(file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        InputStream in = gzip ? new GZIPInputStream(raw, BUFFER) : raw) {
      byte[] buf = new byte[BUFFER];
      ByteBuffer bytes = ByteBuffer.allocate(BUFFER + 8);
      CharBuffer chars = CharBuffer.allocate(BUFFER + 8);
      int n;
      while ((n = in.read(buf)) > 0) {
        bytes.put(buf, 0, n);
        bytes.flip();
        if (d.decode(bytes, chars, false).isError()) {
          return StandardCharsets.ISO_8859_1;
        }
        bytes.compact();
        chars.clear();
      }
      bytes.flip();
      if (d.decode(bytes, chars, true).isError() || d.flush(chars).isError()) {
        return StandardCharsets.ISO_8859_1;
      }
      return StandardCharsets.UTF_8;
    } catch (CharacterCodingException e) {
      return StandardCharsets.ISO_8859_1;
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("no such file: " + file, e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }
}
