package dev.agp.testing;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.agp.llm.TokenUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A scripted {@link LlmClient} for tests: queued answers (per stage or global, served first, in
 * order), then matching rules, the most recently added first (so a rule added to an existing
 * script, such as a failure for one user, overrides the general ones), then a default.
 * Every request is recorded. Thread-safe; rules that compute answers from the request are
 * deterministic at any concurrency, queues only at concurrency 1.
 *
 * <pre>{@code
 * ScriptedLlmClient llm = ScriptedLlmClient.builder()
 *     .on(Stage.PROFILE, r -> "Likes thrillers.")
 *     .on(Stage.RERANK, r -> "<ranking>B, A, C</ranking>")
 *     .build();
 * }</pre>
 */
public final class ScriptedLlmClient implements LlmClient {

  private record Rule(Predicate<LlmRequest> match, Function<LlmRequest, LlmResponse> answer) {}

  private final Map<Stage, Deque<Function<LlmRequest, LlmResponse>>> stageQueues;
  private final Deque<Function<LlmRequest, LlmResponse>> queue;
  private final List<Rule> rules;
  private final Function<LlmRequest, LlmResponse> otherwise;
  private final List<LlmRequest> requests = Collections.synchronizedList(new ArrayList<>());

  private ScriptedLlmClient(Builder b) {
    this.stageQueues = b.stageQueues;
    this.queue = b.queue;
    this.rules = List.copyOf(b.rules);
    this.otherwise = b.otherwise;
  }

  /**
   * A new, empty script: without rules or a default, every request fails with an {@link
   * IllegalStateException} naming its stage.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client answering every request with the same text.
   *
   * @param answer the text of every answer
   * @return the client
   */
  public static ScriptedLlmClient always(String answer) {
    return builder().otherwise(r -> answer).build();
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    requests.add(request);
    Function<LlmRequest, LlmResponse> next = null;
    synchronized (this) {
      Deque<Function<LlmRequest, LlmResponse>> q = stageQueues.get(request.stage());
      if (q != null && !q.isEmpty()) {
        next = q.poll();
      } else if (!queue.isEmpty()) {
        next = queue.poll();
      }
    }
    if (next == null) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        Rule r = rules.get(i);
        if (r.match().test(request)) {
          next = r.answer();
          break;
        }
      }
    }
    if (next == null) {
      next = otherwise;
    }
    return next.apply(request);
  }

  /**
   * Every request received, in arrival order.
   *
   * @return a snapshot of the requests
   */
  public List<LlmRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /**
   * The requests of one stage, in arrival order.
   *
   * @param stage the stage
   * @return a snapshot of that stage's requests
   */
  public List<LlmRequest> requests(Stage stage) {
    return requests().stream().filter(r -> r.stage() == stage).toList();
  }

  /**
   * Requests received per stage.
   *
   * @return counts of the stages that received at least one request
   */
  public Map<Stage, Long> calls() {
    Map<Stage, Long> m = new EnumMap<>(Stage.class);
    for (LlmRequest r : requests()) {
      m.merge(r.stage(), 1L, Long::sum);
    }
    return m;
  }

  /**
   * All requests received.
   *
   * @return how many requests were received
   */
  public int callCount() {
    return requests.size();
  }

  /** Forgets the recorded requests (scripts and queues stay as they are). */
  public void clearRequests() {
    requests.clear();
  }

  /**
   * Token usage the script reports: about 4 characters a token, as providers roughly do.
   *
   * @param request the request, whose characters count as input
   * @param answer the answer, whose characters count as output
   * @return the estimated usage
   */
  public static TokenUsage approximateUsage(LlmRequest request, String answer) {
    return new TokenUsage((request.characterCount() + 3) / 4, (answer.length() + 3) / 4);
  }

  /** Builds a script. */
  public static final class Builder {
    private final Map<Stage, Deque<Function<LlmRequest, LlmResponse>>> stageQueues = new EnumMap<>(Stage.class);
    private final Deque<Function<LlmRequest, LlmResponse>> queue = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private Function<LlmRequest, LlmResponse> otherwise =
        r -> {
          throw new IllegalStateException(
              "ScriptedLlmClient: nothing scripted for a " + r.stage() + " request: "
                  + abbreviate(r.lastUserText()));
        };

    private Builder() {}

    /**
     * Answers every request of {@code stage} with {@code answer(request)}.
     *
     * @param stage the stage
     * @param answer the answer's text, from the request
     * @return this builder
     */
    public Builder on(Stage stage, Function<LlmRequest, String> answer) {
      return when(r -> r.stage() == stage, answer);
    }

    /**
     * Answers requests matching {@code match} with {@code answer(request)}.
     *
     * @param match which requests the rule serves
     * @param answer the answer's text, from the request
     * @return this builder
     */
    public Builder when(Predicate<LlmRequest> match, Function<LlmRequest, String> answer) {
      rules.add(new Rule(match, text(answer)));
      return this;
    }

    /**
     * Answers requests matching {@code match} with a full response (usage, model, attempts).
     *
     * @param match which requests the rule serves
     * @param response the response, from the request
     * @return this builder
     */
    public Builder respondWhen(Predicate<LlmRequest> match, Function<LlmRequest, LlmResponse> response) {
      rules.add(new Rule(match, response));
      return this;
    }

    /**
     * Throws {@code failure.get()} for requests matching {@code match}.
     *
     * @param match which requests fail
     * @param failure the exception to throw, a new one per request
     * @return this builder
     */
    public Builder failWhen(Predicate<LlmRequest> match, Supplier<? extends RuntimeException> failure) {
      rules.add(new Rule(match, r -> {
        throw failure.get();
      }));
      return this;
    }

    /**
     * Serves {@code answers}, in order, to the next requests of any stage.
     *
     * @param answers the answers' texts
     * @return this builder
     */
    public Builder enqueue(String... answers) {
      for (String a : answers) {
        queue.add(text(r -> a));
      }
      return this;
    }

    /**
     * Serves {@code answers}, in order, to the next requests of {@code stage}.
     *
     * @param stage the stage
     * @param answers the answers' texts
     * @return this builder
     */
    public Builder enqueue(Stage stage, String... answers) {
      Deque<Function<LlmRequest, LlmResponse>> q = stageQueues.computeIfAbsent(stage, s -> new ArrayDeque<>());
      for (String a : answers) {
        q.add(text(r -> a));
      }
      return this;
    }

    /**
     * Serves a failure to the next request of {@code stage}.
     *
     * @param stage the stage
     * @param failure the exception to throw
     * @return this builder
     */
    public Builder enqueueFailure(Stage stage, Supplier<? extends RuntimeException> failure) {
      stageQueues.computeIfAbsent(stage, s -> new ArrayDeque<>()).add(r -> {
        throw failure.get();
      });
      return this;
    }

    /**
     * The answer when nothing else matches (by default: an IllegalStateException).
     *
     * @param answer the answer's text, from the request
     * @return this builder
     */
    public Builder otherwise(Function<LlmRequest, String> answer) {
      this.otherwise = text(answer);
      return this;
    }

    /**
     * The client.
     *
     * @return a client serving this script
     */
    public ScriptedLlmClient build() {
      return new ScriptedLlmClient(this);
    }

    private static Function<LlmRequest, LlmResponse> text(Function<LlmRequest, String> answer) {
      requireNonNull(answer, "answer");
      return r -> {
        String a = answer.apply(r);
        return LlmResponse.of(a, approximateUsage(r, a));
      };
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 157) + "...";
  }
}
