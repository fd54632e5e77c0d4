package dev.agp.eval.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Lines of a byte stream, in constant memory per line: any line ending (LF, CRLF, CR), each line
 * decoded strictly (bytes that are not valid in the charset make the line malformed instead of
 * being replaced), and a line longer than the cap skipped to its end without being held.
 */
final class LineReader implements Closeable {

  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final CharsetDecoder decoder;
  private final boolean asciiCompatible;
  private final int maxLineBytes;
  private final byte[] buffer = new byte[BUFFER];
  private int position;
  private int limit;
  private byte[] line = new byte[256];
  private boolean pendingLf;
  /** The current line's text, or null when it is malformed or not made yet (see {@link #raw}). */
  private @Nullable String text;
  /** Why the current line could not be read, or null. */
  private @Nullable String problem;
  /**
   * The bytes of the current line when it is ASCII (in {@link #buffer} or {@link #line}), from
   * {@link #rawFrom} to {@link #rawTo}; its text is made from them only when asked for. Null for
   * any other line.
   */
  private byte @Nullable [] raw;
  private int rawFrom;
  private int rawTo;

  LineReader(InputStream in, Charset charset, int maxLineBytes) {
    this.in = in;
    this.decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
        || charset.equals(StandardCharsets.US_ASCII);
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Moves to the next line: then {@link #text()} is its text, or null when it is malformed and
   * {@link #problem()} says why (no object per line: files have millions of them).
   *
   * @return false at the end of the stream
   */
  boolean advance() throws IOException {
    return lineInBuffer() || nextAcrossReads();
  }

  /** The current line's text, or null when it could not be read. */
  @Nullable String text() {
    if (text == null && raw != null) {
      text = new String(raw, rawFrom, rawTo - rawFrom, StandardCharsets.ISO_8859_1);
    }
    return text;
  }

  /**
   * Whether the current line is ASCII (and the charset one in which ASCII bytes are ASCII
   * characters): then {@link #bytes()} from {@link #from()} to {@link #to()} are its characters,
   * valid until the next {@link #advance()}.
   */
  boolean ascii() {
    return raw != null;
  }

  /** The array holding the current ASCII line; see {@link #ascii()}. */
  byte[] bytes() {
    return java.util.Objects.requireNonNull(raw, "not an ASCII line");
  }

  /** Where the current ASCII line starts in {@link #bytes()}. */
  int from() {
    return rawFrom;
  }

  /** Where the current ASCII line ends in {@link #bytes()}, exclusive. */
  int to() {
    return rawTo;
  }

  /** Why the current line could not be read, or null when it was. */
  @Nullable String problem() {
    return problem;
  }

  private boolean ok(String line) {
    text = line;
    problem = null;
    raw = null;
    return true;
  }

  /** An ASCII line, {@code bytes[from, to)}: its text is made when asked for. */
  private boolean okAscii(byte[] bytes, int from, int to) {
    text = null;
    problem = null;
    raw = bytes;
    rawFrom = from;
    rawTo = to;
    return true;
  }

  private boolean malformed(String why) {
    text = null;
    problem = why;
    raw = null;
    return true;
  }

  /**
   * The common case, read in place: the next line ends inside the bytes already read and within
   * the cap, so it is made straight from the buffer (no byte-by-byte copy). False when it does not
   * (the line crosses the end of the buffer, is too long, or a CR's LF is still to be read): then
   * no byte of the line was consumed and {@link #nextAcrossReads()} reads it.
   */
  private boolean lineInBuffer() {
    int p = position;
    if (pendingLf) {
      if (p == limit) {
        return false;
      }
      pendingLf = false;
      if (buffer[p] == '\n') {
        position = ++p;
      }
    }
    int end = (int) Math.min(limit, (long) p + maxLineBytes + 1);
    int or = 0;
    for (int i = p; i < end; i++) {
      byte b = buffer[i];
      if (b == '\n' || b == '\r') {
        position = i + 1;
        pendingLf = b == '\r';
        int length = i - p;
        if (or >= 0 && asciiCompatible) {
          return okAscii(buffer, p, i);
        }
        if (length > line.length) {
          line = new byte[length];
        }
        System.arraycopy(buffer, p, line, 0, length);
        return decoded(length);
      }
      or |= b;
    }
    return false;
  }

  /** The next line, byte by byte across reads of the stream; false at its end. */
  private boolean nextAcrossReads() throws IOException {
    int length = 0;
    long skipped = 0;
    boolean ascii = true;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, BUFFER);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            text = null;
            problem = null;
            raw = null;
            return false;
          }
          break;
        }
      }
      byte b = buffer[position];
      if (pendingLf) {
        pendingLf = false;
        if (b == '\n') {
          position++;
          continue;
        }
      }
      any = true;
      position++;
      if (b == '\n') {
        break;
      }
      if (b == '\r') {
        pendingLf = true;
        break;
      }
      if (length + skipped >= maxLineBytes) {
        skipped++;
        continue;
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, Math.min(Math.max(length * 2, 256), maxLineBytes));
      }
      line[length++] = b;
      ascii &= b >= 0;
    }
    if (skipped > 0) {
      return malformed("line longer than " + maxLineBytes + " bytes (LoadOptions.maxLineBytes); skipped");
    }
    if (ascii && asciiCompatible) {
      return okAscii(line, 0, length);
    }
    return decoded(length);
  }

  /** The first {@code length} bytes of {@code line}, decoded strictly, as the current line. */
  private boolean decoded(int length) {
    try {
      decoder.reset();
      return ok(decoder.decode(ByteBuffer.wrap(line, 0, length)).toString());
    } catch (MalformedInputException e) {
      int at = firstInvalid(length);
      return malformed("bytes that are not " + decoder.charset().name() + " at byte " + (at + 1) + " of the line");
    } catch (CharacterCodingException e) {
      return malformed("bytes that are not " + decoder.charset().name() + " (" + e.getMessage() + ")");
    }
  }

  /** The offset of the first byte a strict decoder refuses (for the message). */
  private int firstInvalid(int length) {
    decoder.reset();
    ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(length + 1);
    decoder.decode(bytes, out, true);
    return bytes.position();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
