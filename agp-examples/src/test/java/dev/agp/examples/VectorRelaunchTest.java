package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VectorRelaunchTest {

  @Test
  void wanted_onlyWithoutTheModuleAndWhenNobodySaidNo() {
    assertThat(VectorRelaunch.wanted(false, null, null, Map.of())).isTrue();
    assertThat(VectorRelaunch.wanted(true, null, null, Map.of())).isFalse();
    assertThat(VectorRelaunch.wanted(false, "false", null, Map.of())).isFalse();
    assertThat(VectorRelaunch.wanted(false, "FALSE", null, Map.of())).isFalse();
    assertThat(VectorRelaunch.wanted(false, "true", null, Map.of())).isTrue();
    assertThat(VectorRelaunch.wanted(false, null, "true", Map.of())).as("already relaunched: never twice").isFalse();
    assertThat(VectorRelaunch.wanted(false, null, null, Map.of("AGP_NO_RELAUNCH", "1"))).isFalse();
    assertThat(VectorRelaunch.wanted(false, null, null, Map.of("AGP_NO_RELAUNCH", " "))).isTrue();
  }

  @Test
  void command_keepsTheJvmOptionsAddsTheModuleAndPassesTheArguments() {
    List<String> c = VectorRelaunch.command("/jdk/bin/java", List.of("-Xmx2g", "-Dx=y"), "agp.jar", "dev.agp.examples.AgpCli",
        new String[] {"demo", "--output", "a b"});
    assertThat(c).containsExactly("/jdk/bin/java", "-Xmx2g", "-Dx=y", "--add-modules", "jdk.incubator.vector",
        "-Dagp.relaunched=" + ProcessHandle.current().pid(), "-cp", "agp.jar", "dev.agp.examples.AgpCli", "demo", "--output",
        "a b");
  }

  /** {@code agp --version} in a fresh JVM started without the module, as {@code java -jar agp.jar} is. */
  private static String versionInFreshJvm(Map<String, String> env) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AgpCli.class.getName(), "--version"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("AGP_NO_RELAUNCH");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void main_withoutTheModule_relaunchesAndRunsTheVectorKernel() throws Exception {
    assertThat(versionInFreshJvm(Map.of())).contains("LightGCN kernel: Vector API");
  }

  @Test
  void main_launcherKilled_theRelaunchedJvmStopsToo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AgpCli.class.getName(), "demo", "--no-progress", "--output",
        dir.resolve("demo").toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
    pb.environment().remove("AGP_NO_RELAUNCH");
    Process launcher = pb.start();
    List<ProcessHandle> children = List.of();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (children.isEmpty() && launcher.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
        children = launcher.descendants().toList();
      }
      assertThat(children).as("the relaunched JVM").isNotEmpty();
      launcher.destroyForcibly(); // kill -9: no shutdown hook of the launcher runs
      launcher.waitFor();
      for (ProcessHandle child : children) {
        assertThat(child.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
      }
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
  }

  @Test
  void main_relaunchTurnedOff_runsHereOnTheScalarKernelAndSaysHowToGetTheOther() throws Exception {
    assertThat(versionInFreshJvm(Map.of("AGP_NO_RELAUNCH", "1")))
        .contains("LightGCN kernel: scalar", "--add-modules jdk.incubator.vector");
  }
}
