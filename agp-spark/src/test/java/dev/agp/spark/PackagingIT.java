package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** What the packaged jars hold: Spark stays out of both, the SDK's libraries are relocated. */
class PackagingIT {

  private static List<String> entries(Path jar) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void allJar_holdsTheSdkWithRelocatedLibrariesAndNoSpark() throws IOException {
    List<String> names = entries(Path.of(System.getProperty("agp.spark.jar")));

    assertThat(names).contains("dev/agp/spark/AgpSparkJob.class", "dev/agp/AgpModel.class",
        "dev/agp/langchain4j/LlmBackends.class", "dev/agp/eval/LeaveOneOut.class");
    assertThat(names).anyMatch(n -> n.startsWith("dev/agp/shaded/jackson/databind/"));
    assertThat(names).anyMatch(n -> n.startsWith("dev/langchain4j/"));
    assertThat(names).noneMatch(n -> n.startsWith("org/apache/spark/") || n.startsWith("scala/")
        || n.startsWith("com/fasterxml/") || n.startsWith("com/google/common/") || n.startsWith("org/slf4j/"));
  }

  @Test
  void agpJar_holdsNoSpark() throws IOException {
    Path agp = Path.of("..", "agp-examples", "target", "agp.jar");
    assumeTrue(Files.exists(agp), "agp.jar is built by the agp-examples module of the same build");

    assertThat(entries(agp)).noneMatch(n -> n.startsWith("org/apache/spark/") || n.startsWith("dev/agp/spark/"));
  }
}
