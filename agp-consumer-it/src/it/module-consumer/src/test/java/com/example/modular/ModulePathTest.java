package com.example.modular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.AgpOptimizer;
import dev.agp.UserCase;
import dev.agp.testing.GenreWorld;
import java.io.File;
import java.lang.module.ResolvedModule;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agp-core as a named module, seen from a named application module: the API works, the
 * internals ({@code dev.agp.internal}, {@code dev.agp.prompt}) cannot be reached.
 */
class ModulePathTest {

  @TempDir Path dir;

  @Test
  void fit_onTheModulePath_learnsAndReranks() {
    assertThat(ModularRecommender.class.getModule().getName()).isEqualTo("com.example.modular");
    assertThat(AgpOptimizer.class.getModule().getName()).isEqualTo("dev.agp.core");
    assertThat(AgpOptimizer.class.getModule().getDescriptor().isAutomatic()).isFalse();

    ModularRecommender recommender = ModularRecommender.fit(GenreWorld.llm().build(),
        GenreWorld.NAIVE_PROMPT, GenreWorld.users("u", 10, 1), GenreWorld.users("v", 4, 2));

    assertThat(recommender.model().history().batches()).isNotEmpty();
    for (UserCase u : GenreWorld.users("t", 5, 3)) {
      List<String> ids = recommender.recommend(u);
      assertThat(ids).containsExactlyInAnyOrderElementsOf(
          u.candidates().stream().map(dev.agp.Item::id).toList());
      assertThat(ids.get(0)).isIn(u.relevantItemIds());
    }
  }

  @Test
  void module_exportsOnlyTheApiPackages() {
    Module core = AgpOptimizer.class.getModule();
    Module app = ModularRecommender.class.getModule();
    assertThat(core.getDescriptor().exports().stream()
            .filter(e -> !e.isQualified()).map(e -> e.source()).sorted().toList())
        .containsExactly("dev.agp", "dev.agp.llm", "dev.agp.rpp");
    assertThat(core.isExported("dev.agp", app)).isTrue();
    assertThat(core.isExported("dev.agp.internal", app)).isFalse();
    assertThat(core.isExported("dev.agp.prompt", app)).isFalse();
  }

  @Test
  void invoke_publicMethodOfAnInternalClass_throwsIllegalAccessException() throws Exception {
    for (String name : List.of("dev.agp.internal.Seeds", "dev.agp.prompt.RankingParser")) {
      Class<?> internal = Class.forName(name);
      Method m = Arrays.stream(internal.getMethods())
          .filter(x -> Modifier.isStatic(x.getModifiers()) && x.getDeclaringClass() == internal)
          .findFirst().orElseThrow();
      Object[] args = new Object[m.getParameterCount()];
      assertThatThrownBy(() -> m.invoke(null, args))
          .as(name).isInstanceOf(IllegalAccessException.class).hasMessageContaining("does not export");
      assertThatThrownBy(() -> m.setAccessible(true))
          .as(name).isInstanceOf(InaccessibleObjectException.class);
    }
  }

  @Test
  void compile_importOfAnInternalPackage_isRejected() throws Exception {
    assertThat(compile("dev.agp.AgpOptimizer", "AgpOptimizer.builder()")).isEmpty();

    String seeds = compile("dev.agp.internal.Seeds", "Seeds.class");
    assertThat(seeds).contains("package dev.agp.internal is not visible")
        .contains("does not export it");
    String parser = compile("dev.agp.prompt.RankingParser", "RankingParser.class");
    assertThat(parser).contains("package dev.agp.prompt is not visible");
  }

  /**
   * Compiles a module {@code probe} that requires dev.agp.core and uses {@code type} with the
   * JDK's javac; returns its output when it fails, else "".
   */
  private String compile(String type, String expression) throws Exception {
    Path src = Files.createTempDirectory(dir, "probe");
    Files.writeString(src.resolve("module-info.java"), "module probe { requires dev.agp.core; }");
    Path pkg = Files.createDirectories(src.resolve("probe"));
    Files.writeString(pkg.resolve("Probe.java"), "package probe;\nimport " + type + ";\n"
        + "class Probe { Object o = " + expression + "; }\n");
    List<String> modulePath = new ArrayList<>();
    for (ResolvedModule m : ModuleLayer.boot().configuration().modules()) {
      m.reference().location().filter(u -> u.getScheme().equals("file"))
          .map(URI::getPath).ifPresent(modulePath::add);
    }
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "-d", dir.resolve("out-" + src.getFileName()).toString(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        src.resolve("module-info.java").toString(), pkg.resolve("Probe.java").toString());
    Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(javac.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return javac.exitValue() == 0 ? "" : out;
  }
}
