package dev.agp.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The help text of every {@code agp} command: descriptions and option lists wrapped at spaces only
 * (picocli's own layout breaks lines inside file names and URLs, after their dots and colons), and
 * the exit codes. Installed once on the root command line, it covers every subcommand, including
 * ones added later to {@link AgpCli}.
 */
final class HelpLayout {

  /** The exit codes, as {@code --help} lists them. */
  static final Map<String, String> EXIT_CODES;

  static {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(String.valueOf(AgpCli.SUCCESS), "success: every method finished and the reports are written");
    codes.put(String.valueOf(AgpCli.FAILURE), "failure: a method's LLM calls failed (see --max-failure-rate), a data "
        + "file could not be read, or another error; methods that finished are written, marked partial");
    codes.put(String.valueOf(AgpCli.USAGE), "usage: a bad or missing option, file or key; nothing was run");
    codes.put(String.valueOf(AgpCli.BUDGET_STOPPED), "stopped by --budget-tokens or --budget-usd; methods that "
        + "finished are written, marked partial; rerun with a larger budget to go on");
    EXIT_CODES = java.util.Collections.unmodifiableMap(codes);
  }

  private static final int LABEL_COLUMN = 26;

  private HelpLayout() {}

  /** Installs the layout on {@code line} and all its subcommands. */
  static void install(CommandLine line) {
    UsageMessageSpec usage = line.getCommandSpec().usageMessage();
    Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
    sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> description(help.commandSpec()));
    sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> options(help.commandSpec()));
    sections.put(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING,
        help -> System.lineSeparator() + "Exit codes:" + System.lineSeparator());
    sections.put(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST, help -> exitCodes(help.commandSpec()));
    usage.sectionMap(sections);
    for (CommandLine sub : line.getSubcommands().values()) {
      install(sub);
    }
  }

  private static String description(CommandSpec spec) {
    StringBuilder sb = new StringBuilder();
    for (String paragraph : spec.usageMessage().description()) {
      for (String l : wrap(paragraph, spec.usageMessage().width())) {
        sb.append(l).append(System.lineSeparator());
      }
    }
    return sb.toString();
  }

  private static String options(CommandSpec spec) {
    int width = spec.usageMessage().width();
    StringBuilder sb = new StringBuilder();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      String label = label(o);
      List<String> text = wrap(String.join(" ", o.renderedDescription()), width - LABEL_COLUMN);
      if (label.length() + 2 > LABEL_COLUMN) {
        sb.append(label).append(System.lineSeparator());
      } else if (!text.isEmpty()) {
        sb.append(label).append(" ".repeat(LABEL_COLUMN - label.length())).append(text.remove(0))
            .append(System.lineSeparator());
      } else {
        sb.append(label).append(System.lineSeparator());
      }
      for (String t : text) {
        sb.append(" ".repeat(LABEL_COLUMN)).append(t).append(System.lineSeparator());
      }
    }
    return sb.toString();
  }

  private static String label(OptionSpec o) {
    String shortName = null;
    String longName = null;
    for (String n : o.names()) {
      if (n.startsWith("--")) {
        longName = longName == null || n.length() > longName.length() ? n : longName;
      } else {
        shortName = n;
      }
    }
    StringBuilder sb = new StringBuilder("  ");
    sb.append(shortName == null ? "    " : shortName + (longName == null ? "" : ", "));
    if (longName != null) {
      sb.append(longName);
    }
    if (o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
      sb.append('=').append(o.paramLabel());
      if (!o.splitRegex().isEmpty()) {
        sb.append("[,").append(o.paramLabel()).append("...]");
      }
    }
    return sb.toString();
  }

  private static String exitCodes(CommandSpec spec) {
    int width = spec.usageMessage().width();
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : EXIT_CODES.entrySet()) {
      String head = "  " + e.getKey() + "  ";
      List<String> text = wrap(e.getValue(), width - head.length());
      sb.append(head).append(text.isEmpty() ? "" : text.remove(0)).append(System.lineSeparator());
      for (String t : text) {
        sb.append(" ".repeat(head.length())).append(t).append(System.lineSeparator());
      }
    }
    return sb.toString();
  }

  /**
   * {@code text} in lines of at most {@code width} characters, broken at spaces only; a word
   * longer than a line (a long path or URL) gets a line of its own, whole.
   */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    if (text.isBlank()) {
      lines.add("");
      return lines;
    }
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
