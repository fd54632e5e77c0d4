package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Checkpoints;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints edited after they were written: numbers changed by hand (within range or not, with
 * the checksum recomputed or not) are refused with the file and the field named, never resumed
 * into skipped or repeated batches; temporary files a killed write left are removed.
 */
class CheckpointHardeningTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 20, 41);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 5, 42);

  @TempDir Path dir;
  private Path checkpoint;

  private static AgpOptimizer.Builder base(LlmClient llm) {
    return AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie")
        .batchSize(5).epochs(3).patience(5).concurrency(1);
  }

  /** Lets {@code calls} calls through, then refuses every call as over budget: the fit stops mid-epoch. */
  private static LlmClient stoppingAfter(int calls) {
    ScriptedLlmClient world = GenreWorld.llm().build();
    AtomicInteger n = new AtomicInteger();
    return r -> {
      if (n.incrementAndGet() > calls) {
        throw new LlmBudgetExceededException("test budget spent", r.stage());
      }
      return world.complete(r);
    };
  }

  /** A checkpoint of a fit stopped in epoch 1 after 2 of its 4 batches. */
  @BeforeEach
  void stoppedFit() throws IOException {
    checkpoint = dir.resolve("agp.json");
    Files.deleteIfExists(checkpoint);
    // initial validation 10 calls, then 4 batches of about 17 calls: stop inside the third batch
    Throwable stop = catchThrowable(() -> base(stoppingAfter(10 + 2 * 17 + 5)).checkpoint(checkpoint).build()
        .fit(TRAIN, VALIDATION));
    assertThat(stop).isInstanceOf(AgpFitException.class);
  }

  private void edit(Consumer<ObjectNode> change) throws IOException {
    ObjectNode tree = (ObjectNode) AgpJson.mapper().readTree(checkpoint.toFile());
    change.accept(tree);
    AgpJson.mapper().writerWithDefaultPrettyPrinter().writeValue(checkpoint.toFile(), tree);
  }

  private static ObjectNode state(ObjectNode tree) {
    return (ObjectNode) tree.get("state");
  }

  private Throwable resume() {
    return catchThrowable(() -> base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION));
  }

  private void assertRefused(Throwable t, String field) {
    assertThat(t).isInstanceOf(CheckpointException.class)
        .hasMessageContaining(checkpoint.toString())
        .hasMessageContaining(field);
  }

  @Test
  void resume_untouchedCheckpoint_resumesAtTheStoppedBatch() {
    AgpModel m = base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    assertThat(m.history().batches()).hasSize(3 * 4);
  }

  @Test
  void resume_nextBatchRaisedByHand_isRefusedNotSkippingBatches() throws IOException {
    edit(t -> state(t).put("nextBatch", state(t).get("nextBatch").asInt() + 1));

    assertRefused(resume(), "state.nextBatch");
  }

  @Test
  void resume_negativeNextBatch_isRefusedNamingTheField() throws IOException {
    edit(t -> state(t).put("nextBatch", -1));

    Throwable t = resume();

    assertRefused(t, "state.nextBatch");
    assertThat(t).isNotInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void resume_epochOrFinishedChanged_isRefusedNotReturningAfterNoWork() throws IOException {
    edit(t -> state(t).put("epoch", 99));
    assertRefused(resume(), "state.epoch");

    stoppedFit();
    edit(t -> state(t).put("finished", true));
    assertRefused(resume(), "state.finished");
  }

  @Test
  void resume_fieldsEditedAndTheChecksumRecomputed_stillRefusedByTheFieldChecks() throws IOException {
    edit(t -> {
      state(t).put("nextBatch", 3);
      state(t).put("bestScore", 0.99);
    });
    ObjectNode tree = (ObjectNode) AgpJson.mapper().readTree(checkpoint.toFile());
    Checkpoints.write(checkpoint, tree); // a careful forger recomputes the checksum

    assertRefused(resume(), "state.");
  }

  @Test
  void resume_pendingUserWithProfileOnly_resumesFromItsRerank() throws IOException {
    edit(t -> {
      ObjectNode first = (ObjectNode) t.get("pending").get(0);
      first.putNull("ranking");
      first.put("critiqued", false);
      first.put("critique", "");
    });
    Checkpoints.write(checkpoint, AgpJson.mapper().readTree(checkpoint.toFile()));

    AgpModel m = base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    assertThat(m.history().batches()).hasSize(3 * 4);
  }

  @Test
  void resume_critiqueStoredForAUserWhoseRerankNeverFinished_isRefused() throws IOException {
    edit(t -> {
      ObjectNode first = (ObjectNode) t.get("pending").get(0);
      first.putNull("ranking");
      first.put("critiqued", true);
      first.put("critique", "forged");
    });
    Checkpoints.write(checkpoint, AgpJson.mapper().readTree(checkpoint.toFile()));

    assertRefused(resume(), "pending[0].critique");
  }

  @Test
  void resume_anyOtherValueEdited_isRefusedByTheChecksum() throws IOException {
    edit(t -> {
      ObjectNode first = (ObjectNode) t.get("history").get("batches").get(0);
      first.put("feedback", first.get("feedback").asText() + " (edited)");
    });

    assertRefused(resume(), "checksum");
  }

  @Test
  void resume_reformattedButUnchanged_resumes() throws IOException {
    edit(t -> { });
    String compact = new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValueAsString(AgpJson.mapper().readTree(checkpoint.toFile()));
    Files.writeString(checkpoint, compact);

    AgpModel m = base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    assertThat(m.history().batches()).hasSize(3 * 4);
  }

  @Test
  void resume_strayTemporaryFileOfAKilledWrite_isRemoved() throws IOException {
    Path stray = dir.resolve("agp.json.8231794.tmp");
    Files.writeString(stray, "{\"format\": \"agp-checkpoint\", \"half");
    Path unrelated = dir.resolve("other.json.1.tmp");
    Files.writeString(unrelated, "not ours");

    base(GenreWorld.llm().build()).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .doesNotContain("agp.json.8231794.tmp").contains("other.json.1.tmp");
    }
  }
}
