package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line, {@code target/agp.jar}, in fresh JVMs: on the class path as the
 * README runs it ({@code java -jar}), and on the module path, where the shaded jar is one automatic
 * module (it carries no module descriptor: the shade plugin drops the dependencies' ones).
 * Runs after {@code package} (failsafe), when the jar exists.
 */
class AgpJarIT {

  private static final Path JAR = Path.of("target", "agp.jar");

  @TempDir Path dir;

  @Test
  void javaJar_version_printsTheVersionAndRelaunchesOntoTheVectorKernel() throws Exception {
    String out = run(List.of("-jar", JAR.toString(), "--version"));

    assertThat(out).contains("agp ").contains("LightGCN kernel: Vector API");
  }

  @Test
  void javaJar_smallDemo_fitsAndReportsAgp() throws Exception {
    assertSmallDemoRuns(List.of("-jar", JAR.toString()), dir.resolve("cp"));
  }

  @Test
  void modulePath_smallDemo_fitsAndReportsAgp() throws Exception {
    ModuleDescriptor descriptor = ModuleFinder.of(JAR).findAll().iterator().next().descriptor();
    assertThat(descriptor.isAutomatic()).isTrue();

    assertSmallDemoRuns(List.of("--add-modules", "jdk.incubator.vector", "--module-path", JAR.toString(),
        "--module", descriptor.name() + "/" + AgpCli.class.getName()), dir.resolve("mp"));
  }

  @Test
  void modulePath_withoutTheVectorModule_runsOnTheScalarKernelWithoutRelaunching() throws Exception {
    String name = ModuleFinder.of(JAR).findAll().iterator().next().descriptor().name();

    String out = run(List.of("--module-path", JAR.toString(), "--module", name + "/" + AgpCli.class.getName(),
        "--version"));

    assertThat(out).contains("agp ").doesNotContain("Vector API");
  }

  /** Runs a small offline demo (AGP only, few users, one epoch) with {@code launch}; checks its report. */
  private static void assertSmallDemoRuns(List<String> launch, Path output) throws Exception {
    List<String> args = new ArrayList<>(launch);
    args.addAll(List.of("demo", "--no-progress", "--methods", "agp", "--train-users", "8", "--validation-users", "4",
        "--test-users", "8", "--epochs", "1", "--batch-size", "4", "--base-epochs", "2", "--output",
        output.toString()));

    String out = run(args);

    assertThat(out).contains("AGP");
    assertThat(output.resolve("results.md")).isRegularFile();
  }

  /** Runs {@code java args} with this JVM's java, expects exit status 0, returns stdout and stderr. */
  private static String run(List<String> args) throws IOException, InterruptedException {
    assertThat(JAR).isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("AGP_NO_RELAUNCH");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
