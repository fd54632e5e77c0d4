package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.UserCase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RppModel over streams: the same document as a file, both embeddings, clear refusals. */
class RppModelStreamsTest {

  private static final List<UserCase> TRAIN = RppTesting.mixed("t", 6, 11);
  private static final List<UserCase> HELD = RppTesting.mixed("h", 5, 12);

  @TempDir Path dir;

  @Test
  void saveAndLoadStreams_hashedModel_sameDocumentAndSameServing() throws Exception {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    Path file = dir.resolve("rpp-model.json");
    model.save(file);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    model.save(out);
    RppModel loaded = RppModel.load(new ByteArrayInputStream(out.toByteArray()), RppWorld.llm().build());

    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(file));
    assertThat(loaded.history()).isEqualTo(model.history());
    for (UserCase u : HELD) {
      assertThat(loaded.choose(u)).isEqualTo(model.choose(u));
      assertThat(loaded.rerank(u)).isEqualTo(model.rerank(u));
    }
    assertThat(RppModel.load(new ByteArrayInputStream(out.toByteArray())).method()).isEqualTo("RPP");
  }

  @Test
  void loadInputStream_suppliedEmbedding_needsTheFunctionAndNamesTheStreamOverload() {
    Function<UserCase, double[]> embedding = u -> new double[] {u.history().size(), 1.0};
    RppModel model = RppTesting.small(RppWorld.llm().build()).userEmbedding(embedding).build().fit(TRAIN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    model.save(out);
    byte[] json = out.toByteArray();

    assertThatThrownBy(() -> RppModel.load(new ByteArrayInputStream(json), RppWorld.llm().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the stream was trained with a supplied user embedding")
        .hasMessageContaining("load(in, llm, embedding)");
    RppModel loaded = RppModel.load(new ByteArrayInputStream(json), RppWorld.llm().build(), embedding);
    assertThat(loaded.choose(HELD.get(0))).isEqualTo(model.choose(HELD.get(0)));
  }

  @Test
  void loadInputStream_hashedModelWithFunction_throwsIae() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    model.save(out);

    assertThatThrownBy(() -> RppModel.load(
            new ByteArrayInputStream(out.toByteArray()), RppWorld.llm().build(), u -> new double[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hashed bag-of-history embedding")
        .hasMessageContaining("load(in, llm)");
  }

  @Test
  void loadInputStream_notAModel_throwsNamingTheStream() {
    assertThatThrownBy(() -> RppModel.load(stream("{ not json")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("the stream");
    assertThatThrownBy(() -> RppModel.load(stream("null")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saved RPP model");
    assertThatThrownBy(() -> RppModel.load(stream("{\"format\":\"agp-model\",\"version\":1}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the stream is not a saved RPP model (format agp-model)");
    assertThatThrownBy(() -> RppModel.load(stream("{\"format\":\"rpp-model\",\"version\":2}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the stream lacks the settings");
    assertThatThrownBy(() -> RppModel.load((InputStream) null)).isInstanceOf(NullPointerException.class);
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
