package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.llm.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agp run} as users live it (issue 12): failures that show, budgets that add up over
 * reruns, resumes that say so, defaults that work on the bundled data, messages in flags, options
 * checked before any work, loading strictness, and what the terminal shows. The LLM is the
 * simulated one behind a real OpenAI-compatible endpoint on loopback ({@link SimulatedServer}),
 * reached through the real LangChain4j client; the kill -9 test runs the command line in a child
 * JVM.
 */
class AgpRunTest {

  private static final int SUCCESS = 0;
  private static final int FAILURE = 1;
  private static final int USAGE = 2;
  private static final int BUDGET_STOPPED = 3;
  /** The spend ledger's file name (a literal, so that this test also compiles against code without the ledger). */
  private static final String LEDGER = "spend-ledger.jsonl";

  /** Java names that must never reach a command-line user: builder calls, enum constants, option records. */
  private static final Pattern JAVA_NAMES =
      Pattern.compile("maxFailureRate|maxFallbackRate|maxMalformedRate|LoadOptions|checkpoint\\(|allowFewerTestUsers"
          + "|CandidateMode|BASE_TOP_K|INSERT_HELD_OUT");

  /** Small and fast: popularity base (no LightGCN), 20 + 5 users to train on, 40 test users. */
  private static final List<String> SMALL = small(40);

  static List<String> small(int testUsers) {
    return List.of("--base", "popularity", "--train-users", "20", "--validation-users", "5", "--test-users",
        String.valueOf(testUsers));
  }

