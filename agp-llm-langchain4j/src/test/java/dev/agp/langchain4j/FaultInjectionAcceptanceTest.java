package dev.agp.langchain4j;

import static dev.agp.langchain4j.LangChain4jLlmClientTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.AgpFitException;
import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.BatchRecord;
import dev.agp.EpochRecord;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.langchain4j.GenreWorldServer.Fault;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmResponseCache;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import dev.agp.testing.GenreWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance runs: a 20-user AGP fit and 20 reranks against a loopback server that
 * injects 15% faults and 10% malformed answers; and a fit interrupted half-way, rerun with the same
 * cache directory, which must not send any request the server already answered.
 */
class FaultInjectionAcceptanceTest {

  @TempDir Path dir;

  private final List<UserCase> users = GenreWorld.users("user", 20, 2024);

  private static AgpOptimizer.Builder agp(LlmClient llm) {
    return AgpOptimizer.builder()
        .llm(llm).batchSize(8).epochs(2).concurrency(4).seed(7)
        .initialPrompt(GenreWorld.NAIVE_PROMPT);
  }

  private static LlmBackends.Builder client(LoopbackServer server) {
    return LlmBackends.openAiCompatibleBuilder(server.baseUrl(), KEY, "gpt-4o-mini")
        .timeout(Duration.ofMillis(500))
        .maxAttempts(8).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(50))
        .maxConcurrentCalls(4);
  }

  private static LlmBackends.Builder client(LoopbackServer server, Path cache) {
    return client(server).cacheDirectory(cache);
  }

  @Test
  void fitAndReranks_fifteenPercentFaultsTenPercentMalformed_everyUserRankedAndNoKeyAnywhere() throws Exception {
    GenreWorldServer world = new GenreWorldServer(0.15, 0.10, Duration.ofMillis(1500), 42);
    Path checkpoint = dir.resolve("checkpoint.json");
    Path saved = dir.resolve("model.json");
    AgpModel model;
    List<Ranking> rankings;
    String logs;
    try (LoopbackServer server = LoopbackServer.start(world); CapturedErr err = new CapturedErr()) {
      LlmClient llm = client(server, dir.resolve("cache")).build();
      model = agp(llm).checkpoint(checkpoint).build().fit(users);
      // serve through a client without the cache, so that every rerank meets the faults
      int before = world.requests();
      AgpModel serving = model.withLlm(client(server).build());
      rankings = users.stream().map(serving::rerank).toList();
      assertThat(world.requests() - before).isGreaterThanOrEqualTo(2 * users.size());
      assertThat(serving.fallbacks()).isZero();
      model.save(saved);
      logs = err.text();
    }

    System.out.printf("fault run: %d requests, faults %s, %d malformed answers; %d calls, %d retries,"
            + " %d cache hits, %d failures; %d fallbacks in 20 reranks%n",
        world.requests(),
        world.faults(), world.malformed(), model.usage().total().calls(), model.usage().total().retries(),
        model.usage().total().cacheHits(), model.usage().total().failures(), model.fallbacks());
    // every fault kind and malformed answers were served
    assertThat(world.faults().keySet()).containsExactlyInAnyOrder(Fault.values());
    int faultsServed = world.faults().values().stream().mapToInt(Integer::intValue).sum();
    assertThat(faultsServed).isEqualTo((int) Math.floor(world.requests() * 0.15));
    assertThat(world.malformed()).isBetween((int) Math.floor(world.requests() * 0.10) - 1, (int) Math.floor(world.requests() * 0.10));
    // the fit lost no user, and every rerank is a real ranking
    for (BatchRecord b : model.history().batches()) {
      assertThat(b.failures()).as("failures of batch %d.%d", b.epoch(), b.batch()).isEmpty();
    }
    for (EpochRecord e : model.history().epochs()) {
      assertThat(e.failures()).isEmpty();
    }
    assertThat(rankings).hasSize(20);
    for (int i = 0; i < users.size(); i++) {
      assertThat(rankings.get(i).isPermutationOf(users.get(i))).isTrue();
      assertThat(rankings.get(i).fallback()).isFalse();
    }
    assertThat(model.fallbacks()).isZero();
    UsageReport usage = model.usage();
    assertThat(usage.total().retries()).isPositive();
    assertThat(usage.total().failures()).isZero();
    assertThat(usage.models()).contains("gpt-4o-mini");
    // the key is in no log, checkpoint, saved model or cache file
    assertThat(logs).doesNotContain(KEY);
    assertThat(Files.readString(checkpoint)).doesNotContain(KEY);
    assertThat(Files.readString(saved)).doesNotContain(KEY);
    assertThat(Files.readString(dir.resolve("cache").resolve(LlmResponseCache.FILE_NAME))).doesNotContain(KEY);
  }

  @Test
  void fit_interruptedHalfWayThenRerunWithTheSameCache_sendsNoRequestTheServerAlreadyAnswered() throws Exception {
    ProfilePromptAndCalls reference;
    try (LoopbackServer server = LoopbackServer.start(GenreWorldServer.faultless())) {
      AgpModel m = agp(client(server, dir.resolve("reference-cache")).build()).build().fit(users);
      reference = new ProfilePromptAndCalls(m.prompt().text(), server.answered().size(), m.usage().total().cacheHits());
    }

    Path cache = dir.resolve("cache");
    Set<String> answeredBeforeTheCrash;
    String crashReport;
    try (LoopbackServer server = LoopbackServer.start(GenreWorldServer.faultless())) {
      // the provider goes away after answering half of the run's requests
      GenreWorldServer world = GenreWorldServer.faultless();
      AtomicInteger served = new AtomicInteger();
      server.handler(r -> served.incrementAndGet() <= reference.calls() / 2
          ? world.handle(r)
          : new Raw(503, "{\"error\":\"gone, " + r.authorization() + "\"}", Map.of()));
      AgpFitException crash = catchThrowableOfType(
          AgpFitException.class, () -> agp(client(server, cache).maxAttempts(2).build()).build().fit(users));
      assertThat(crash).isNotNull();
      crashReport = CapturedErr.printed(crash);
      answeredBeforeTheCrash = server.answered();
    }

    Set<String> sentAfterTheRestart = new HashSet<>();
    AgpModel resumed;
    try (LoopbackServer server = LoopbackServer.start(GenreWorldServer.faultless())) {
      resumed = agp(client(server, cache).build()).build().fit(users);
      server.log().forEach(r -> sentAfterTheRestart.add(r.hash()));
      assertThat(server.received()).isEqualTo(reference.calls() - answeredBeforeTheCrash.size());
    }

    System.out.printf("crash run: reference %d answered requests; %d answered before the crash; %d sent after"
            + " the restart, %d of them answered before%n",
        reference.calls(), answeredBeforeTheCrash.size(), sentAfterTheRestart.size(),
        sentAfterTheRestart.stream().filter(answeredBeforeTheCrash::contains).count());
    assertThat(answeredBeforeTheCrash).hasSizeGreaterThanOrEqualTo(reference.calls() / 2 - 4);
    assertThat(sentAfterTheRestart).doesNotContainAnyElementsOf(answeredBeforeTheCrash);
    assertThat(resumed.prompt().text()).isEqualTo(reference.prompt());
    // the rerun's cache hits: the answers from before the crash, plus the repeats any run has
    assertThat(resumed.usage().total().cacheHits()).isEqualTo(reference.cacheHits() + answeredBeforeTheCrash.size());
    assertThat(crashReport).doesNotContain(KEY);
  }

  private record ProfilePromptAndCalls(String prompt, int calls, long cacheHits) {}

  @Test
  void stageOf_everyAgpPrompt_isRecognisedByTheServer() throws Exception {
    GenreWorldServer world = GenreWorldServer.faultless();
    try (LoopbackServer server = LoopbackServer.start(world)) {
      agp(client(server, dir.resolve("c")).build()).build().fit(users);
      assertThat(world.answeredByStage().keySet())
          .containsExactlyInAnyOrder(Stage.PROFILE, Stage.RERANK, Stage.CRITIQUE, Stage.SUMMARIZE, Stage.OPTIMIZE);
    }
  }
}
