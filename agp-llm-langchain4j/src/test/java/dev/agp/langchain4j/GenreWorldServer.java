package dev.agp.langchain4j;

import dev.agp.langchain4j.LoopbackServer.Answer;
import dev.agp.langchain4j.LoopbackServer.Hang;
import dev.agp.langchain4j.LoopbackServer.Raw;
import dev.agp.langchain4j.LoopbackServer.Received;
import dev.agp.langchain4j.LoopbackServer.Reply;
import dev.agp.langchain4j.LoopbackServer.Reset;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The server side of {@link GenreWorld}: answers each AGP stage as GenreWorld's script does, and
 * optionally injects faults and malformed answers at exactly the given rates of the requests
 * received, spread evenly in arrival order (faults cycle through every {@link Fault} kind so that
 * all of them occur). Fault bodies echo the caller's
 * Authorization header, as careless servers do, so that redaction is exercised.
 */
final class GenreWorldServer implements LoopbackServer.Handler {

  /** The faults a server can inject. */
  enum Fault {
    RATE_LIMIT_RETRY_AFTER_SECONDS,
    RATE_LIMIT_RETRY_AFTER_MS,
    SERVER_ERROR_500,
    UNAVAILABLE_503,
    TRUNCATED_JSON,
    EMPTY_CHOICES,
    HANG_PAST_TIMEOUT,
    CONNECTION_RESET
  }

  static final String[] MALFORMED = {
    "Sorry, I cannot help with that.",
    "```json\n{\"ranking\": [\"ZZ\", \"B\", \"B\"]}\n```",
    "",
  };

  private final ScriptedLlmClient world = GenreWorld.llm().build();
  private final double faultRate;
  private final double malformedRate;
  private final Duration hang;
  private final long seed;
  private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
  private int requests;
  private int faultCount;
  private int malformed;
  private int malformedOwed;

  GenreWorldServer(double faultRate, double malformedRate, Duration hang, long seed) {
    this.faultRate = faultRate;
    this.malformedRate = malformedRate;
    this.hang = hang;
    this.seed = seed;
  }

  /** A server answering every request well. */
  static GenreWorldServer faultless() {
    return new GenreWorldServer(0, 0, Duration.ZERO, 1);
  }

  @Override
  public Reply handle(Received r) {
    Fault fault = null;
    int bad = -1;
    synchronized (this) {
      int k = requests++;
      // request k is due a fault (a malformed answer) when the running quota crosses an integer
      if (Math.floor((k + 1) * faultRate) > Math.floor(k * faultRate)) {
        fault = Fault.values()[(int) ((faultCount++ + seed) % Fault.values().length)];
        faults.merge(fault, 1, Integer::sum);
      }
      if (Math.floor((k + 1) * malformedRate) > Math.floor(k * malformedRate)) {
        malformedOwed++;
      }
      if (fault == null && malformedOwed > 0) {
        malformedOwed--;
        bad = malformed++;
      }
    }
    if (fault != null) {
      return fault(fault, r);
    }
    if (bad >= 0) {
      return LoopbackServer.answer(r, MALFORMED[bad % MALFORMED.length]);
    }
    return LoopbackServer.answer(r, world.complete(r.request()).text());
  }

  private Reply fault(Fault f, Received r) {
    String echo = "{\"error\":{\"message\":\"trouble for " + r.authorization().replace("\"", "") + "\"}}";
    String whole = LoopbackServer.completion(LoopbackServer.answer(r, "a good answer, cut"));
    return switch (f) {
      case RATE_LIMIT_RETRY_AFTER_SECONDS -> new Raw(429, echo, Map.of("Retry-After", "0"));
      case RATE_LIMIT_RETRY_AFTER_MS -> new Raw(429, echo, Map.of("retry-after-ms", "20"));
      case SERVER_ERROR_500 -> new Raw(500, echo, Map.of());
      case UNAVAILABLE_503 -> new Raw(503, echo, Map.of());
      case TRUNCATED_JSON -> new Raw(200, whole.substring(0, whole.length() / 2), Map.of());
      case EMPTY_CHOICES -> new Raw(200,
          "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"" + r.model() + "\",\"choices\":[]}", Map.of());
      case HANG_PAST_TIMEOUT -> new Hang(hang, new Answer("too late", 1, 1, r.model(), "stop"));
      case CONNECTION_RESET -> new Reset();
    };
  }

  synchronized Map<Fault, Integer> faults() {
    return Map.copyOf(faults);
  }

  synchronized int requests() {
    return requests;
  }

  synchronized int malformed() {
    return malformed;
  }

  /** Calls per stage the world answered (faults and malformed answers excluded). */
  Map<Stage, Long> answeredByStage() {
    return world.calls();
  }
}
