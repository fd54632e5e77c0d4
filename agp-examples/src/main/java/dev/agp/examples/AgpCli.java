package dev.agp.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code agp} command line: {@code demo} (offline, no flags needed), {@code run} and {@code
 * estimate}. Mistakes in the call (a bad flag, a missing file or key) print one line and exit
 * with 2; failures while running print one line and exit with 1; {@code --verbose} adds the stack
 * trace.
 */
@Command(name = "agp", mixinStandardHelpOptions = true, versionProvider = AgpCli.Version.class,
    description = {"Learned-prompt LLM reranking for recommender systems: AGP, RPP and the LLM baselines on your "
        + "base recommender's top-10, side by side on the paper's protocol.", ""},
    subcommands = {Commands.Demo.class, Commands.Run.class, Commands.Estimate.class, FitCommand.class, RerankCommand.class, CasesCommand.class,
        CommandLine.HelpCommand.class})
public final class AgpCli implements Runnable {

  /** Exit code for a mistake in the call. */
  public static final int USAGE = 2;
  /** Exit code for a failure while running. */
  public static final int FAILURE = 1;

  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean verbose;

  @Option(names = "--no-progress", scope = ScopeType.INHERIT, negatable = false,
      description = "No progress bars (they are shown on a terminal by default).")
  boolean noProgress;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final boolean console;

  AgpCli(PrintStream out, PrintStream err, Map<String, String> env, boolean console) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
    this.console = console;
  }

  /** Runs {@code agp} and exits with its status. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err, System.getenv(), System.console() != null));
  }

  /**
   * Runs {@code agp} in this JVM, for embedding and tests.
   *
   * @param env the environment the backends read their keys from
   * @return the exit code: 0, {@link #FAILURE} or {@link #USAGE}
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean console) {
    AgpCli cli = new AgpCli(out, err, env, console);
    CommandLine line = new CommandLine(cli);
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    line.setParameterExceptionHandler((e, a) -> {
      err.println("agp: " + e.getMessage());
      CommandLine c = e.getCommandLine();
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    line.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof UsageException) {
        err.println("agp: " + e.getMessage());
        return USAGE;
      }
      err.println("agp: error: " + describe(e));
      if (cli.verbose) {
        e.printStackTrace(err);
      } else {
        err.println("(run with --verbose for the stack trace)");
      }
      return FAILURE;
    });
    return line.execute(args);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo, run or estimate");
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  /** Whether standard error is a terminal on which progress bars may be drawn. */
  boolean console() {
    return console && !noProgress;
  }

  Map<String, String> env() {
    return env;
  }

  Progress progress() {
    return new Progress(console && !noProgress, err);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgpCli.class.getPackage().getImplementationVersion();
      return new String[] {"agp " + (v == null ? "(development build)" : v)};
    }
  }
}
