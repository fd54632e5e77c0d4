package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same command in two fresh JVMs prints the same table. Separate processes matter: an order
 * that depends on the JVM run (the salt of {@code Map.copyOf}'s iteration, identity hash codes)
 * is the same within one JVM and shows up only across runs.
 */
class DeterminismTest {

  @TempDir Path dir;

  private String run(String output) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AgpCli.class.getName(),
        "demo", "--no-progress", "--base-epochs", "3", "--train-users", "30", "--validation-users", "10",
        "--test-users", "60", "--epochs", "2", "--rpp-iterations", "2", "--output", dir.resolve(output).toString()));
    // standard output only: standard error carries phase lines with durations, which differ run to run
    Process p = new ProcessBuilder(command).redirectError(dir.resolve(output + ".err").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text + Files.readString(dir.resolve(output + ".err"))).isZero();
    return text.replace(dir.resolve(output).toAbsolutePath().toString(), "OUT");
  }

  @Test
  void demo_twoFreshJvms_identicalOutputAndUserResults() throws Exception {
    String first = run("a");
    String second = run("b");
    assertThat(second).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("b").resolve("users.csv")))
        .isEqualTo(Files.readString(dir.resolve("a").resolve("users.csv")));
    assertThat(first).contains("AGP", "RPP", "Sanity check");
  }
}
