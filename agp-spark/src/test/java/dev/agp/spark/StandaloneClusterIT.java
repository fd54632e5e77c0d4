package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.testing.FakeKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.AgpModel;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.benchmarks.LatencyServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reranking job on a real Spark standalone cluster on this machine — a master and two worker
 * JVMs started from the Spark jars Maven resolved, the driver started as {@code spark-submit}
 * does with the packaged {@code agp-spark-VERSION-all.jar} — with one worker (and its executor)
 * killed in the middle of the job. The job must finish with the rankings the model gives in
 * process, and the loopback LLM server must count few repeated calls: the shared response cache
 * lets the retried tasks pay only for the calls the killed executor had in flight. The key lives
 * only in the workers' environment and must show in no log or event log.
 */
class StandaloneClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_VARIABLE = "AGP_SPARK_CLUSTER_KEY";
  private static final String KEY = FakeKeys.of("agp-cluster");
  private static final int USERS = 200;
  private static final int CONCURRENCY = 4;
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[\\w.]+:\\d+)");

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopCluster() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void rerank_workerKilledMidJob_sameRankingsAndAtMostTheKilledExecutorsCallsInFlightRepeated() throws Exception {
    Path root = Path.of("target", "standalone").toAbsolutePath();
    deleteRecursively(root);
    Path jars = Files.createDirectories(root.resolve("spark-home").resolve("jars"));
    for (String entry : Files.readString(Path.of(System.getProperty("agp.spark.classpath"))).strip().split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
    }
    Path appJar = Path.of(System.getProperty("agp.spark.jar"));
    assertThat(appJar).as("mvn package builds the application jar").exists();
    Path model = root.resolve("agp-model.json");
    AgpModel agp = Worlds.agp(model);
    List<UserCase> users = Worlds.users(USERS);
    Path cases = root.resolve("cases.jsonl");
    writeCases(cases, users);

    Worlds.Counting answered = new Worlds.Counting(Worlds.answers());
    try (LatencyServer server = LatencyServer.start(answered, LatencyServer.Latency.fixed(Duration.ofMillis(120)), 0, 1, KEY)) {
      Process master = start(root, "master", List.of("org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"), Map.of());
      String masterUrl = awaitMatch(root.resolve("master.log"), MASTER_URL, master);
      Map<String, String> workerEnv = Map.of(
          "SPARK_HOME", root.resolve("spark-home").toString(), "SPARK_SCALA_VERSION", "2.13", KEY_VARIABLE, KEY);
      List<Process> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        workers.add(start(root, "worker" + w, List.of("org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "640m",
            "--work-dir", root.resolve("work" + w).toString(), masterUrl), workerEnv));
      }
      for (int w = 0; w < 2; w++) {
        awaitMatch(root.resolve("worker" + w + ".log"), Pattern.compile("(Successfully registered with master)"), workers.get(w));
      }

      long started = System.nanoTime();
      Process driver = start(root, "driver", List.of("org.apache.spark.deploy.SparkSubmit",
          "--master", masterUrl, "--deploy-mode", "client", "--class", AgpSparkJob.class.getName(),
          "--conf", "spark.executor.memory=512m", "--conf", "spark.driver.memory=512m",
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
          "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + Files.createDirectories(root.resolve("events")).toUri(),
          "--conf", "spark.agp.llm.backend=compatible", "--conf", "spark.agp.llm.baseUrl=" + server.baseUrl(),
          "--conf", "spark.agp.llm.model=world-model", "--conf", "spark.agp.llm.apiKeyEnv=" + KEY_VARIABLE,
          "--conf", "spark.agp.llm.concurrency=" + CONCURRENCY, "--conf", "spark.agp.cache.dir=" + root.resolve("cache"),
          appJar.toString(), "rerank", "--model", model.toString(), "--cases", cases.toString(), "--format", "json",
          "--output", root.resolve("rankings").toString(), "--output-format", "json", "--partitions", "8"), Map.of());

      while (answered.total() < 2 * USERS * 3 / 10 && driver.isAlive()) {
        Thread.sleep(20);
      }
      int callsBeforeKill = answered.total();
      Process victim = workers.get(0);
      List<ProcessHandle> executors = victim.descendants().toList();
      victim.destroyForcibly();
      executors.forEach(ProcessHandle::destroyForcibly);
      victim.waitFor(30, TimeUnit.SECONDS);

      assertThat(driver.waitFor(300, TimeUnit.SECONDS)).as("the job finishes").isTrue();
      double seconds = (System.nanoTime() - started) / 1e9;
      String driverLog = Files.readString(root.resolve("driver.log"));
      assertThat(driver.exitValue()).as(driverLog).isZero();

      assertThat(executors).as("the killed worker had an executor running").isNotEmpty();
      assertThat(callsBeforeKill).as("killed mid-job").isLessThan(2 * USERS);
      assertThat(driverLog).containsPattern("(?i)lost executor|executor lost|ExecutorLost|Removed executor|removing executor");
      assertThat(readRankings(root.resolve("rankings"))).isEqualTo(expected(agp, users));
      assertThat(server.unauthorized()).isZero();
      assertThat(answered.byRequest).hasSize(2 * USERS);
      int repeats = answered.repeats();
      assertThat(repeats).as("repeated calls: at most the killed executor's calls in flight").isLessThanOrEqualTo(CONCURRENCY);
      assertNoKeyIn(root);

      String report = String.format(Locale.ROOT,
          "standalone cluster (master + 2 workers x 1 core, concurrency %d per task, 8 partitions, %d users, 120 ms per"
              + " call): worker 0 and its executor killed after %d of %d calls; job finished in %.1f s with the same"
              + " rankings; %d calls in all, %d repeated%n",
          CONCURRENCY, USERS, callsBeforeKill, 2 * USERS, seconds, answered.total(), repeats);
      Files.writeString(root.resolve("report.txt"), report);
      System.out.print(report);
    }
  }

  private Process start(Path root, String name, List<String> mainAndArgs, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(root.resolve("spark-home").resolve("jars") + File.separator + "*");
    command.add("-Xmx512m");
    command.addAll(Arrays.asList(System.getProperty("agp.spark.jvm.options").strip().split("\\s+")));
    command.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(root.resolve(name + ".log").toFile());
    pb.environment().remove(KEY_VARIABLE);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static String awaitMatch(Path log, Pattern pattern, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
        if (m.find()) {
          return m.group(1);
        }
      }
      assertThat(process.isAlive()).as(log + " ended early:\n" + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("no line matching " + pattern + " in " + log);
  }

  private static void writeCases(Path file, List<UserCase> users) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (UserCase u : users) {
      ObjectNode row = JSON.createObjectNode().put("user", u.userId());
      items(row.putArray("history"), u.history());
      items(row.putArray("candidates"), u.candidates());
      sb.append(JSON.writeValueAsString(row)).append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  private static void items(ArrayNode array, List<Item> items) {
    for (Item i : items) {
      ObjectNode o = array.addObject().put("id", i.id()).put("title", i.title());
      ObjectNode a = o.putObject("attributes");
      i.attributes().forEach(a::put);
    }
  }

  private static Map<String, String> readRankings(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(part)) {
          JsonNode r = JSON.readTree(line);
          assertThat(r.has("error")).as(line).isFalse();
          out.put(r.get("user").asText(), r.get("ranking") + " fallback=" + r.get("fallback").asBoolean()
              + " " + r.get("repair").get("method").asText() + "/" + r.get("repair").get("appended").asInt());
        }
      }
    }
    return out;
  }

  private static Map<String, String> expected(AgpModel agp, List<UserCase> users) throws IOException {
    AgpModel local = agp.withLlm(Worlds.answers());
    Map<String, String> out = new TreeMap<>();
    for (UserCase u : users) {
      Ranking r = local.rerank(u);
      out.put(u.userId(), JSON.writeValueAsString(r.itemIds()) + " fallback=" + r.fallback() + " "
          + r.repair().method() + "/" + r.repair().appended());
    }
    return out;
  }

  private static void assertNoKeyIn(Path root) throws IOException {
    String base64 = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
    int scanned = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".log") || name.equals("stderr") || name.equals("stdout")) {
          String text = Files.readString(f, StandardCharsets.ISO_8859_1);
          assertThat(text.contains(KEY) || text.contains(base64)).as("the key in " + f).isFalse();
          scanned++;
        }
      }
    }
    assertThat(scanned).as("driver, master, workers and executors").isGreaterThanOrEqualTo(6);
    List<String> events = EventLogs.read(root.resolve("events"));
    String all = String.join("\n", events);
    assertThat(all.contains("SparkListenerEnvironmentUpdate") && all.contains(SparkLlmConfig.API_KEY_ENV)
        && all.contains(KEY_VARIABLE)).as("the event log was read").isTrue();
    assertThat(all.contains(KEY) || all.contains(base64)).as("the key in the event log").isFalse();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
