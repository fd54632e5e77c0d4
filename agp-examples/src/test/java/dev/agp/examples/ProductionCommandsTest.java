package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.testing.FakeKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.agp.langchain4j.FakeBatchServer;
import dev.agp.langchain4j.KeyForms;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agp cases}, {@code agp fit} and {@code agp rerank} in this JVM, on the bundled sample. */
class ProductionCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = FakeKeys.of("batch-test");

  @TempDir static Path shared;
  @TempDir Path dir;

  static Path cases;
  static Path model;
  static Path reference;

  private static AgpCliTest.Outcome agp(String... args) {
    return AgpCliTest.agp(args);
  }

  @BeforeAll
  static void casesAndModel() {
    cases = shared.resolve("cases.jsonl");
    AgpCliTest.Outcome c = agp("cases", "--base", "popularity", "--candidate-mode", "window", "--train-users", "20",
        "--validation-users", "10", "--test-users", "40", "--users", "train,validation,test", "--output", cases.toString());
    assertThat(c.code()).as(c.err()).isZero();
    model = shared.resolve("agp-model.json");
    AgpCliTest.Outcome f = agp("fit", "--backend", "simulated", "--base", "popularity", "--candidate-mode", "window",
        "--train-users", "20", "--validation-users", "10", "--epochs", "1", "--output", model.toString());
    assertThat(f.code()).as(f.err()).isZero();
    reference = shared.resolve("reference.jsonl");
    AgpCliTest.Outcome r = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        cases.toString(), "--output", reference.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  private static List<JsonNode> records(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void fit_rawSample_printsThePlanFirstAndWritesModelAndReport() throws IOException {
    assertThat(model).exists();
    JsonNode report = JSON.readTree(shared.resolve("agp-model.report.json").toFile());

    assertThat(report.get("method").asText()).isEqualTo("AGP");
    assertThat(report.at("/curve/points")).hasSize(2); // epoch 0 and epoch 1
    assertThat(report.at("/usage/PROFILE/calls").asLong()).isPositive();
    assertThat(report.get("planned_calls").asLong()).isGreaterThanOrEqualTo(report.at("/usage/PROFILE/calls").asLong());
    assertThat(shared.resolve("agp-model.report.md")).content().contains("validation NDCG@10 by epoch", "| PROFILE |");
  }

  @Test
  void fit_labelledCasesWithRpp_savesAModelThatRerankLoads() {
    Path rpp = dir.resolve("rpp.json");

    AgpCliTest.Outcome f = agp("fit", "--backend", "simulated", "--cases", cases.toString(), "--method", "rpp",
        "--train-users", "20", "--validation-users", "10", "--rpp-iterations", "1", "--output", rpp.toString());
    AgpCliTest.Outcome r = agp("rerank", "--backend", "simulated", "--model-file", rpp.toString(), "--input",
        cases.toString(), "--output", dir.resolve("out.jsonl").toString());

    assertThat(f.code()).as(f.err()).isZero();
    assertThat(f.out()).contains("Planned LLM calls (at most)", "RPP trained", "validation NDCG@10");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("RPP model", "Reranked 70 users");
  }

  @Test
  void fit_stoppedByItsBudget_resumesFromTheCheckpointAndARerunWithTheCachePaysNothing() throws IOException {
    Path out = dir.resolve("m.json");
    String[] base = {"fit", "--backend", "simulated", "--cases", cases.toString(), "--train-users", "20",
        "--validation-users", "10", "--epochs", "1", "--batch-size", "5", "--checkpoint", dir.resolve("ckpt").toString(),
        "--cache", dir.resolve("cache").toString(), "--output", out.toString()};

    AgpCliTest.Outcome stopped = agp(with(base, "--budget-tokens", "15000"));
    AgpCliTest.Outcome resumed = agp(base);
    Files.delete(out);
    String[] fresh = base.clone();
    fresh[java.util.Arrays.asList(base).indexOf("--checkpoint") + 1] = dir.resolve("other-checkpoint").toString();
    AgpCliTest.Outcome cached = agp(fresh); // a fit from scratch: every answer is in the cache

    assertThat(stopped.code()).as(stopped.err()).isEqualTo(AgpCli.BUDGET_STOPPED);
    assertThat(stopped.err()).contains("stopped by the budget", "the same --checkpoint to resume");
    assertThat(out).exists();
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(cached.code()).as(cached.err()).isZero();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9,]+) calls \\(([0-9,]+) from the cache").matcher(cached.out());
    assertThat(m.find()).as(cached.out()).isTrue();
    assertThat(m.group(2)).isEqualTo(m.group(1));
  }

  private static String[] with(String[] base, String... more) {
    List<String> all = new ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void fit_casesWithoutLabels_isRefusedNamingTheLine() throws IOException {
    Path unlabelled = dir.resolve("unlabelled.tsv");
    Files.writeString(unlabelled, "user\thistory\tcandidates\nu1\ta,b\tc,d,e\n");

    AgpCliTest.Outcome f = agp("fit", "--backend", "simulated", "--cases", unlabelled.toString(), "--train-users", "1",
        "--validation-users", "1");

    assertThat(f.code()).isEqualTo(AgpCli.USAGE);
    assertThat(f.err()).contains("line 2", "user u1 has no relevant item");
  }

  @Test
  void rerank_everyInputLine_getsOneRecordInInputOrder() throws IOException {
    List<JsonNode> out = records(reference);
    List<String> in = Files.readAllLines(cases);

    assertThat(out).hasSize(in.size());
    for (int i = 0; i < out.size(); i++) {
      assertThat(out.get(i).get("line").asInt()).isEqualTo(i + 1);
      assertThat(out.get(i).get("user").asText()).isEqualTo(JSON.readTree(in.get(i)).get("user").asText());
      assertThat(out.get(i).get("ranking")).hasSize(JSON.readTree(in.get(i)).get("candidates").size());
      assertThat(out.get(i).get("fallback").asBoolean()).isFalse();
      assertThat(out.get(i).at("/repair/method").asText()).isNotEmpty();
    }
  }

  @Test
  void rerank_rerunAfterACrash_resumesAfterTheLastWholeRecordAndMatchesAFullRun() throws IOException {
    Path out = dir.resolve("out.jsonl");
    List<String> full = Files.readAllLines(reference);
    Files.writeString(out, String.join("\n", full.subList(0, 12)) + "\n" + full.get(12).substring(0, 30));

    AgpCliTest.Outcome r = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        cases.toString(), "--output", out.toString(), "--concurrency", "3");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("resuming after 12 already in", "Reranked 58 users this run (70 records in the output)");
    assertThat(Files.readAllLines(out)).isEqualTo(full);
  }

  @Test
  void rerank_inputChangedSinceTheOutput_isRefusedNamingTheLine() throws IOException {
    Path out = dir.resolve("out.jsonl");
    Files.write(out, Files.readAllLines(reference).subList(0, 8));
    Path changed = dir.resolve("changed.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(cases));
    lines.set(4, lines.get(4).replace("\"user\":\"", "\"user\":\"x"));
    Files.write(changed, lines);

    AgpCliTest.Outcome r = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        changed.toString(), "--output", out.toString());

    assertThat(r.code()).isEqualTo(AgpCli.USAGE);
    assertThat(r.err()).contains("record 5 of", "input line 5", "the input changed");
  }

  @Test
  void rerank_malformedLines_getErrorRecordsAndTheRunGoesOn() throws IOException {
    Path in = dir.resolve("in.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(cases).subList(0, 5));
    lines.add(2, "{\"user\": \"broken\", \"candidates\": 7}");
    lines.add(4, "not json at all");
    Files.write(in, lines);
    Path out = dir.resolve("out.jsonl");

    AgpCliTest.Outcome r = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        in.toString(), "--output", out.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 lines could not be reranked");
    List<JsonNode> recs = records(out);
    assertThat(recs).hasSize(7);
    assertThat(recs.get(2).get("error").asText()).contains("candidates");
    assertThat(recs.get(2).get("user").asText()).isEqualTo("broken");
    assertThat(recs.get(4).get("error").asText()).isNotEmpty();
    assertThat(recs.get(5).get("ranking")).isNotEmpty();
  }

  @Test
  void rerank_llmRefusingEveryCall_failsOverTheMaxFallbackRate() throws IOException {
    HttpServer down = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    down.createContext("/v1/chat/completions", ex -> {
      byte[] b = "{\"error\":{\"message\":\"invalid api key\"}}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(401, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    down.start();
    Path out = dir.resolve("out.jsonl");
    try {
      AgpCliTest.Outcome r = AgpCliTest.agp(Map.of("AGP_API_KEY", "k"), "rerank", "--backend", "compatible", "--base-url",
          "http://127.0.0.1:" + down.getAddress().getPort() + "/v1", "--model", "m", "--model-file", model.toString(),
          "--input", cases.toString(), "--output", out.toString(), "--max-fallback-rate", "0.5", "--fallback-window", "20",
          "--concurrency", "2");

      assertThat(r.code()).isEqualTo(AgpCli.FAILURE);
      assertThat(r.err()).contains("fell back to the base order", "the LLM looks down");
      assertThat(records(out)).hasSizeLessThan(70).allSatisfy(n -> assertThat(n.get("fallback").asBoolean()).isTrue());
    } finally {
      down.stop(0);
    }
  }

  /**
   * A compatible server that records every Authorization header and answers each request with a
   * client error (not retried, so the test is quick) whose body echoes {@code key} in every form.
   */
  private static HttpServer echoingKeys(String key, List<String> authorizations) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int[] statuses = {400, 422, 404, 403, 401};
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    server.createContext("/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      byte[] b = KeyForms.echoingBody(key).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(statuses[n.getAndIncrement() % statuses.length], b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
    return server;
  }

  @Test
  void fitAndRerank_compatibleServerEchoingItsKey_getsOnlyItsOwnKeyAndNoFormOfAnyKeyIsPrintedOrWritten()
      throws IOException {
    String local = "local-gateway-key-5Qm8Zr2Wx7";
    String openAi = FakeKeys.of("proj-cliOpenAi");
    String deepSeek = FakeKeys.of("cliDeepSeek");
    Map<String, String> env = Map.of("AGP_API_KEY", local, "OPENAI_API_KEY", openAi, "DEEPSEEK_API_KEY", deepSeek);
    List<String> authorizations = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpServer server = echoingKeys(local, authorizations);
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    List<AgpCliTest.Outcome> runs = new ArrayList<>();
    try {
      runs.add(AgpCliTest.agp(env, "fit", "--backend", "compatible", "--base-url", url, "--model", "gpt-4o-mini",
          "--base", "popularity", "--candidate-mode", "window", "--train-users", "20", "--validation-users", "10",
          "--epochs", "1", "--cache", dir.resolve("cache").toString(), "--checkpoint", dir.resolve("ckpt").toString(),
          "--output", dir.resolve("fit.json").toString(), "--verbose"));
      runs.add(AgpCliTest.agp(env, "rerank", "--backend", "compatible", "--base-url", url, "--model", "gpt-4o-mini",
          "--model-file", model.toString(), "--input", cases.toString(), "--output", dir.resolve("out.jsonl").toString(),
          "--cache", dir.resolve("cache").toString(), "--max-fallback-rate", "0.5", "--fallback-window", "20",
          "--concurrency", "2"));
    } finally {
      server.stop(0);
    }

    assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + local));
    assertThat(runs.get(0).err()).contains("HTTP 40", "at PROFILE"); // the failures and their causes were printed
    assertThat(runs.get(1).err()).contains("fell back to the base order");
    for (AgpCliTest.Outcome r : runs) {
      assertThat(r.code()).as(r.err()).isNotZero();
      for (String key : List.of(local, openAi, deepSeek)) {
        KeyForms.assertAbsent(key, r.out(), "standard output");
        KeyForms.assertAbsent(key, r.err(), "standard error");
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> written = files.filter(Files::isRegularFile).toList();
      assertThat(written).isNotEmpty();
      for (Path f : written) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        for (String key : List.of(local, openAi, deepSeek)) {
          KeyForms.assertAbsent(key, text, f.toString());
        }
      }
    }
  }

  @Test
  void rerank_budget_stopsCleanlyWithItsExitCodeAndARerunFinishes() throws IOException {
    Path out = dir.resolve("out.jsonl");

    AgpCliTest.Outcome first = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        cases.toString(), "--output", out.toString(), "--budget-tokens", "20000", "--concurrency", "1");
    int written = Files.readAllLines(out).size();
    AgpCliTest.Outcome again = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        cases.toString(), "--output", out.toString(), "--budget-tokens", "20000", "--concurrency", "1");
    int writtenAgain = Files.readAllLines(out).size();
    AgpCliTest.Outcome second = agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input",
        cases.toString(), "--output", out.toString());

    assertThat(first.code()).as(first.err()).isEqualTo(AgpCli.BUDGET_STOPPED);
    assertThat(first.err()).contains("stopped by the budget", "rerun with a larger budget");
    assertThat(written).isBetween(1, 69);
    // the spend ledger next to the output counts the first run: the same budget has nothing left for a user
    assertThat(again.code()).as(again.err()).isEqualTo(AgpCli.BUDGET_STOPPED);
    assertThat(writtenAgain).isEqualTo(written);
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(Files.readAllLines(out)).isEqualTo(Files.readAllLines(reference));
  }

  private static FakeBatchServer simulatedBatchServer() throws IOException {
    SimulatedLlm sim = SimulatedLlm.of(ServingLlm.sampleCatalogue(), "movie");
    return FakeBatchServer.start(r -> sim.complete(r).text());
  }

  private String[] batchArgs(FakeBatchServer server, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("rerank", "--backend", "compatible", "--base-url", server.baseUrl(),
        "--model", "gpt-4o-mini", "--model-file", model.toString(), "--input", cases.toString(), "--output", out.toString(),
        "--batch-api"));
    List<String> extra = List.of(more);
    if (!extra.contains("--batch-poll-seconds")) {
      a.addAll(List.of("--batch-poll-seconds", "0.01"));
    }
    if (!extra.contains("--batch-dir")) {
      a.addAll(List.of("--batch-dir", dir.resolve("batches").toString()));
    }
    a.addAll(extra);
    return a.toArray(String[]::new);
  }

  @Test
  void rerankBatchApi_twoRoundsOfBatches_giveTheSameRankingsAsTheNormalEndpoint() throws IOException {
    try (FakeBatchServer server = simulatedBatchServer()) {
      Path out = dir.resolve("out.jsonl");

      AgpCliTest.Outcome r = AgpCliTest.agp(Map.of("AGP_API_KEY", KEY), batchArgs(server, out));

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(server.batchesCreated()).isEqualTo(2); // profiles, then rankings
      assertThat(server.distinctBatchRequests()).isEqualTo(140);
      assertThat(server.directCalls()).isZero();
      assertThat(r.out()).contains("140 calls", "at list prices");
      List<JsonNode> got = records(out);
      List<JsonNode> want = records(reference);
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).get("ranking")).isEqualTo(want.get(i).get("ranking"));
      }
      assertThat(server.authorizations()).allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + KEY));
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.readString(f)).doesNotContain(KEY);
        }
      }
      assertThat(r.out() + r.err()).doesNotContain(KEY);
    }
  }

  @Test
  void rerankBatchApi_killedWhileABatchRuns_reattachesOnRerunWithoutSubmittingAgain() throws Exception {
    try (FakeBatchServer server = simulatedBatchServer()) {
      Path out = dir.resolve("out.jsonl");
      // with the Vector API module, as agp.jar's relaunch gives it: the process killed is the one that works
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), AgpCli.class.getName()));
      command.addAll(List.of(batchArgs(server, out, "--batch-poll-seconds", "0.5")));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile());
      pb.environment().put("AGP_API_KEY", KEY);
      Process first = pb.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (server.batchesCreated() == 0 && first.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      first.destroyForcibly().waitFor(); // SIGKILL while its first batch runs
      assertThat(server.batchesCreated()).as(Files.readString(dir.resolve("first.log"))).isEqualTo(1);

      AgpCliTest.Outcome second = AgpCliTest.agp(Map.of("AGP_API_KEY", KEY), batchArgs(server, out));

      assertThat(second.code()).as(second.err()).isZero();
      assertThat(second.err()).contains("re-attached");
      assertThat(server.batchesCreated()).isEqualTo(2);
      assertThat(server.uploads()).isEqualTo(2);
      assertThat(server.batchRequests()).isEqualTo(140);
      assertThat(Files.readAllLines(out)).hasSize(70);
    }
  }

  @Test
  void rerankBatchApi_expiredRequests_areRetriedThroughTheNormalEndpointOrReported() throws IOException {
    try (FakeBatchServer server = simulatedBatchServer()) {
      server.endNextBatches(FakeBatchServer.Ending.EXPIRE);
      Path retried = dir.resolve("retried.jsonl");

      AgpCliTest.Outcome r = AgpCliTest.agp(Map.of("AGP_API_KEY", KEY), batchArgs(server, retried));

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(server.directCalls()).isEqualTo(35); // the half of 70 profile requests the window did not reach
      assertThat(records(retried)).allSatisfy(n -> assertThat(n.get("fallback").asBoolean()).isFalse());
    }
    try (FakeBatchServer server = simulatedBatchServer()) {
      server.endNextBatches(FakeBatchServer.Ending.EXPIRE);
      Path reported = dir.resolve("reported.jsonl");
      Files.createDirectories(dir.resolve("b2"));

      AgpCliTest.Outcome r = AgpCliTest.agp(Map.of("AGP_API_KEY", KEY), batchArgs(server, reported, "--batch-failures",
          "report", "--max-fallback-rate", "1", "--batch-dir", dir.resolve("b2").toString()));

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(server.directCalls()).isZero();
      assertThat(r.out()).contains("35 fell back to the base order");
    }
  }

  @Test
  void runBatchApi_testPhaseGoesThroughOneBatchPerRoundAndTrainingDoesNot() throws IOException {
    try (FakeBatchServer server = simulatedBatchServer()) {
      Path out = dir.resolve("results");

      AgpCliTest.Outcome r = AgpCliTest.agp(Map.of("AGP_API_KEY", KEY), "run", "--backend", "compatible", "--base-url",
          server.baseUrl(), "--model", "gpt-4o-mini", "--base", "popularity", "--candidate-mode", "window",
          "--train-users", "20", "--validation-users", "10", "--test-users", "30", "--methods", "llm-dir,agp",
          "--epochs", "1", "--batch-api", "--batch-poll-seconds", "0.01", "--output", out.toString());

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(server.batchesCreated()).isEqualTo(3); // LLM-Dir: one round; AGP: profiles, then rankings
      assertThat(server.batchRequests()).isEqualTo(30 + 2 * 30);
      assertThat(server.directCalls()).isPositive(); // AGP's training
      assertThat(r.out()).containsPattern("(?m)^LLM-Dir +0\\.\\d{4}").containsPattern("(?m)^AGP +0\\.\\d{4}")
          .contains("test phase through the Batch API");
      JsonNode dirMethod = null;
      for (JsonNode m : JSON.readTree(out.resolve("results.json").toFile()).get("methods")) {
        if (m.get("name").asText().equals("LLM-Dir")) {
          dirMethod = m;
        }
      }
      assertThat(dirMethod).as("the LLM-Dir row").isNotNull();
      long in = dirMethod.at("/testUsage/inputTokens").asLong();
      long outTokens = dirMethod.at("/testUsage/outputTokens").asLong();
      assertThat(in).isPositive();
      // priced at the batch price: half of gpt-4o-mini's list price
      assertThat(dirMethod.get("cost").asDouble()).isCloseTo((in * 0.075 + outTokens * 0.30) / 1e6,
          org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void estimate_modelWithABatchPrice_showsBothPricesTheTestPhaseAtHalf() {
    AgpCliTest.Outcome o = agp("estimate", "--backend", "openai", "--model", "gpt-4o-mini", "--candidate-mode", "window",
        "--base", "popularity", "--methods", "llm-dir", "--train-users", "20", "--validation-users", "10", "--test-users", "40");

    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("With --batch-api", "Batch API: $0.075 / $0.30 per million");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^LLM-Dir +40 +[0-9,]+ +[0-9,]+ +(0\\.\\d{4}) +(0\\.\\d{4})$")
        .matcher(o.out());
    assertThat(m.find()).as(o.out()).isTrue();
    assertThat(Double.parseDouble(m.group(2))).isCloseTo(Double.parseDouble(m.group(1)) / 2, org.assertj.core.data.Offset.offset(0.0002));
  }

  @Test
  void readmeProductionSection_everyCommandParses() throws IOException {
    String readme = Files.readString(Path.of("..").toAbsolutePath().normalize().resolve("README.md"));
    int start = readme.indexOf("## Use it in production");
    assertThat(start).isNotNegative();
    String section = readme.substring(start, readme.indexOf("\n## ", start + 5) < 0 ? readme.length() : readme.indexOf("\n## ", start + 5));
    List<String> commands = new ArrayList<>();
    StringBuilder current = null;
    for (String line : section.split("\n")) {
      String l = line.strip();
      if (current != null) {
        current.append(' ').append(l.replace("\\", ""));
        if (!l.endsWith("\\")) {
          commands.add(current.toString());
          current = null;
        }
      } else if (l.startsWith("java -jar $AGP ")) {
        String body = l.substring("java -jar $AGP ".length());
        body = body.contains(" #") ? body.substring(0, body.indexOf(" #")) : body;
        if (body.endsWith("\\")) {
          current = new StringBuilder(body.replace("\\", ""));
        } else {
          commands.add(body);
        }
      }
    }
    assertThat(commands).hasSizeGreaterThanOrEqualTo(6);
    for (String c : commands) {
      picocli.CommandLine line = new picocli.CommandLine(new AgpCli(System.out, System.err, Map.of(), false));
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> line.parseArgs(c.strip().split("\\s+"))))
          .as(c).isNull();
    }
  }

  @Test
  void rerank_badOptions_areRefusedBeforeAnyWork() {
    assertThat(agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input", "missing.jsonl",
        "--output", "x.jsonl").err()).contains("--input: no such file");
    assertThat(agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input", cases.toString(),
        "--output", dir.resolve("o").toString(), "--batch-api").err()).contains("--batch-api", "no Batch API");
    assertThat(agp("rerank", "--backend", "simulated", "--model-file", cases.toString(), "--input", cases.toString(),
        "--output", dir.resolve("o").toString()).err()).contains("--model-file").contains("is not");
    assertThat(agp("rerank", "--backend", "simulated", "--model-file", model.toString(), "--input", cases.toString(),
        "--output", dir.resolve("o").toString(), "--max-fallback-rate", "2").err()).contains("--max-fallback-rate");
  }
}
