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
 * estimate}; for production {@code fit}, {@code rerank} and {@code cases}. Exit codes: {@value #SUCCESS} success; {@value #FAILURE} a failure while running (a
 * method whose calls failed, unreadable data), after writing what finished; {@value #USAGE} a
 * mistake in the call (a bad flag, a missing file or key), before any work; {@value
 * #BUDGET_STOPPED} stopped by the budget, after writing what finished. Each prints one line on
 * standard error; {@code --verbose} adds the stack trace of unexpected errors. {@code --help}
 * of every command lists the codes.
 */
@Command(name = "agp", mixinStandardHelpOptions = true, versionProvider = AgpCli.Version.class,
    description = {"Learned-prompt LLM reranking for recommender systems: AGP, RPP and the LLM baselines on your "
        + "base recommender's top-10, side by side on the paper's protocol.", ""},
    subcommands = {Commands.Demo.class, Commands.Run.class, Commands.Estimate.class, FitCommand.class, RerankCommand.class, CasesCommand.class,
        CommandLine.HelpCommand.class})
public final class AgpCli implements Runnable {

  /** Exit code of a run that finished: every method ran and the reports are written. */
  public static final int SUCCESS = 0;
  /** Exit code for a failure while running (the methods that finished are written, marked partial). */
  public static final int FAILURE = 1;
  /** Exit code for a mistake in the call: nothing was run. */
  public static final int USAGE = 2;
  /** Exit code of a run stopped by --budget-tokens or --budget-usd (the methods that finished are written). */
  public static final int BUDGET_STOPPED = 3;

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
   * @param args the arguments, as on the command line
   * @param out where results go
   * @param err where messages, progress and phase lines go
   * @param env the environment the backends read their keys from
   * @param console whether a terminal is attached (progress bars instead of phase lines)
   * @return the exit code: {@link #SUCCESS}, {@link #FAILURE}, {@link #USAGE} or {@link #BUDGET_STOPPED}
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean console) {
    AgpCli cli = new AgpCli(out, err, env, console);
    CommandLine line = new CommandLine(cli);
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    HelpLayout.install(line);
    line.setParameterExceptionHandler((e, a) -> {
      err.println("agp: " + e.getMessage());
      CommandLine c = e.getCommandLine();
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    line.setExecutionExceptionHandler((e, c, parsed) -> exitCode(e, err, cli.verbose));
    return line.execute(args);
  }

  /**
   * Prints why a command ended early and returns its exit code: usage mistakes and stops (budget,
   * failed method) in one line, other errors in one line plus the stack trace with --verbose.
   */
  static int exitCode(Exception e, PrintStream err, boolean verbose) {
    if (e instanceof UsageException) {
      err.println("agp: " + CliMessages.flags(e.getMessage()));
      return USAGE;
    }
    if (e instanceof CommandStop stop) {
      err.println("agp: " + CliMessages.flags(stop.getMessage()));
      if (verbose && stop.getCause() != null) {
        stop.getCause().printStackTrace(err);
      }
      return stop.exitCode();
    }
    if (CliMessages.budget(e).isPresent()) {
      err.println("agp: stopped by the budget: " + CliMessages.describe(e));
      return BUDGET_STOPPED;
    }
    err.println("agp: error: " + CliMessages.describe(e));
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("(run with --verbose for the stack trace)");
    }
    return FAILURE;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo, run, estimate, fit, rerank or cases");
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
