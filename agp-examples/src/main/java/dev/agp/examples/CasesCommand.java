package dev.agp.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.eval.CandidateSets;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code agp cases}: writes the protocol's users as a cases file, for {@code agp fit --cases} and {@code agp rerank}. */
@Command(name = "cases", sortOptions = false, mixinStandardHelpOptions = true, abbreviateSynopsis = true,
    description = {
        "Writes users' cases (history, base candidates, held-out item) as JSON lines, no LLM involved.",
        "",
        "The same steps as `agp run` (load -> leave-one-out -> base model -> candidates); --users says which of the "
            + "protocol's sets go out. The file is what `agp fit --cases` trains on and `agp rerank --input` reranks.",
        ""})
final class CasesCommand implements Callable<Integer> {

  @ParentCommand AgpCli cli;
  @Spec CommandSpec spec;
  @Mixin Options.Data data = new Options.Data();
  @Mixin Options.Protocol protocol = new Options.Protocol();

  @Option(names = "--users", paramLabel = "SETS", split = ",",
      description = "Which users: train, validation, test (comma-separated). Default: test.")
  List<String> users = List.of("test");

  @Option(names = "--output", paramLabel = "FILE", required = true, description = "The cases file to write.")
  Path output;

  @Override
  public Integer call() {
    for (String s : users) {
      if (!List.of("train", "validation", "test").contains(s.strip().toLowerCase(Locale.ROOT))) {
        throw new UsageException("--users: unknown set '" + s + "' (train, validation, test)");
      }
    }
    Pipeline.checkData(data, Options.given(spec));
    Pipeline.Prepared prepared = Pipeline.prepare(data, protocol, cli.progress(), cli.out());
    CandidateSets sets = prepared.sets();
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (String s : users) {
        List<UserCase> list = switch (s.strip().toLowerCase(Locale.ROOT)) {
          case "train" -> sets.train();
          case "validation" -> sets.validation();
          default -> sets.test();
        };
        for (UserCase u : list) {
          w.write(json(u));
          w.write('\n');
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    }
    cli.out().printf(Locale.ROOT, "Wrote %,d cases to %s%n", n, output.toAbsolutePath().normalize());
    return 0;
  }

  /** One case as a JSON line of the cases format. */
  static String json(UserCase u) {
    ObjectNode n = CaseFiles.JSON.createObjectNode();
    n.put("user", u.userId());
    items(n.putArray("history"), u.history());
    items(n.putArray("candidates"), u.candidates());
    ArrayNode rel = n.putArray("relevant");
    u.relevantItemIds().forEach(rel::add);
    return n.toString();
  }

  private static void items(ArrayNode out, List<Item> items) {
    for (Item i : items) {
      ObjectNode o = out.addObject().put("id", i.id()).put("title", i.title());
      if (!i.attributes().isEmpty()) {
        ObjectNode a = o.putObject("attributes");
        i.attributes().forEach(a::put);
      }
    }
  }
}
