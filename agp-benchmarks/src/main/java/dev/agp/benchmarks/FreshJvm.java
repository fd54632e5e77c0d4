package dev.agp.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cold measurements: a benchmark's {@code main} run again in a fresh JVM (class loading and JIT
 * included), reporting one line {@code RESULT v1 v2 ...}; and the machine's load, printed beside
 * every figure because the benchmarks run on a shared machine.
 */
final class FreshJvm {

  private FreshJvm() {}

  /**
   * Runs {@code main} of {@code mainClass} with {@code args} in a new JVM on this class path,
   * with {@code jvmOptions}, and returns the fields after {@code RESULT} on its output.
   *
   * @throws IllegalStateException if it fails or prints no result
   */
  static String[] result(Class<?> mainClass, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the cold run failed:\n" + out);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith("RESULT ")) {
        String[] f = line.trim().split(" ");
        return java.util.Arrays.copyOfRange(f, 1, f.length);
      }
    }
    throw new IllegalStateException("no result from the cold run:\n" + out);
  }

  /** The 1-minute load average, NaN where the system does not tell. */
  static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The median (the mean of the two middle values for an even count). */
  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
