package com.example.recommender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.UserCase;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommenderTest {

  @TempDir Path dir;

  @Test
  void fromClasspath_modelTrainedAndShippedInAJar_servesTheLearnedRanking() throws Exception {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel trained = AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT)
        .batchSize(5).epochs(1).build()
        .fit(GenreWorld.users("u", 10, 1), GenreWorld.users("v", 4, 2));
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    trained.save(json);
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(Recommender.MODEL));
      out.write(json.toByteArray());
      out.closeEntry();
    }

    List<UserCase> users = GenreWorld.users("t", 5, 3);
    try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Recommender recommender = Recommender.fromClasspath(app, GenreWorld.llm().build());
      for (UserCase u : users) {
        List<String> ids = recommender.recommend(u.userId(), u.history(), u.candidates());
        assertThat(ids).isEqualTo(trained.rerank(u).itemIds());
        assertThat(ids.get(0)).isIn(u.relevantItemIds());
      }
    }
  }

  @Test
  void main_cannedLlm_runs() {
    Recommender.main(new String[0]);
  }
}
