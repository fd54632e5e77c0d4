package dev.agp.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/** JSON documents of the SDK (checkpoints, saved models) and their atomic writing. */
public final class AgpJson {

  /**
   * The SDK's own mapper. Never handed out: a caller could reconfigure it under every checkpoint
   * and model of the process. Callers outside this package get a {@link #mapper() copy}.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private AgpJson() {}

  /**
   * A mapper configured like the one that writes the SDK's documents (unknown properties ignored,
   * indented output). Each call returns a fresh copy, so configuring it changes nothing else.
   *
   * @return a new mapper with the SDK's settings
   */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /**
   * Writes {@code value} to {@code target} through a temporary file in the same folder, flushed
   * to disk and renamed over the target, so a crash leaves either the old or the new document.
   *
   * @param target the file to replace
   * @param value the document, serialised by the mapper
   * @throws IOException if the temporary file cannot be written, flushed or moved
   */
  public static void writeAtomically(Path target, Object value) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, absolute.getFileName().toString() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        MAPPER.writeValue(new NonClosing(out), value);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code value} to {@code out} and flushes it, leaving the stream open: the caller owns
   * it.
   *
   * @param out the stream, left open
   * @param value the document, written by the SDK's mapper
   * @throws IOException if the stream cannot be written
   */
  public static void write(OutputStream out, Object value) throws IOException {
    MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, value);
    out.flush();
  }

  /**
   * Reads one document of {@code type} from {@code in}, leaving the stream open: the caller owns
   * it.
   *
   * @param <T> the document's type
   * @param in the stream, left open
   * @param type the document's class
   * @return the document, or null when the stream holds JSON null
   * @throws IOException if the stream cannot be read or holds no JSON document of {@code type}
   */
  public static <T> T read(InputStream in, Class<T> type) throws IOException {
    return MAPPER.readerFor(type).without(JsonParser.Feature.AUTO_CLOSE_SOURCE).readValue(in);
  }

  /**
   * Saves a model's document to {@code path} atomically.
   *
   * @param path the model file, replaced atomically
   * @param document the model's document
   * @throws UncheckedIOException naming the file, if it cannot be written
   */
  public static void saveModel(Path path, Object document) {
    try {
      writeAtomically(path, document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + path, e);
    }
  }

  /**
   * Writes a model's document to {@code out}, flushed and left open.
   *
   * @param out the stream, flushed and left open
   * @param document the model's document
   * @throws UncheckedIOException if the stream cannot be written
   */
  public static void saveModel(OutputStream out, Object document) {
    try {
      write(out, document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to the stream: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a saved model's document from {@code path}; null when the file holds JSON null.
   *
   * @param <T> the document's type
   * @param path the model file
   * @param type the document's class
   * @return the document, or null
   * @throws UncheckedIOException naming the file, if it cannot be read or is not JSON
   */
  public static <T> @Nullable T readModel(Path path, Class<T> type) {
    try {
      return MAPPER.readValue(path.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a saved model from " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a saved model's document from {@code in}, left open; null when it holds JSON null.
   *
   * @param <T> the document's type
   * @param in the stream, left open
   * @param type the document's class
   * @return the document, or null
   * @throws UncheckedIOException if the stream cannot be read or holds no JSON document
   */
  public static <T> @Nullable T readModel(InputStream in, Class<T> type) {
    try {
      return read(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a saved model from the stream: " + e.getMessage(), e);
    }
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
