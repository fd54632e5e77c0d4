package dev.agp.benchmarks;

import dev.agp.langchain4j.LlmBackends;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The control for what a fit costs beyond its floor: the requests a fit made, in the rounds it
 * made them, sent again through LangChain4j's {@link OpenAiChatModel} as a user would build it
 * (its own JDK HTTP client, HTTP/1.1 as the SDK uses for local servers, no retries), on a pool of
 * as many threads as the fit's concurrency, with none of the SDK's code on the way: no prompt
 * building, no parsing, no gate, no limits. Run in a fresh JVM it shows what the required
 * components alone (LangChain4j's JSON mapping, the JDK HTTP client, the JVM's class loading and
 * JIT) cost cold; the fit's cold cost above it is the SDK's.
 *
 * <p>Rounds are replayed one after another, each waiting for its slowest call, where the fit
 * starts a user's next call as soon as that user's answer is in: the replay's rounds can only be
 * slower than the fit's, never faster, which favours the SDK in the comparison. A round is read
 * from the recording as the calls that started within half a latency of the call before (calls
 * of one round start together, the next round a latency later).
 */
final class BareReplay {

  private BareReplay() {}

  /** A request and when it started. */
  record Started(long nanos, LlmRequest request) {}

  /** A client that passes requests on and notes when each started. */
  static final class Recorder implements LlmClient {
    private final LlmClient next;
    private final List<Started> started = new ArrayList<>();

    Recorder(LlmClient next) {
      this.next = next;
    }

    @Override
    public LlmResponse complete(LlmRequest request) {
      long t = System.nanoTime();
      synchronized (started) {
        started.add(new Started(t, request));
      }
      return next.complete(request);
    }

    /** The recorded requests in rounds (see {@link BareReplay#rounds}). */
    List<List<LlmRequest>> rounds(long gapNanos) {
      synchronized (started) {
        return BareReplay.rounds(started, gapNanos);
      }
    }
  }

  /**
   * Requests in the order they started, in rounds: one that started more than {@code gapNanos}
   * after the one before opens a round.
   */
  static List<List<LlmRequest>> rounds(List<Started> started, long gapNanos) {
    List<Started> s = new ArrayList<>(started);
    s.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    List<List<LlmRequest>> rounds = new ArrayList<>();
    long last = 0;
    for (Started x : s) {
      if (rounds.isEmpty() || x.nanos() - last > gapNanos) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(rounds.size() - 1).add(x.request());
      last = x.nanos();
    }
    return rounds;
  }

  /** Writes rounds of requests (plain data streams, so that reading them loads no JSON library before the replay). */
  static void write(List<List<LlmRequest>> rounds, Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(rounds.size());
      for (List<LlmRequest> round : rounds) {
        out.writeInt(round.size());
        for (LlmRequest r : round) {
          out.writeUTF(r.stage().name());
          out.writeDouble(r.temperature());
          out.writeInt(r.maxOutputTokens().orElse(-1));
          out.writeBoolean(r.json());
          out.writeInt(r.messages().size());
          for (LlmMessage m : r.messages()) {
            out.writeUTF(m.role().name());
            byte[] text = m.text().getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
          }
        }
      }
    }
  }

  static List<List<LlmRequest>> read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      int n = in.readInt();
      List<List<LlmRequest>> rounds = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int calls = in.readInt();
        List<LlmRequest> round = new ArrayList<>(calls);
        for (int j = 0; j < calls; j++) {
          Stage stage = Stage.valueOf(in.readUTF());
          double temperature = in.readDouble();
          int max = in.readInt();
          boolean json = in.readBoolean();
          int messages = in.readInt();
          List<LlmMessage> ms = new ArrayList<>(messages);
          for (int k = 0; k < messages; k++) {
            LlmMessage.Role role = LlmMessage.Role.valueOf(in.readUTF());
            ms.add(new LlmMessage(role, new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8)));
          }
          round.add(new LlmRequest(ms, stage, temperature, max < 0 ? OptionalInt.empty() : OptionalInt.of(max), json));
        }
        rounds.add(round);
      }
      return rounds;
    }
  }

  /** LangChain4j's OpenAI model at the settings the SDK gives it for a local server, on LangChain4j's own HTTP client. */
  static ChatModel model(String baseUrl, String apiKey, String modelName) {
    return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(modelName)
        .timeout(LlmBackends.DEFAULT_TIMEOUT).maxRetries(0)
        .httpClientBuilder(JdkHttpClient.builder()
            .httpClientBuilder(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)))
        .build();
  }

  /** Seconds to send every round through {@code model} on {@code threads} threads, each round after the one before. */
  static double run(List<List<LlmRequest>> rounds, ChatModel model, int threads)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long t0 = System.nanoTime();
      for (List<LlmRequest> round : rounds) {
        List<Future<?>> calls = new ArrayList<>(round.size());
        for (LlmRequest r : round) {
          calls.add(pool.submit(() -> model.chat(chatRequest(r))));
        }
        for (Future<?> f : calls) {
          f.get();
        }
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The request as LangChain4j's: messages (no blank system message), temperature, output cap,
   * JSON mode; written here rather than borrowed so that the control runs no SDK code (a test
   * checks it against the SDK's mapping).
   */
  static ChatRequest chatRequest(LlmRequest r) {
    List<ChatMessage> messages = new ArrayList<>(r.messages().size());
    for (LlmMessage m : r.messages()) {
      switch (m.role()) {
        case SYSTEM -> {
          if (!m.text().isBlank()) {
            messages.add(SystemMessage.from(m.text()));
          }
        }
        case USER -> messages.add(UserMessage.from(m.text()));
        case ASSISTANT -> messages.add(AiMessage.from(m.text()));
      }
    }
    var p = ChatRequestParameters.builder().temperature(r.temperature());
    r.maxOutputTokens().ifPresent(p::maxOutputTokens);
    if (r.json()) {
      p.responseFormat(ResponseFormat.JSON);
    }
    return ChatRequest.builder().messages(messages).parameters(p.build()).build();
  }
}