  static SimulatedServer server;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws IOException {
    server = SimulatedServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  record Outcome(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Outcome agp(boolean console, List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AgpCli.execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), console);
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Outcome agp(List<String> args) {
    return agp(false, args);
  }

  static List<String> list(Object... parts) {
    List<String> out = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof List<?> l) {
        l.forEach(x -> out.add(String.valueOf(x)));
      } else {
        out.add(String.valueOf(p));
      }
    }
    return out;
  }

  /** {@code agp run} against {@code s}, with a model that has a list price. */
  static List<String> compatible(SimulatedServer s, Object... more) {
    return list("run", "--backend", "compatible", "--base-url", s.baseUrl(), "--model", "gpt-4o-mini", SMALL, list(more));
  }

  // ---------------------------------------------------------------- 1. failures that show

  @Test
  void run_deadServer_failsNamingTheMethodAndTheFirstCause() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path output = dir.resolve("dead");

    Outcome o = agp(list("run", "--backend", "compatible", "--base-url", "http://127.0.0.1:" + port + "/v1", "--model", "m",
        "--methods", "llm-dir", small(8), "--output", output));

    assertThat(o.code()).as(o.all()).isEqualTo(FAILURE);
    assertThat(o.err()).contains("agp: LLM-Dir failed", "cannot connect to the LLM server", "--max-failure-rate");
    assertThat(o.out()).doesNotContainPattern("(?m)^LLM-Dir +0\\.");
    assertThat(output.resolve("results.md")).content().contains("Partial results");
  }

  @Test
  void run_someCallsFail_fallbacksShowInTheTableWithTheirCause() throws IOException {
    try (SimulatedServer flaky = SimulatedServer.start()) {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      flaky.refuse(r -> r.stage() == Stage.DIRECT_RERANK && n.incrementAndGet() % 10 == 0);

      Outcome o = agp(compatible(flaky, "--methods", "llm-dir", "--max-failure-rate", "0.5", "--output", dir.resolve("f")));

      assertThat(o.code()).as(o.all()).isEqualTo(SUCCESS);
      assertThat(o.out()).containsPattern("(?m)^Method .* Fallbacks")
          .containsPattern("(?m)^LLM-Dir .* 4 of 40")
          .contains("LLM-Dir: 4 of 40 test users scored with the base order because their calls failed; first cause:")
          .contains("refused by the test server");
    }
  }

  // ---------------------------------------------------------------- 2. and 3. budgets over reruns, partial results

  @Test
  void run_budgetStopThenRerun_countsWhatEarlierRunsSpent() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    List<String> command = compatible(server, "--methods", "llm-dir,agp", "--epochs", "2", "--checkpoint", ckpt,
        "--budget-tokens", "30000", "--output", dir.resolve("out"));

    Outcome first = agp(command);
    Outcome second = agp(command);

    assertThat(first.code()).as(first.all()).isEqualTo(BUDGET_STOPPED);
    assertThat(second.code()).as(second.all()).isEqualTo(BUDGET_STOPPED);
    long firstSpent = spent(first.out());
    long bothSpent = spent(second.out());
    assertThat(firstSpent).isBetween(1L, 30_000L);
    assertThat(bothSpent).as("the second run counts the first run's spending").isBetween(firstSpent, 30_000L);
    assertThat(second.out()).contains("1 earlier run paid for", "Budget: " + String.format(java.util.Locale.ROOT, "%,d", firstSpent)
        + " of --budget-tokens 30,000 spent");
    assertThat(ledgerTokens(ckpt.resolve(LEDGER))).isEqualTo(bothSpent).isLessThanOrEqualTo(30_000);

    List<String> estimate = new ArrayList<>(command);
    estimate.set(0, "estimate");
    estimate.subList(estimate.indexOf("--output"), estimate.indexOf("--output") + 2).clear();
    Outcome plan = agp(estimate);
    assertThat(plan.code()).as(plan.all()).isEqualTo(SUCCESS);
    assertThat(plan.out()).containsPattern("Budget: " + String.format(java.util.Locale.ROOT, "%,d", bothSpent)
        + " of --budget-tokens 30,000 already spent \\(spend ledger \\S+\\); the plan needs at most [0-9,]+, which exceeds");
  }

  @Test
  void run_budgetStop_writesFinishedMethodsMarkedPartialAndExits3() throws IOException {
    Path output = dir.resolve("partial");

    Outcome o = agp(compatible(server, "--methods", "llm-dir,agp", "--epochs", "2", "--budget-tokens", "25000",
        "--output", output));

    assertThat(o.code()).as(o.all()).isEqualTo(BUDGET_STOPPED);
    assertThat(o.err()).contains("agp: stopped by the budget: AGP's next call could exceed it")
        .doesNotContain("Exception", "--verbose");
    assertThat(o.out()).contains("Partial results: the run stopped at AGP").containsPattern("(?m)^LLM-Dir +0\\.");
    assertThat(output.resolve("results.md")).content().contains("Partial results", "| LLM-Dir |").doesNotContain("| AGP |");
    assertThat(output.resolve("results.json")).content().contains("\"complete\" : false");
  }

  @Test
  void run_rerunServedByTheCache_paysNothingAgain() {
    List<String> command = compatible(server, "--methods", "llm-dir", "--cache", dir.resolve("cache"),
        "--budget-usd", "1", "--output", dir.resolve("c"));
    Outcome first = agp(command);
    int requests = server.requests();

    Outcome second = agp(command);

    assertThat(first.code()).as(first.all()).isEqualTo(SUCCESS);
    assertThat(second.code()).as(second.all()).isEqualTo(SUCCESS);
    assertThat(server.requests()).isEqualTo(requests);
    assertThat(second.out()).contains("This run: 0 paid calls (0 tokens), 40 answered from the cache")
        .containsPattern("(?m)^Method .* Cached")
        .contains("All 1 run in the spend ledger");
  }

  private static long spent(String out) {
    Matcher m = Pattern.compile("Budget: ([0-9,]+) of --budget-tokens [0-9,]+ spent, [0-9,]+ left\\.$", Pattern.MULTILINE)
        .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  private static long ledgerTokens(Path ledger) throws IOException {
    long sum = 0;
    for (String line : Files.readAllLines(ledger)) {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      sum += n.get("input").asLong() + n.get("output").asLong();
    }
    return sum;
  }

  // ---------------------------------------------------------------- 4. kill -9 and rerun

  @Test
  void run_killedAndRerun_saysWhatWasResumedAndReportsTotals() throws Exception {
    try (SimulatedServer slow = SimulatedServer.start()) {
      List<String> uninterrupted = compatible(slow, "--methods", "llm-dir,agp", "--epochs", "2",
          "--checkpoint", dir.resolve("u-ckpt"), "--cache", dir.resolve("u-cache"), "--output", dir.resolve("u-out"));
      Outcome reference = agp(uninterrupted);
      assertThat(reference.code()).as(reference.all()).isEqualTo(SUCCESS);
      long referencePaid = paidCalls(dir.resolve("u-ckpt").resolve(LEDGER));

      slow.delay(150);
      Path ckpt = dir.resolve("ckpt");
      List<String> command = compatible(slow, "--methods", "llm-dir,agp", "--epochs", "2", "--checkpoint", ckpt,
          "--cache", dir.resolve("cache"), "--output", dir.resolve("out"));
      Process child = childAgp(command, dir.resolve("child.out"), dir.resolve("child.err"));
      Path ledger = ckpt.resolve(LEDGER);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!(Files.exists(ckpt.resolve("agp.json")) && lines(ledger) >= 40 + 25) && child.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(child.isAlive()).as("the child is still training: %s", Files.readString(dir.resolve("child.err"))).isTrue();
      child.destroyForcibly();
      child.waitFor();
      long paidBeforeKill = lines(ledger);
      slow.delay(0);

      Outcome rerun = agp(command);

      assertThat(rerun.code()).as(rerun.all()).isEqualTo(SUCCESS);
      assertThat(rerun.out())
          .contains("1 earlier run paid for " + paidBeforeKill + " calls")
          .containsPattern("Cache \\S+: [0-9,]+ answers on disk")
          .contains("Checkpoint " + ckpt + ": agp.json found")
          .containsPattern("AGP: resumed from the checkpoint \\S+agp.json at (epoch \\d+, batch \\d+|the validation of epoch \\d+)")
          .containsPattern("(?m)^LLM-Dir .* 40 .* 0 ")
          .contains("All 2 runs in the spend ledger");
      Matcher m = Pattern.compile("This run: ([0-9,]+) paid calls \\(.*?\\), ([0-9,]+) answered from the cache, \\d+ failed; "
          + "([0-9,]+) paid calls repeated").matcher(rerun.out());
      assertThat(m.find()).as(rerun.out()).isTrue();
      assertThat(Long.parseLong(m.group(2).replace(",", ""))).as("LLM-Dir's 40 answers at least").isGreaterThanOrEqualTo(40);
      long repeated = Files.readAllLines(ledger).stream().filter(l -> l.contains("\"repeated\":true")).count();
      assertThat(Long.parseLong(m.group(3).replace(",", ""))).as("paid twice: answers paid for but not yet cached at the kill")
          .isEqualTo(repeated).isLessThanOrEqualTo(8);
      assertThat(paidCalls(ledger)).as("the experiment's paid calls over both runs: as without the kill, plus those paid twice")
          .isEqualTo(referencePaid + repeated);
      assertThat(dir.resolve("out").resolve("results.md")).content().contains("## Spending", "All 2 runs in the spend ledger");
      assertThat(resultRows(dir.resolve("out"))).isEqualTo(resultRows(dir.resolve("u-out")));
    }
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    return Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).count();
  }

  private static long paidCalls(Path ledger) throws IOException {
    return lines(ledger);
  }

  /** Each method's NDCG in results.csv, which must not depend on a kill. */
  private static List<String> resultRows(Path output) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(output.resolve("results.csv"))) {
      String[] f = line.split(",");
      rows.add(f[0] + "," + f[1]);
    }
    return rows;
  }

  private static Process childAgp(List<String> args, Path out, Path err) throws IOException {
    // with the Vector API module, as agp.jar's relaunch gives it: the process killed is the one that works
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), AgpCli.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  // ---------------------------------------------------------------- 5. defaults that work

  @Test
  void estimate_defaultsOnTheBundledSample_work() {
    Outcome o = agp(list("estimate", "--base-epochs", "2", "--methods", "llm-dir"));

    assertThat(o.code()).as(o.all()).isEqualTo(SUCCESS);
    assertThat(o.out()).contains("mode window", "100 training, 20 validation, 300 test users")
        .containsPattern("(?m)^LLM-Dir +300 ");
  }

  @Test
  void run_moreUsersThanTheDataHas_refusedBeforeTheBaseModelTrains() {
    Outcome o = agp(list("run", "--backend", "simulated", "--test-users", "1000", "--output", dir.resolve("x")));

    assertThat(o.code()).as(o.all()).isEqualTo(USAGE);
    assertThat(o.err()).contains("610 users have a held-out item", "--test-users 1000")
        .doesNotContain("LightGCN");
    assertThat(o.out()).doesNotContain("Candidates:");
  }

  // ---------------------------------------------------------------- 6. messages in flags

  @Test
  void run_tooFewEligible_suggestsOnlyFlagsNotAlreadySet() throws IOException {
    Path data = movieLens(dir.resolve("ml"), 6, 4, List.of());

    Outcome o = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data, "--base", "popularity",
        "--candidate-mode", "window", "--allow-fewer-test-users", "--train-users", "5", "--validation-users", "2",
        "--test-users", "3", "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(USAGE);
    assertThat(o.err()).contains("6 of 6 users with a held-out item are eligible",
            "--allow-fewer-test-users still needs the training and validation users and one test user")
        .doesNotContain("--candidate-mode window (", "Use --allow-fewer-test-users", "or --allow-fewer-test-users")
        .doesNotContainPattern(JAVA_NAMES);
  }

  @Test
  void run_tinyData_saysWhyNoUserIsEligible() throws IOException {
    Path data = movieLens(dir.resolve("tiny"), 4, 2, List.of());

    Outcome o = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data, "--base", "popularity",
        "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(USAGE);
    assertThat(o.err()).contains("no user has the 3 interactions leave-one-out needs").doesNotContain("0 of 0");
  }

  @Test
  void run_failedTraining_speaksInFlagsNotJava() throws IOException {
    try (SimulatedServer broken = SimulatedServer.start()) {
      broken.refuse(r -> r.stage() == Stage.PROFILE);

      Outcome o = agp(compatible(broken, "--methods", "agp", "--output", dir.resolve("t")));

      assertThat(o.code()).as(o.all()).isEqualTo(FAILURE);
      assertThat(o.err()).contains("agp: AGP failed: AGP's training stopped at the scoring of the initial prompt",
              "--max-failure-rate", "refused by the test server", "--checkpoint DIR")
          .doesNotContainPattern(JAVA_NAMES);
    }
  }

  // ---------------------------------------------------------------- 7. options checked first, none ignored

  @Test
  void run_badBaseUrl_refusedBeforeAnyWork() {
    Outcome o = agp(list("run", "--backend", "compatible", "--base-url", "notaurl", "--model", "m",
        "--output", dir.resolve("o")));

    assertThat(o.code()).isEqualTo(USAGE);
    assertThat(o.err().strip()).startsWith("agp: --base-url: notaurl is not an http or https URL");
    assertThat(o.out()).isEmpty();
  }

  @Test
  void run_optionsWithoutEffect_refused() throws IOException {
    Path data = movieLens(dir.resolve("ml"), 6, 4, List.of());
    Path items = Files.writeString(dir.resolve("items.json"), "{}\n");

    Outcome items1 = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data, "--items", items));
    Outcome url = agp(list("run", "--backend", "simulated", "--base-url", "http://localhost:1/v1"));
    Outcome epochs = agp(list("run", "--backend", "simulated", "--methods", "llm-dir", "--epochs", "3"));
    Outcome baseEpochs = agp(list("run", "--backend", "simulated", "--base", "popularity", "--base-epochs", "3"));
    Outcome sampleData = agp(list("run", "--backend", "simulated", "--data", data));

    assertThat(items1.code()).isEqualTo(USAGE);
    assertThat(items1.err()).contains("--items has no effect with --dataset movielens");
    assertThat(url.code()).isEqualTo(USAGE);
    assertThat(url.err()).contains("--base-url has no effect with --backend simulated");
    assertThat(epochs.code()).isEqualTo(USAGE);
    assertThat(epochs.err()).contains("--epochs applies to AGP");
    assertThat(baseEpochs.code()).isEqualTo(USAGE);
    assertThat(baseEpochs.err()).contains("--base-epochs applies to --base lightgcn only");
    assertThat(sampleData.code()).isEqualTo(USAGE);
    assertThat(sampleData.err()).contains("--data has no effect with --dataset sample");
    for (Outcome o : List.of(items1, url, epochs, baseEpochs, sampleData)) {
      assertThat(o.out()).isEmpty();
    }
  }

  // ---------------------------------------------------------------- 8. loading strictness

  @Test
  void run_malformedLines_toleranceSetByFlag() throws IOException {
    Path data = movieLens(dir.resolve("ml"), 6, 4, List.of("7,not-a-movie"));

    Outcome strict = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data,
        "--base", "popularity", "--output", dir.resolve("o")));
    Outcome lenient = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data,
        "--base", "popularity", "--max-malformed-rate", "0.1", "--output", dir.resolve("o")));

    assertThat(strict.code()).as(strict.all()).isEqualTo(FAILURE);
    assertThat(strict.err()).contains("ratings.csv", "1 of 25 records are malformed", "--max-malformed-rate", "line 26")
        .doesNotContainPattern(JAVA_NAMES);
    assertThat(lenient.out()).contains("ratings.csv: 25 records, 1 malformed");
    assertThat(lenient.err()).doesNotContain("malformed");
  }

  @Test
  void run_emptyOrHeaderOnlyRatings_namesTheFile() throws IOException {
    Path empty = movieLens(dir.resolve("empty"), 0, 0, List.of());
    Files.writeString(empty.resolve("ratings.csv"), "");
    Path header = movieLens(dir.resolve("header"), 0, 0, List.of());

    for (Path data : List.of(empty, header)) {
      Outcome o = agp(list("run", "--backend", "simulated", "--dataset", "movielens", "--data", data,
          "--base", "popularity", "--output", dir.resolve("o")));

      assertThat(o.code()).as(o.all()).isEqualTo(FAILURE);
      assertThat(o.err()).contains(data.resolve("ratings.csv") + " has no interactions: the file is empty or holds only a header");
    }
  }

  @Test
  void run_truncatedGzip_saysTruncatedOrCorrupt() throws IOException {
    Path reviews = dir.resolve("goodreads_interactions.json.gz");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append("{\"user_id\": \"u").append(i % 50).append("\", \"book_id\": \"b").append(i % 300)
          .append("\", \"rating\": 4, \"date_added\": \"Mon Aug 28 13:55:52 -0700 2017\"}\n");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = bytes.toByteArray();
    Files.write(reviews, Arrays.copyOf(whole, whole.length / 2));
    Path books = Files.writeString(dir.resolve("books.json"), "{\"book_id\": \"b1\", \"title\": \"B\"}\n");

    Outcome o = agp(list("run", "--backend", "simulated", "--dataset", "goodreads", "--data", reviews, "--items", books,
        "--base", "popularity", "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(FAILURE);
    assertThat(o.err()).contains(reviews + " is truncated or corrupt");
  }

  @Test
  void run_outputIsAFile_saysSo() throws IOException {
    Path file = Files.writeString(dir.resolve("results.txt"), "x");

    Outcome o = agp(list("run", "--backend", "simulated", "--output", file));

    assertThat(o.code()).isEqualTo(USAGE);
    assertThat(o.err().strip()).isEqualTo("agp: --output: " + file + " is a file, not a folder");
  }

  @Test
  void run_candidatesWithCommas_saysWhichSeparatorsWork() throws IOException {
    Path candidates = Files.writeString(dir.resolve("lists.csv"), "1,10,11,12\n2,20,21,22\n");

    Outcome o = agp(list("run", "--backend", "simulated", "--candidates", candidates, "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(FAILURE);
    assertThat(o.err()).contains("lists.csv", "user<TAB>item<TAB>item... or user<TAB>item,item,...");
  }

  // ---------------------------------------------------------------- 9. what the terminal and the folder show

  @Test
  void run_noTerminal_printsPhaseLinesWithDurations() {
    Outcome o = agp(list("run", "--backend", "simulated", "--base-epochs", "2", "--methods", "llm-dir",
        "--train-users", "10", "--validation-users", "2", "--test-users", "10", "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(SUCCESS);
    assertThat(o.err()).containsPattern("(?m)^\\[agp \\d\\d:\\d\\d] LightGCN \\(at most 2 epochs\\)$")
        .containsPattern("(?m)^\\[agp \\d\\d:\\d\\d] LightGCN: done in \\d+\\.\\d s, 2 epochs$")
        .containsPattern("(?m)^\\[agp \\d\\d:\\d\\d] Testing LLM-Dir: done in \\d+\\.\\d s, 10 users$");
  }

  @Test
  void run_onATerminal_barsEndAt100PercentEvenWhenTrainingStopsEarly() {
    Outcome o = agp(true, list("run", "--backend", "simulated", "--methods", "agp", "--epochs", "3", SMALL,
        "--output", dir.resolve("o")));

    assertThat(o.code()).as(o.all()).isEqualTo(SUCCESS);
    String training = lastRendering(o.err(), "Training AGP");
    assertThat(training).as(o.err()).contains("100%");
    assertThat(lastRendering(o.err(), "Testing AGP")).contains("100%");
  }

  private static String lastRendering(String err, String task) {
    String[] frames = err.split("[\r\n]");
    String last = "";
    for (String f : frames) {
      if (f.startsWith(task)) {
        last = f;
      }
    }
    return last;
  }

  @Test
  void gitignore_defaultOutputFolders_ignored() throws IOException {
    List<String> ignored = Files.readAllLines(Path.of("..").toAbsolutePath().normalize().resolve(".gitignore"));

    assertThat(ignored).contains("agp-demo/", "agp-results/");
  }

  @Test
  void run_reportFiles_followTheUmaskLikeTheCharts() throws IOException {
    Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Path output = dir.resolve("perm");

    Outcome o = agp(list("run", "--backend", "simulated", "--methods", "llm-dir", SMALL, "--output", output));

    assertThat(o.code()).as(o.all()).isEqualTo(SUCCESS);
    var chart = Files.getPosixFilePermissions(output.resolve("methods.png"));
    for (String f : List.of("results.md", "results.json", "results.csv", "users.csv")) {
      assertThat(Files.getPosixFilePermissions(output.resolve(f))).as(f).isEqualTo(chart);
    }
  }

  @Test
  void help_wrapsAtSpacesOnlyAndListsTheExitCodes() {
    for (String command : List.of("run", "estimate", "demo")) {
      Outcome o = agp(list(command, "--help"));

      assertThat(o.code()).isEqualTo(SUCCESS);
      assertThat(o.out()).as(command).doesNotContainPattern("(?m)(movies\\.|ratings\\.|llama\\.|http:)$")
          .contains("Exit codes:")
          .containsPattern("(?m)^  0  success")
          .containsPattern("(?m)^  1  failure")
          .containsPattern("(?m)^  2  usage")
          .containsPattern("(?m)^  3  stopped by --budget-tokens or --budget-usd");
    }
    assertThat(agp(list("run", "--help")).out()).contains("http://localhost:11434/v1", "ratings.csv and movies.csv");
  }

  // ---------------------------------------------------------------- data

  /**
   * A MovieLens folder: {@code users} users with {@code each} ratings (one a day), 40 movies, and
   * {@code bad} lines appended to ratings.csv.
   */
  static Path movieLens(Path folder, int users, int each, List<String> bad) throws IOException {
    Files.createDirectories(folder);
    StringBuilder movies = new StringBuilder("movieId,title,genres\n");
    for (int m = 1; m <= 40; m++) {
      movies.append(m).append(",Movie ").append(m).append(" (19").append(60 + m).append("),")
          .append(m % 2 == 0 ? "Drama" : "Comedy|Romance").append('\n');
    }
    Files.writeString(folder.resolve("movies.csv"), movies);
    StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
    for (int u = 1; u <= users; u++) {
      for (int i = 0; i < each; i++) {
        ratings.append(u).append(',').append(1 + (u * 7 + i * 3) % 40).append(",4.0,").append(1_000_000 + u * 1000 + i * 86_400)
            .append('\n');
      }
    }
    bad.forEach(b -> ratings.append(b).append('\n'));
    Files.writeString(folder.resolve("ratings.csv"), ratings);
    return folder;
  }
}
