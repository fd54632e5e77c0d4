package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every exception the SDK throws survives Java serialisation with its details (RMI, Spark, caches). */
public class ExceptionsSerialisableTest {

  @TempDir Path dir;

  @SuppressWarnings("unchecked")
  public static <T extends java.io.Serializable> T roundTrip(T t) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(t);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void agpFitException_withFailuresAndCheckpoint_survivesSerialisation() throws Exception {
    Path checkpoint = dir.resolve("agp.json");
    ScriptedLlmClient failing = ScriptedLlmClient.builder()
        .failWhen(r -> true, () -> new LlmRetriableException("HTTP 503", null, Stage.PROFILE, 1, 503, Duration.ofSeconds(2)))
        .build();
    AgpFitException e = catchThrowableOfType(AgpFitException.class, () -> AgpOptimizer.builder().llm(failing)
        .domain("movie").batchSize(3).epochs(1).checkpoint(checkpoint).build()
        .fit(GenreWorld.users("s", 6, 1), GenreWorld.users("w", 3, 2)));

    AgpFitException back = roundTrip(e);

    assertThat(back.getMessage()).isEqualTo(e.getMessage());
    assertThat(back.checkpoint()).contains(checkpoint);
    assertThat(back.failures()).isEqualTo(e.failures()).isNotEmpty();
    assertThat(back.epoch()).isEqualTo(e.epoch());
  }

  @Test
  void coreExceptions_surviveSerialisationWithTheirDetails() throws Exception {
    LlmRetriableException retriable = new LlmRetriableException("rate limited", null, Stage.RERANK, 2, 429, Duration.ofMillis(300));
    LlmBudgetExceededException budget = new LlmBudgetExceededException("spent", Stage.OPTIMIZE);
    CheckpointException checkpoint = new CheckpointException(dir.resolve("c.json"), "state.epoch", "bad epoch", null);
    AnswerParseException parse = new AnswerParseException(12, new StackOverflowError("deep"));

    LlmRetriableException r = roundTrip(retriable);
    assertThat(r.retryAfter()).contains(Duration.ofMillis(300));
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.stage()).contains(Stage.RERANK);
    assertThat(roundTrip(budget).requestSent()).isFalse();
    CheckpointException c = roundTrip(checkpoint);
    assertThat(c.file()).isEqualTo(dir.resolve("c.json"));
    assertThat(c.field()).contains("state.epoch");
    assertThat(roundTrip(parse).answerLength()).isEqualTo(12);
    assertThat(roundTrip(new UserFailure("u", Stage.PROFILE, "E", "m"))).isNotNull();
    assertThat(List.of(r, c)).doesNotContainNull();
  }
}
