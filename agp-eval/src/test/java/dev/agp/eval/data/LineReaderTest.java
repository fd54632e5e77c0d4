package dev.agp.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LineReader} against a plain reference splitter: lines read in place from the buffer and
 * lines read byte by byte across reads of the stream must come out the same, whatever the line
 * endings, the cap, the charset and where the stream's reads happen to end.
 */
class LineReaderTest {

  /** A stream that hands out its bytes in short reads of random length. */
  private static final class ChoppyStream extends InputStream {
    private final byte[] bytes;
    private final SplittableRandom random;
    private final int maxRead;
    private int at;

    ChoppyStream(byte[] bytes, SplittableRandom random, int maxRead) {
      this.bytes = bytes;
      this.random = random;
      this.maxRead = maxRead;
    }

    @Override
    public int read() {
      return at < bytes.length ? bytes[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at == bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, bytes.length - at), 1 + random.nextInt(maxRead));
      System.arraycopy(bytes, at, b, off, n);
      at += n;
      return n;
    }
  }

  /** What {@link LineReader} should return for {@code bytes}: text, or the start of the problem. */
  private static List<String> reference(byte[] bytes, Charset charset, int maxLineBytes) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < bytes.length) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        out.add(expected(bytes, start, i, charset, maxLineBytes));
        i += b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n' ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    if (start < bytes.length) {
      out.add(expected(bytes, start, bytes.length, charset, maxLineBytes));
    }
    return out;
  }

  private static String expected(byte[] bytes, int from, int to, Charset charset, int maxLineBytes) {
    if (to - from > maxLineBytes) {
      return "problem: line longer than " + maxLineBytes;
    }
    try {
      return "text: " + charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from));
    } catch (CharacterCodingException e) {
      return "problem: bytes that are not " + charset.name();
    }
  }

  private static List<String> read(byte[] bytes, Charset charset, int maxLineBytes, SplittableRandom random, int maxRead)
      throws IOException {
    List<String> out = new ArrayList<>();
    try (LineReader r = new LineReader(new ChoppyStream(bytes, random, maxRead), charset, maxLineBytes)) {
      while (r.advance()) {
        if (r.text() != null) {
          assertThat(r.problem()).isNull();
          out.add("text: " + r.text());
        } else {
          String p = r.problem();
          out.add(p.startsWith("line longer") ? "problem: line longer than " + maxLineBytes
              : "problem: bytes that are not " + charset.name());
        }
      }
    }
    return out;
  }

  /** Random lines: ASCII, accents, a byte that is not UTF-8, empty lines, every ending, some long. */
  private static byte[] randomText(SplittableRandom random, int lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] endings = {"\n", "\r\n", "\r"};
    for (int l = 0; l < lines; l++) {
      int length = random.nextInt(10) == 0 ? random.nextInt(200) : random.nextInt(30);
      for (int k = 0; k < length; k++) {
        int pick = random.nextInt(40);
        if (pick == 0) {
          out.writeBytes("é".getBytes(StandardCharsets.UTF_8));
        } else if (pick == 1 && random.nextInt(5) == 0) {
          out.write(0xE9); // not UTF-8 on its own
        } else {
          out.write('a' + random.nextInt(26));
        }
      }
      if (l < lines - 1 || random.nextBoolean()) {
        out.writeBytes(endings[random.nextInt(endings.length)].getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toByteArray();
  }

  @Test
  void advance_anyEndingsCapCharsetAndReadSizes_sameLinesAsTheReference() throws IOException {
    SplittableRandom random = new SplittableRandom(14);
    for (int round = 0; round < 300; round++) {
      byte[] text = randomText(random, 1 + random.nextInt(60));
      Charset charset = random.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
      int cap = random.nextBoolean() ? LoadOptions.DEFAULT_MAX_LINE_BYTES : 1 + random.nextInt(40);
      int maxRead = random.nextBoolean() ? 1 << 16 : 1 + random.nextInt(50);

      assertThat(read(text, charset, cap, random, maxRead))
          .as("round %d, cap %d, reads of at most %d bytes", round, cap, maxRead)
          .isEqualTo(reference(text, charset, cap));
    }
  }

  @Test
  void advance_linesAcrossTheBufferEnd_readWhole() throws IOException {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    while (sb.length() < 3 * (1 << 16)) {
      sb.append("user").append(n).append(",item").append(n * 7).append(",3.5,").append(1_000_000L + n).append("\r\n");
      n++;
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);

    List<String> lines = read(bytes, StandardCharsets.UTF_8, 64, new SplittableRandom(1), 1 << 16);

    assertThat(lines).hasSize(n).isEqualTo(reference(bytes, StandardCharsets.UTF_8, 64));
    assertThat(lines.get(n - 1)).isEqualTo("text: user" + (n - 1) + ",item" + (n - 1) * 7 + ",3.5," + (1_000_000L + n - 1));
  }

  @Test
  void advance_crAtTheEndOfARead_lfOfTheNextReadIsNotAnEmptyLine() throws IOException {
    byte[] bytes = "a\r\nb\r\nc".getBytes(StandardCharsets.US_ASCII);
    InputStream oneByteReads = new ChoppyStream(bytes, new SplittableRandom(2), 1);

    List<String> lines = new ArrayList<>();
    try (LineReader r = new LineReader(oneByteReads, StandardCharsets.UTF_8, 10)) {
      while (r.advance()) {
        lines.add(r.text());
      }
      assertThat(r.advance()).isFalse();
    }

    assertThat(lines).containsExactly("a", "b", "c");
    assertThat(read(bytes, StandardCharsets.UTF_8, 10, new SplittableRandom(3), 1 << 16))
        .isEqualTo(reference(bytes, StandardCharsets.UTF_8, 10));
  }
}
