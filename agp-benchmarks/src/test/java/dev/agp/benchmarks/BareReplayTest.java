package dev.agp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.langchain4j.LangChain4jLlmClient;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BareReplayTest {

  private static LlmRequest request(String text) {
    return LlmRequest.of(Stage.PROFILE, List.of(new LlmMessage(LlmMessage.Role.USER, text)));
  }

  @Test
  void rounds_splitWhereTheGapBetweenStartsExceedsTheLimit_inStartOrder() {
    LlmRequest a = request("a"), b = request("b"), c = request("c"), d = request("d"), e = request("e");
    // out of order on purpose: the recorder sees calls in the order their threads got the lock
    List<BareReplay.Started> started = List.of(
        new BareReplay.Started(1_000, b), new BareReplay.Started(0, a), new BareReplay.Started(101_000, c),
        new BareReplay.Started(151_002, e), new BareReplay.Started(151_001, d));

    assertThat(BareReplay.rounds(started, 50_000)).containsExactly(List.of(a, b), List.of(c), List.of(d, e));
    assertThat(BareReplay.rounds(started, 50_001)).containsExactly(List.of(a, b), List.of(c, d, e)); // 50,001 apart: not over
    assertThat(BareReplay.rounds(started, 99_999)).containsExactly(List.of(a, b), List.of(c, d, e));
    assertThat(BareReplay.rounds(started, 100_000)).containsExactly(List.of(a, b, c, d, e));
    assertThat(BareReplay.rounds(List.of(), 1)).isEmpty();
  }

  @Test
  void writeThenRead_givesTheSameRequests(@TempDir Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "ab \n\"{}é漢😀\u0000";
    List<List<LlmRequest>> rounds = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      List<LlmRequest> round = new ArrayList<>();
      for (int i = 0; i < r; i++) {
        List<LlmMessage> messages = new ArrayList<>();
        for (LlmMessage.Role role : LlmMessage.Role.values()) {
          StringBuilder text = new StringBuilder();
          int n = random.nextInt(i == 0 ? 70_000 : 50); // one text over writeUTF's 65,535-byte limit
          for (int k = 0; k < n; k++) {
            text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
          }
          messages.add(new LlmMessage(role, text.toString()));
        }
        Stage stage = Stage.values()[random.nextInt(Stage.values().length)];
        round.add(new LlmRequest(messages, stage, random.nextInt(21) / 10.0,
            random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(random.nextInt(4096)), random.nextBoolean()));
      }
      rounds.add(round);
    }
    Path file = dir.resolve("requests.bin");

    BareReplay.write(rounds, file);

    assertThat(BareReplay.read(file)).isEqualTo(rounds);
  }

  @Test
  void chatRequest_isWhatTheSdksClientSendsLangChain4j() {
    List<ChatRequest> seen = new ArrayList<>();
    ChatModel capturing = new ChatModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        seen.add(request);
        return ChatResponse.builder().aiMessage(AiMessage.from("ok")).build();
      }
    };
    LlmClient sdk = LangChain4jLlmClient.of(capturing);
    List<LlmRequest> requests = List.of(
        new LlmRequest(List.of(new LlmMessage(LlmMessage.Role.SYSTEM, "  "), new LlmMessage(LlmMessage.Role.USER, "u")),
            Stage.RERANK, 0.0, OptionalInt.empty(), false),
        new LlmRequest(List.of(new LlmMessage(LlmMessage.Role.SYSTEM, "s"), new LlmMessage(LlmMessage.Role.USER, "u"),
            new LlmMessage(LlmMessage.Role.ASSISTANT, "a"), new LlmMessage(LlmMessage.Role.USER, "v")),
            Stage.OPTIMIZE, 0.7, OptionalInt.of(300), true));

    for (LlmRequest r : requests) {
      sdk.complete(r);
      assertThat(BareReplay.chatRequest(r)).isEqualTo(seen.get(seen.size() - 1));
    }
  }
}
