package dev.agp.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.llm.LlmClient;
import dev.agp.rpp.RppModel;
import dev.agp.testing.ScriptedLlmClient;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.InputStreamResource;

/** Models load from any Spring resource through the stream API: inside a jar, or readable only once. */
class ModelFilesTest {

  @TempDir Path dir;

  private final LlmClient llm = ScriptedLlmClient.always("<ranking>A</ranking>");

  @Test
  void load_classpathResourceInsideAJar_isTheSavedAgpModel() throws Exception {
    Path saved = TestModels.agp(dir.resolve("agp-model.json"));
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("models/agp-model.json"));
      out.write(Files.readAllBytes(saved));
      out.closeEntry();
    }

    try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ClassPathResource resource = new ClassPathResource("models/agp-model.json", app);
      assertThat(resource.isFile()).as("a jar entry is not a file").isFalse();

      CaseReranker model = ModelFiles.load(resource, llm, null);

      assertThat(model).isInstanceOf(AgpModel.class);
      assertThat(((AgpModel) model).prompt().text()).isEqualTo(TestModels.PROMPT);
    }
  }

  @Test
  void load_resourceReadableOnce_isTheSavedRppModel() throws Exception {
    byte[] saved = Files.readAllBytes(TestModels.rpp(dir.resolve("rpp-model.json")));

    CaseReranker model = ModelFiles.load(new InputStreamResource(new ByteArrayInputStream(saved)), llm, null);

    assertThat(model).isInstanceOf(RppModel.class);
    assertThat(((RppModel) model).history()).isEqualTo(RppModel.load(dir.resolve("rpp-model.json")).history());
  }

  @Test
  void load_suppliedEmbeddingFromAStream_needsTheBean() throws Exception {
    byte[] saved = Files.readAllBytes(TestModels.rppWithEmbedding(dir.resolve("rpp-supplied.json")));

    assertThatThrownBy(() -> ModelFiles.load(new InputStreamResource(new ByteArrayInputStream(saved)), llm, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RppUserEmbedding.class.getName());
    CaseReranker model = ModelFiles.load(
        new InputStreamResource(new ByteArrayInputStream(saved)), llm, TestModels::embedding);
    assertThat(model).isInstanceOf(RppModel.class);
  }
}
