package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.CheckpointException;
import dev.agp.UserCase;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RPP checkpoints edited by hand are refused with the file and the field named. */
class RppCheckpointHardeningTest {

  private static final List<UserCase> USERS = RppTesting.mixed("c", 4, 5);

  @TempDir Path dir;
  private Path checkpoint;

  /** A fit stopped by its budget in iteration 1, after its first batch. */
  @BeforeEach
  void stoppedFit() throws IOException {
    checkpoint = dir.resolve("rpp.json");
    Files.deleteIfExists(checkpoint);
    Throwable stop = catchThrowable(() ->
        RppTesting.small(new RppTesting.Budget(RppWorld.llm().build(), 6)).checkpoint(checkpoint).build().fit(USERS));
    assertThat(stop).isInstanceOf(RppFitException.class);
  }

  private void edit(Consumer<ObjectNode> change) throws IOException {
    ObjectNode tree = (ObjectNode) AgpJson.mapper().readTree(checkpoint.toFile());
    change.accept(tree);
    AgpJson.mapper().writeValue(checkpoint.toFile(), tree);
  }

  private static ObjectNode state(ObjectNode tree) {
    return (ObjectNode) tree.get("state");
  }

  private void assertRefused(String field) {
    Throwable t = catchThrowable(() -> RppTesting.small(RppWorld.llm().build()).checkpoint(checkpoint).build().fit(USERS));
    assertThat(t).isInstanceOf(CheckpointException.class)
        .hasMessageContaining(checkpoint.toString()).hasMessageContaining(field);
  }

  @Test
  void resume_untouched_resumes() {
    RppModel m = RppTesting.small(RppWorld.llm().build()).checkpoint(checkpoint).build().fit(USERS);

    assertThat(m.history().iterations()).hasSize(3);
  }

  @Test
  void resume_strayTemporaryFileOfAKilledWrite_isRemovedAndTheFitResumes() throws IOException {
    Path stray = dir.resolve("rpp.json.5512093.tmp");
    Files.writeString(stray, "{\"format\": \"agp-rpp-checkpoint\", \"sta");
    Path unrelated = dir.resolve("rpp-other.json.7.tmp");
    Files.writeString(unrelated, "not ours");

    RppModel m = RppTesting.small(RppWorld.llm().build()).checkpoint(checkpoint).build().fit(USERS);

    assertThat(m.history().iterations()).hasSize(3);
    assertThat(stray).doesNotExist();
    assertThat(unrelated).exists();
  }

  @Test
  void resume_scheduleNumbersEdited_areRefusedNamingTheField() throws IOException {
    edit(t -> state(t).put("nextBatch", -4));
    assertRefused("state.nextBatch");

    stoppedFit();
    edit(t -> state(t).put("iteration", 3));
    assertRefused("state.iteration");

    stoppedFit();
    edit(t -> state(t).put("finished", true));
    assertRefused("state.finished");
  }

  @Test
  void resume_episodeEditedAndReSigned_isRefusedNamingTheEpisode() throws IOException {
    edit(t -> {
      ObjectNode episodes = (ObjectNode) state(t).get("episodes");
      String user = episodes.fieldNames().next();
      ArrayNode current = (ArrayNode) episodes.get(user).get("current");
      current.set(0, 99);
    });
    Checkpoints.write(checkpoint, AgpJson.mapper().readTree(checkpoint.toFile()));

    assertRefused("state.episodes.");
  }

  @Test
  void resume_historyEdited_isRefusedByTheChecksum() throws IOException {
    edit(t -> ((ObjectNode) t.get("history").get("batches").get(0)).put("meanReward", 0.999));

    assertRefused("checksum");
  }

  @Test
  void rppFitException_withCheckpoint_survivesSerialisation() throws Exception {
    Files.deleteIfExists(checkpoint);
    RppFitException e = org.assertj.core.api.Assertions.catchThrowableOfType(RppFitException.class, () ->
        RppTesting.small(new RppTesting.Budget(RppWorld.llm().build(), 6)).checkpoint(checkpoint).build().fit(USERS));

    RppFitException back = dev.agp.ExceptionsSerialisableTest.roundTrip(e);

    assertThat(back.checkpoint()).contains(checkpoint);
    assertThat(back.getMessage()).isEqualTo(e.getMessage());
    assertThat(back.iteration()).isEqualTo(e.iteration());
  }
}
