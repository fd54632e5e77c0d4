package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What an experiment has paid for, kept on disk so that a budget counts every run of it and a
 * rerun can say what it repeated: {@value #FILE_NAME}, one JSON line per paid call (run, method,
 * stage, model, input and output tokens, US dollars at list prices, the SHA-256 of the request,
 * whether an identical request had been paid before). Cached answers cost nothing and are not
 * recorded. Each line is appended before the call's answer is used, so a run killed at any point
 * leaves every finished call counted; a torn last line is ignored. Several processes may append
 * to the same ledger. No key, prompt or answer is written.
 */
final class SpendLedger {

  /** The ledger's file name, in the folder it belongs to. */
  static final String FILE_NAME = "spend-ledger.jsonl";
  /** The version of each line. */
  static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String run;
  private final Totals earlier;
  private final Set<String> paidRequests;
  private final int skippedLines;
  private Tally session = new Tally();
  private @Nullable FileChannel channel;

  private SpendLedger(Path file, String run, Totals earlier, Set<String> paidRequests, int skippedLines) {
    this.file = file;
    this.run = run;
    this.earlier = earlier;
    this.paidRequests = paidRequests;
    this.skippedLines = skippedLines;
  }

  /**
   * The ledger in {@code dir}, read now (the file is created with the first paid call).
   *
   * @param run this run's id, written on every line
   * @throws UncheckedIOException if the file exists but cannot be read
   */
  static SpendLedger open(Path dir, String run) {
    Path file = dir.resolve(FILE_NAME);
    Tally tally = new Tally();
    Set<String> paid = new HashSet<>();
    int skipped = 0;
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lines = List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spend ledger " + file + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      Charge c = parse(line);
      if (c == null) {
        skipped++;
        continue;
      }
      tally.add(c);
      paid.add(c.request());
    }
    return new SpendLedger(file, requireNonNull(run, "run"), tally.totals(), paid, skipped);
  }

  /** A new run id: the start time and the process id. */
  static String newRunId() {
    return Instant.now() + "#" + ProcessHandle.current().pid();
  }

  /** The ledger file. */
  Path file() {
    return file;
  }

  /** Lines that could not be read (a torn last line after a kill, or foreign lines). */
  int skippedLines() {
    return skippedLines;
  }

  /** What earlier runs paid, as the file held it when this run started. */
  Totals earlier() {
    return earlier;
  }

  /** What this run paid. */
  synchronized Totals session() {
    return session.totals();
  }

  /** Earlier runs and this one. */
  synchronized Totals total() {
    Tally all = new Tally();
    all.add(earlier);
    all.add(session.totals());
    return all.totals();
  }

  /**
   * Records one paid call, appending it to the file.
   *
   * @return the charge as recorded: {@linkplain Charge#repeated() repeated} when an identical
   *     request had been paid before, by this run or an earlier one
   * @throws UncheckedIOException if the line cannot be written (the budget could no longer be
   *     kept across runs, so the run stops)
   */
  synchronized Charge record(Charge charge) {
    Charge c = charge.withRepeated(!paidRequests.add(charge.request()));
    c = c.withRun(run);
    try {
      if (channel == null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      ByteBuffer bytes = ByteBuffer.wrap((line(c) + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the spend ledger " + file + ": " + e.getMessage(), e);
    }
    session.add(c);
    return c;
  }

  /** Closes the file (records after this reopen it). */
  synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the spend ledger " + file + ": " + e.getMessage(), e);
      } finally {
        channel = null;
      }
    }
  }

  private static String line(Charge c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ledger", VERSION);
    n.put("run", c.run());
    n.put("at", Instant.now().toString());
    n.put("method", c.method());
    n.put("stage", c.stage());
    n.put("model", c.model());
    n.put("input", c.inputTokens());
    n.put("output", c.outputTokens());
    n.put("usd", c.usd().stripTrailingZeros().toPlainString());
    n.put("estimated", c.estimated());
    n.put("request", c.request());
    n.put("repeated", c.repeated());
    return n.toString();
  }

  private static @Nullable Charge parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || n.path("ledger").asInt() != VERSION || !n.hasNonNull("request")) {
        return null;
      }
      return new Charge(n.path("run").asText(""), n.path("method").asText(""), n.path("stage").asText(""),
          n.path("model").asText(""), n.path("input").asLong(), n.path("output").asLong(),
          new BigDecimal(n.path("usd").asText("0")), n.path("estimated").asBoolean(), n.path("request").asText(),
          n.path("repeated").asBoolean());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * One paid call.
   *
   * @param run the run that paid it
   * @param method the experiment method that made it ("" outside one)
   * @param stage the pipeline stage
   * @param model the model charged for
   * @param inputTokens input tokens charged
   * @param outputTokens output tokens charged
   * @param usd US dollars at list prices (0 for a model without one)
   * @param estimated whether the backend reported no usage and the tokens are an estimate
   * @param request the SHA-256 of the canonical request
   * @param repeated whether an identical request had been paid before
   */
  record Charge(String run, String method, String stage, String model, long inputTokens, long outputTokens,
      BigDecimal usd, boolean estimated, String request, boolean repeated) {

    Charge {
      requireNonNull(run, "run");
      requireNonNull(method, "method");
      requireNonNull(stage, "stage");
      requireNonNull(model, "model");
      requireNonNull(usd, "usd");
      requireNonNull(request, "request");
      if (inputTokens < 0 || outputTokens < 0) {
        throw new IllegalArgumentException("tokens must be >= 0");
      }
    }

    Charge withRepeated(boolean r) {
      return new Charge(run, method, stage, model, inputTokens, outputTokens, usd, estimated, request, r);
    }

    Charge withRun(String r) {
      return new Charge(r, method, stage, model, inputTokens, outputTokens, usd, estimated, request, repeated);
    }

    long tokens() {
      return inputTokens + outputTokens;
    }
  }

  /**
   * Paid calls summed.
   *
   * @param calls paid calls
   * @param inputTokens input tokens
   * @param outputTokens output tokens
   * @param usd US dollars at list prices
   * @param repeated paid calls whose identical request had been paid before
   * @param estimated paid calls whose tokens are estimates
   */
  record Sum(long calls, long inputTokens, long outputTokens, BigDecimal usd, long repeated, long estimated) {
    static final Sum ZERO = new Sum(0, 0, 0, BigDecimal.ZERO, 0, 0);

    Sum plus(Sum o) {
      return new Sum(calls + o.calls, inputTokens + o.inputTokens, outputTokens + o.outputTokens, usd.add(o.usd),
          repeated + o.repeated, estimated + o.estimated);
    }

    static Sum of(Charge c) {
      return new Sum(1, c.inputTokens(), c.outputTokens(), c.usd(), c.repeated() ? 1 : 0, c.estimated() ? 1 : 0);
    }

    long tokens() {
      return inputTokens + outputTokens;
    }
  }

  /**
   * A ledger's sums.
   *
   * @param runs the runs that paid something, in the order they first appear
   * @param all every paid call
   * @param byMethod per experiment method (sorted by name)
   * @param byModel per model (sorted by name)
   */
  record Totals(Set<String> runs, Sum all, Map<String, Sum> byMethod, Map<String, Sum> byModel) {
    Totals {
      runs = Collections.unmodifiableSet(new LinkedHashSet<>(runs));
      byMethod = Collections.unmodifiableMap(new TreeMap<>(byMethod));
      byModel = Collections.unmodifiableMap(new TreeMap<>(byModel));
    }

    static final Totals NONE = new Totals(Set.of(), Sum.ZERO, Map.of(), Map.of());

    /** The sum of one method, {@link Sum#ZERO} when it paid nothing. */
    Sum method(String name) {
      return byMethod.getOrDefault(name, Sum.ZERO);
    }
  }

  /** Adds charges up. */
  private static final class Tally {
    private final Set<String> runs = new LinkedHashSet<>();
    private Sum all = Sum.ZERO;
    private final Map<String, Sum> byMethod = new TreeMap<>();
    private final Map<String, Sum> byModel = new TreeMap<>();

    void add(Charge c) {
      runs.add(c.run());
      Sum s = Sum.of(c);
      all = all.plus(s);
      byMethod.merge(c.method(), s, Sum::plus);
      byModel.merge(c.model(), s, Sum::plus);
    }

    void add(Totals t) {
      runs.addAll(t.runs());
      all = all.plus(t.all());
      t.byMethod().forEach((k, v) -> byMethod.merge(k, v, Sum::plus));
      t.byModel().forEach((k, v) -> byModel.merge(k, v, Sum::plus));
    }

    Totals totals() {
      return new Totals(runs, all, byMethod, byModel);
    }
  }
}
