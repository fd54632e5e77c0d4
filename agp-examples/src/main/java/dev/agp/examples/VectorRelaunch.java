package dev.agp.examples;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Makes LightGCN's SIMD kernel the default for {@code java -jar agp.jar}. The Vector API is an
 * incubating JDK module that a JVM resolves only when started with {@code --add-modules
 * jdk.incubator.vector}, which a jar's manifest cannot ask for. So when {@code agp} starts in a
 * JVM without it, it starts itself once more in a child JVM with the same options plus the module
 * and the same arguments, passes its input and output through, and exits with the child's status.
 * The child stops at once when the launcher is gone (even after {@code kill -9}), and the
 * launcher stops the child when it is asked to stop.
 *
 * <p>Not done when the module is already there, when {@code -Dagp.relaunch=false} or the
 * environment variable {@code AGP_NO_RELAUNCH} is set, when this is already the relaunched JVM,
 * when the jar was started from the module path ({@code java -p agp.jar -m ...}: add the module
 * there with {@code --add-modules jdk.incubator.vector}),
 * or when the child cannot be started (then LightGCN runs on its scalar kernel, with the same
 * results, and says so).
 */
final class VectorRelaunch {

  static final String MODULE = "jdk.incubator.vector";
  static final String RELAUNCHED = "agp.relaunched";

  private VectorRelaunch() {}

  /**
   * Runs {@code agp args} in a child JVM with the Vector API when this JVM lacks it.
   *
   * @return the child's exit status, or empty when this JVM should run the command itself
   */
  static OptionalInt runWithVectorModule(String[] args, Map<String, String> env) {
    if (AgpCli.class.getModule().isNamed()) {
      // started from the module path (java -p agp.jar -m ...): the child would need this JVM's module
      // options, not a class path; whoever chose the module path adds --add-modules jdk.incubator.vector
      return OptionalInt.empty();
    }
    if (!wanted(ModuleLayer.boot().findModule(MODULE).isPresent(), System.getProperty("agp.relaunch"),
        System.getProperty(RELAUNCHED), env)) {
      return OptionalInt.empty();
    }
    Optional<Path> java = javaExecutable();
    if (java.isEmpty()) {
      return OptionalInt.empty();
    }
    List<String> command = command(java.get().toString(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
        System.getProperty("java.class.path"), AgpCli.class.getName(), args);
    Process child;
    try {
      child = new ProcessBuilder(command).inheritIO().start();
    } catch (IOException | RuntimeException e) {
      System.err.println("agp: could not start a JVM with " + MODULE + " (" + e.getMessage()
          + "); LightGCN runs on its scalar kernel");
      return OptionalInt.empty();
    }
    Thread forward = new Thread(() -> {
      child.destroy();
      try {
        child.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "agp-relaunch-stop");
    Runtime.getRuntime().addShutdownHook(forward);
    int code;
    while (true) {
      try {
        code = child.waitFor();
        break;
      } catch (InterruptedException e) {
        // keep waiting: the child is the program; a signal reaches it too, or the hook stops it
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(forward);
    } catch (IllegalStateException e) {
      // this JVM is shutting down and the hook has run
    }
    return OptionalInt.of(code);
  }

  /**
   * In the relaunched JVM: stops it at once when the launching JVM is gone, so that killing
   * {@code agp} (even with {@code kill -9}, which runs no shutdown hook) leaves nothing running.
   * Does nothing in a JVM that was not relaunched.
   */
  static void exitWithTheLauncher() {
    String pid = System.getProperty(RELAUNCHED);
    if (pid == null) {
      return;
    }
    long launcherPid;
    try {
      launcherPid = Long.parseLong(pid);
    } catch (NumberFormatException e) {
      return;
    }
    // by the pid it passed, not parent(): a launcher killed while this JVM started leaves it to init
    Thread watch = new Thread(() -> {
      try {
        while (ProcessHandle.of(launcherPid).map(ProcessHandle::isAlive).orElse(false)) {
          Thread.sleep(LAUNCHER_POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(AgpCli.FAILURE);
    }, "agp-launcher-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** How often the relaunched JVM checks that its launcher still runs. */
  static final long LAUNCHER_POLL_MILLIS = 20;

  /** Whether to relaunch: the module is missing, nobody said no, and this is not the relaunched JVM. */
  static boolean wanted(boolean hasModule, String relaunchProperty, String relaunchedProperty, Map<String, String> env) {
    if (hasModule || "false".equalsIgnoreCase(relaunchProperty) || relaunchedProperty != null) {
      return false;
    }
    String off = env.get("AGP_NO_RELAUNCH");
    return off == null || off.isBlank();
  }

  /** The child's command line: this JVM's options, the module, a marker, the class path, the main class, the arguments. */
  static List<String> command(String java, List<String> jvmOptions, String classPath, String mainClass, String[] args) {
    List<String> c = new ArrayList<>();
    c.add(java);
    c.addAll(jvmOptions);
    c.add("--add-modules");
    c.add(MODULE);
    c.add("-D" + RELAUNCHED + "=" + ProcessHandle.current().pid());
    c.add("-cp");
    c.add(classPath);
    c.add(mainClass);
    c.addAll(List.of(args));
    return c;
  }

  private static Optional<Path> javaExecutable() {
    Optional<Path> running = ProcessHandle.current().info().command().map(Path::of).filter(Files::isExecutable);
    if (running.isPresent()) {
      return running;
    }
    Path home = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(home) ? Optional.of(home) : Optional.empty();
  }
}
