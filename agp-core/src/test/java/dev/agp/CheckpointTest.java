package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 20, 11);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 5, 12);

  @TempDir Path dir;

  private static AgpOptimizer.Builder base(LlmClient llm) {
    return AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie")
        .batchSize(5).epochs(3).patience(5).concurrency(1);
  }

  private static List<String> texts(List<LlmRequest> requests) {
    return requests.stream().map(r -> r.stage() + "|" + r.messages()).toList();
  }

  @Test
  void resume_fromTheCheckpointOfAFinishedBatch_repeatsNoCallAndEndsTheSame() throws IOException {
    ScriptedLlmClient reference = GenreWorld.llm().build();
    AgpModel uninterrupted = base(reference).build().fit(TRAIN, VALIDATION);

    // a run whose process "dies" after batch 6: keep the checkpoint file as it was then
    Path live = dir.resolve("live.json");
    Path snapshot = dir.resolve("after-batch-6.json");
    AgpListener copier = new AgpListener() {
      int finished;
      @Override public void onBatchEnd(BatchRecord r) {
        if (++finished == 7) { // the file now holds the state after the 6th batch
          try {
            Files.copy(live, snapshot, StandardCopyOption.REPLACE_EXISTING);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    };
    base(GenreWorld.llm().build()).checkpoint(live).listener(copier).build().fit(TRAIN, VALIDATION);
    assertThat(snapshot).exists();

    ScriptedLlmClient resumed = GenreWorld.llm().build();
    AgpModel model = base(resumed).checkpoint(snapshot).build().fit(TRAIN, VALIDATION);

    long validations = 2; // the initial prompt and epoch 1 (batches 5 and 6 are epoch 2's first two)
    long doneBefore = validations * 2L * VALIDATION.size()
        + uninterrupted.history().batches().subList(0, 6).stream().mapToLong(b -> b.usage().total().calls()).sum();
    List<String> all = texts(reference.requests());
    assertThat(texts(resumed.requests())).isEqualTo(all.subList((int) doneBefore, all.size()));
    assertThat(model.prompt()).isEqualTo(uninterrupted.prompt());
    assertThat(AgpOptimizerTest.withoutUsage(model.history())).isEqualTo(AgpOptimizerTest.withoutUsage(uninterrupted.history()));
    assertThat(model.usage().calls()).isEqualTo(uninterrupted.usage().calls());
  }

  @Test
  void resume_afterAStopInsideABatch_reusesTheFinishedUsers() {
    ScriptedLlmClient reference = GenreWorld.llm().build();
    AgpModel uninterrupted = base(reference).build().fit(TRAIN, VALIDATION);

    Path checkpoint = dir.resolve("agp.json");
    ScriptedLlmClient first = GenreWorld.llm().build();
    AtomicInteger calls = new AtomicInteger();
    LlmClient budgeted = r -> {
      if (calls.incrementAndGet() > 47) { // inside the fourth batch of epoch 1
        throw new LlmBudgetExceededException("budget of 47 calls spent", r.stage());
      }
      return first.complete(r);
    };
    assertThatThrownBy(() -> base(budgeted).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(AgpFitException.class)
        .hasMessageContaining("the budget ran out")
        .hasMessageContaining("rerun with it to resume");
    assertThat(checkpoint).content().contains("\"pending\" : [ {");

    ScriptedLlmClient second = GenreWorld.llm().build();
    AgpModel model = base(second).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    List<String> both = new ArrayList<>(texts(first.requests()));
    both.addAll(texts(second.requests()));
    List<String> wasted = new ArrayList<>(both);
    texts(reference.requests()).forEach(wasted::remove);
    assertThat(both).containsAll(texts(reference.requests()));
    assertThat(wasted).as("calls made twice: only the stopped user's unfinished chain").hasSizeLessThanOrEqualTo(2);
    assertThat(model.prompt()).isEqualTo(uninterrupted.prompt());
  }

  @Test
  void resume_afterTooManyFailures_redoesOnlyTheFailedUsers() {
    Path checkpoint = dir.resolve("agp.json");
    ScriptedLlmClient failing = GenreWorld.llm()
        .failWhen(r -> r.stage() == Stage.RERANK && r.lastUserText().contains("Film u1"),
            () -> new LlmRetriableException("HTTP 503", null))
        .build();
    AgpFitException e = org.junit.jupiter.api.Assertions.assertThrows(AgpFitException.class,
        () -> base(failing).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION));
    assertThat(e.checkpoint()).contains(checkpoint);
    int failedUsers = e.failures().size();

    ScriptedLlmClient healthy = GenreWorld.llm().build();
    AgpModel model = base(healthy).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    ScriptedLlmClient reference = GenreWorld.llm().build();
    AgpModel uninterrupted = base(reference).build().fit(TRAIN, VALIDATION);
    assertThat(model.prompt()).isEqualTo(uninterrupted.prompt());
    // the resumed run redoes the failed users only: every other PROFILE call of the stopped run is reused
    assertThat(healthy.requests(Stage.PROFILE)).hasSize(
        reference.requests(Stage.PROFILE).size() - failing.requests(Stage.PROFILE).size() + failedUsers);
  }

  @Test
  void fit_finishedCheckpoint_returnsTheModelWithoutCalls() {
    Path checkpoint = dir.resolve("agp.json");
    AgpModel first = base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);
    ScriptedLlmClient again = GenreWorld.llm().build();

    AgpModel second = base(again).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    assertThat(again.callCount()).isZero();
    assertThat(second.prompt()).isEqualTo(first.prompt());
    assertThat(second.history().epochs()).isEqualTo(first.history().epochs());
    assertThat(second.usage().calls()).isEqualTo(first.usage().calls());
  }

  @Test
  void fit_checkpointOfAnotherConfiguration_isRefusedSayingWhatDiffers() {
    Path checkpoint = dir.resolve("agp.json");
    base(GenreWorld.llm().build()).epochs(1).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    assertThatThrownBy(() -> base(GenreWorld.llm().build()).epochs(1).batchSize(10).seed(9).checkpoint(checkpoint)
            .build().fit(TRAIN, VALIDATION))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("another configuration")
        .hasMessageContaining("batchSize: 5 in the checkpoint, 10 now")
        .hasMessageContaining("seed: 42 in the checkpoint, 9 now");
    assertThatThrownBy(() -> base(GenreWorld.llm().build()).epochs(1).checkpoint(checkpoint)
            .build().fit(TRAIN.subList(0, 19), VALIDATION))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("trainUsers: 20 users");
  }

  @Test
  void fit_concurrencyIsNotPartOfTheConfiguration() {
    Path checkpoint = dir.resolve("agp.json");
    AgpModel a = base(GenreWorld.llm().build()).epochs(1).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);
    AgpModel b = base(GenreWorld.llm().build()).epochs(1).concurrency(8).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);
    assertThat(b.prompt()).isEqualTo(a.prompt());
  }

  @Test
  void fit_unreadableCheckpoint_isRefused() throws IOException {
    Path checkpoint = dir.resolve("agp.json");
    Files.writeString(checkpoint, "{\"format\": \"agp-checkpoint\", \"version\": 1, \"state\": {");

    assertThatThrownBy(() -> base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("cannot read the checkpoint");
    Files.writeString(checkpoint, "{\"format\": \"something-else\", \"version\": 7}");
    assertThatThrownBy(() -> base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is not an AGP checkpoint");
  }

  @Test
  void checkpoint_isWrittenAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
    Path checkpoint = dir.resolve("nested/agp.json");
    List<Long> sizes = new ArrayList<>();
    AgpListener watcher = new AgpListener() {
      @Override public void onBatchEnd(BatchRecord r) {
        try {
          sizes.add(Files.size(checkpoint));
          assertThat(AgpModelTest.readTree(checkpoint).get("format").asText()).isEqualTo("agp-checkpoint");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };

    base(GenreWorld.llm().build()).epochs(1).checkpoint(checkpoint).listener(watcher).build().fit(TRAIN, VALIDATION);

    assertThat(sizes).hasSize(4);
    try (Stream<Path> files = Files.list(checkpoint.getParent())) {
      assertThat(files).containsExactly(checkpoint);
    }
    String json = Files.readString(checkpoint);
    assertThat(json).contains("\"finished\" : true", "\"epochOrder\"", "\"bestPrompt\"", "\"usage\"");
  }
}
