package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.testing.GenreWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AgpModel over streams: the same document as a file, and a model loaded from inside a jar. */
class AgpModelStreamsTest {

  private static final List<UserCase> TEST = GenreWorld.users("t", 8, 33);

  @TempDir Path dir;

  private static AgpModel trained() {
    return AgpOptimizer.builder().llm(GenreWorld.llm().build()).initialPrompt(GenreWorld.NAIVE_PROMPT)
        .domain("movie").batchSize(5).epochs(1).build()
        .fit(GenreWorld.users("u", 10, 31), GenreWorld.users("v", 4, 32));
  }

  @Test
  void saveOutputStream_sameDocumentAsTheFile_streamFlushedAndLeftOpen() throws IOException {
    AgpModel model = trained();
    Path file = dir.resolve("model.json");
    model.save(file);
    Tracking out = new Tracking();

    model.save(out);

    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(file));
    assertThat(out.closed).isFalse();
    assertThat(out.flushes).isPositive();
  }

  @Test
  void loadInputStream_resourceInsideAJar_servesLikeTheSavedModel() throws IOException {
    AgpModel model = trained();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    model.save(json);
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("models/agp-model.json"));
      out.write(json.toByteArray());
      out.closeEntry();
    }

    AgpModel loaded;
    try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        InputStream in = app.getResourceAsStream("models/agp-model.json")) {
      assertThat(in).as("the resource in the jar").isNotNull();
      loaded = AgpModel.load(in, GenreWorld.llm().build());
    }

    assertThat(loaded.prompt()).isEqualTo(model.prompt());
    assertThat(loaded.history()).isEqualTo(model.history());
    assertThat(loaded.usage()).isEqualTo(model.usage());
    for (UserCase u : TEST) {
      assertThat(loaded.rerank(u)).isEqualTo(model.rerank(u));
    }
  }

  @Test
  void loadInputStream_withoutLlm_inspectsAndLeavesTheStreamOpen() {
    AgpModel model = trained();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    model.save(json);
    CloseTracking in = new CloseTracking(new ByteArrayInputStream(json.toByteArray()));

    AgpModel inspected = AgpModel.load(in);

    assertThat(in.closed).isFalse();
    assertThat(inspected.prompt()).isEqualTo(model.prompt());
    assertThatThrownBy(() -> inspected.rerank(TEST.get(0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("withLlm");
  }

  @Test
  void loadInputStream_notAModel_throwsNamingTheStream() {
    assertThatThrownBy(() -> AgpModel.load(stream("{ not json")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("the stream");
    assertThatThrownBy(() -> AgpModel.load(stream("")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("the stream");
    assertThatThrownBy(() -> AgpModel.load(stream("null")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saved AGP model");
    assertThatThrownBy(() -> AgpModel.load(stream("{\"format\":\"rpp-model\",\"version\":2}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the stream is not a saved AGP model (format rpp-model)");
    assertThatThrownBy(() -> AgpModel.load(stream("{\"format\":\"agp-model\",\"version\":9}"), GenreWorld.llm().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
  }

  @Test
  void streams_nullArguments_throwNullPointerException() {
    AgpModel model = trained();
    assertThatThrownBy(() -> model.save((OutputStream) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AgpModel.load((InputStream) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AgpModel.load(stream("{}"), null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void saveOutputStream_failingStream_throwsUncheckedIoException() {
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }
    };

    assertThatThrownBy(() -> trained().save(broken))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk full");
  }

  static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Records whether it was flushed or closed. */
  static final class Tracking extends ByteArrayOutputStream {
    boolean closed;
    int flushes;

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Records whether it was closed. */
  static final class CloseTracking extends FilterInputStream {
    boolean closed;

    CloseTracking(InputStream in) {
      super(in);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
