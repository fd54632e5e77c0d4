package dev.agp.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.testing.FakeKeys;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.PriceTable;
import dev.agp.llm.Sleeper;
import dev.agp.llm.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiBatchTest {

  private static final String KEY = FakeKeys.of("test-batch");
  private static final Sleeper NO_WAIT = d -> { };

  @TempDir Path dir;
  private FakeBatchServer server;

  @BeforeEach
  void start() throws IOException {
    server = FakeBatchServer.start(r -> "answer to " + r.lastUserText());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiBatch.Builder batch() {
    return OpenAiBatch.builder(server.baseUrl(), KEY, "gpt-4o-mini").stateDirectory(dir).sleeper(NO_WAIT);
  }

  private static List<LlmRequest> requests(int n) {
    return IntStream.range(0, n).mapToObj(i -> LlmRequest.of(Stage.RERANK, "system", "user " + i).withMaxOutputTokens(50)).toList();
  }

  @Test
  void execute_completedBatch_answersEveryRequestInOrderOnceEach() {
    List<LlmRequest> asked = new ArrayList<>(requests(4));
    asked.add(asked.get(1)); // a duplicate is asked once
    List<String> statuses = new ArrayList<>();
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().listener(new OpenAiBatch.Listener() {
      @Override public void onStatus(String id, String status, long completed, long failed, long total) {
        statuses.add(status);
      }
    }).build()) {
      r = b.execute(asked);
    }

    assertThat(r.outcomes()).hasSize(5);
    assertThat(r.outcomes()).extracting(o -> o.answer().map(LlmResponse::text).orElse("-"))
        .containsExactly("answer to user 0", "answer to user 1", "answer to user 2", "answer to user 3", "answer to user 1");
    assertThat(r.outcomes().get(0).answer().get().model()).isEqualTo(PriceTable.batchTier("gpt-4o-mini-2024-07-18"));
    assertThat(r.outcomes().get(0).answer().get().usage().totalTokens()).isPositive();
    assertThat(r.submitted()).isEqualTo(4);
    assertThat(statuses).containsExactly("validating", "in_progress", "finalizing", "completed");
    assertThat(server.uploads()).isEqualTo(1);
    assertThat(server.batchesCreated()).isEqualTo(1);
    assertThat(server.batchRequests()).isEqualTo(4);
    assertThat(server.directCalls()).isZero();
  }

  @Test
  void execute_moreRequestsThanOneBatchTakes_splitsThemOverBatchesPolledTogether() {
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().maxRequestsPerBatch(3).build()) {
      r = b.execute(requests(7));
    }

    assertThat(r.batchIds()).hasSize(3);
    assertThat(r.outcomes()).allSatisfy(o -> assertThat(o.answer()).isPresent());
    assertThat(server.batchesCreated()).isEqualTo(3);
    assertThat(server.batchRequests()).isEqualTo(7);
    assertThat(server.retrieves()).isEqualTo(12); // 4 polls each, the three in the same rounds
  }

  @Test
  void execute_expiredBatch_answersWhatRanAndReportsTheRestAsExpired() {
    server.endNextBatches(FakeBatchServer.Ending.EXPIRE);
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(6));
    }

    assertThat(r.outcomes().subList(0, 3)).allSatisfy(o -> assertThat(o.answer()).isPresent());
    assertThat(r.outcomes().subList(3, 6)).allSatisfy(o -> {
      assertThat(o.answer()).isEmpty();
      assertThat(o.errorCode()).isEqualTo("batch_expired");
    });
  }

  @Test
  void execute_cancelledBatch_reportsTheUnansweredAsCancelled() {
    server.endNextBatches(FakeBatchServer.Ending.CANCEL);
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(6));
    }

    assertThat(r.outcomes().stream().filter(o -> o.answer().isPresent())).hasSize(2);
    assertThat(r.outcomes().get(5).errorCode()).isEqualTo("batch_cancelled");
  }

  @Test
  void execute_refusedBatch_reportsEveryRequestAsBatchFailedWithTheReason() {
    server.endNextBatches(FakeBatchServer.Ending.FAIL);
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(3));
    }

    assertThat(r.outcomes()).allSatisfy(o -> {
      assertThat(o.errorCode()).isEqualTo("batch_failed");
      assertThat(o.errorMessage()).contains("refused");
    });
    assertThat(server.downloads()).isZero();
  }

  @Test
  void execute_requestTheEndpointRefused_isReportedWithItsStatus() {
    server.failRequests(r -> r.lastUserText().equals("user 1"));
    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(3));
    }

    assertThat(r.outcomes().get(1).errorCode()).isEqualTo("http_500");
    assertThat(r.outcomes().get(1).errorMessage()).isEqualTo("injected server error");
    assertThat(r.outcomes().get(0).answer()).isPresent();
    assertThat(r.outcomes().get(2).answer()).isPresent();
  }

  @Test
  void execute_afterACrashWhileWaiting_reattachesWithoutSubmittingAgain() {
    Sleeper crash = d -> {
      throw new InterruptedException("killed");
    };
    try (OpenAiBatch b = batch().sleeper(crash).build()) {
      assertThatThrownBy(() -> b.execute(requests(5))).isInstanceOf(BatchApiException.class).hasMessageContaining("re-attach");
    }
    Thread.interrupted(); // clear the flag the simulated kill left
    assertThat(server.batchesCreated()).isEqualTo(1);

    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(5));
    }

    assertThat(r.outcomes()).allSatisfy(o -> assertThat(o.answer()).isPresent());
    assertThat(r.submitted()).isZero();
    assertThat(r.reattached()).isEqualTo(5);
    assertThat(server.batchesCreated()).isEqualTo(1);
    assertThat(server.uploads()).isEqualTo(1);
  }

  @Test
  void execute_creationSentButNotJournalled_findsTheBatchByItsInputFile() throws IOException {
    try (OpenAiBatch b = batch().build()) {
      b.execute(requests(2));
    }
    Path journal = dir.resolve(BatchJournal.FILE);
    List<String> kept = Files.readAllLines(journal).stream().filter(l -> !l.contains("\"created\"")).toList();
    Files.write(journal, kept);

    OpenAiBatch.Result r;
    try (OpenAiBatch b = batch().build()) {
      r = b.execute(requests(2));
    }

    assertThat(r.outcomes()).allSatisfy(o -> assertThat(o.answer()).isPresent());
    assertThat(server.batchesCreated()).isEqualTo(1);
    assertThat(server.listings()).isEqualTo(1);
  }

  @Test
  void retire_batchNoLongerNeeded_isSubmittedAgainWhenAskedAgain() {
    try (OpenAiBatch b = batch().build()) {
      OpenAiBatch.Result first = b.execute(requests(2));
      b.retire(first.batchIds());
      b.execute(requests(2));
    }

    assertThat(server.batchesCreated()).isEqualTo(2);
  }

  @Test
  void build_directoryHeldByAnotherRun_isRefused() {
    try (OpenAiBatch b = batch().build()) {
      assertThatThrownBy(() -> batch().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
    }
  }

  @Test
  void execute_key_goesOnlyInTheHeaderAndIsWrittenNowhere() throws IOException {
    try (OpenAiBatch b = batch().build()) {
      b.execute(requests(3));
    }

    assertThat(server.authorizations()).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + KEY));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.collect(Collectors.toList())) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).doesNotContain(KEY).doesNotContain(FakeKeys.MARKER);
      }
    }
  }

  @Test
  void builder_badValues_areRefusedNamingTheOption() {
    assertThatThrownBy(() -> OpenAiBatch.builder("ftp://x", KEY, "m")).hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> batch().maxRequestsPerBatch(0)).hasMessageContaining("maxRequestsPerBatch");
    assertThatThrownBy(() -> OpenAiBatch.builder(server.baseUrl(), KEY, "m").build()).hasMessageContaining("stateDirectory");
    assertThatThrownBy(() -> OpenAiBatch.openAi(" ", "m")).hasMessageContaining("apiKey");
  }
}
