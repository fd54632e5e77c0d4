package dev.agp.rpp;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic world in which the best reasoning sentence depends on the kind of user.
 *
 * <ul>
 *   <li><b>Saga watchers</b> mostly watch sagas ({@code "Saga of Orion, Part 3"}); their last item
 *       is a saga part and the held-out item is the next part. A candidate of the genre they
 *       watched most besides sagas is a distractor.
 *   <li><b>Genre fans</b> mostly watch one genre ({@code "Story 12 (drama)"}); the held-out item is
 *       a candidate of that genre. Their last item is a saga part, and its next part is a
 *       distractor.
 * </ul>
 *
 * The scripted LLM answers RPP_RANK from the request text alone: with the reasoning sentence
 * {@link #NEXT} it puts the next part of the last saga in the shown history first; with {@link
 * #WHOLE} it puts candidates of the shown history's most frequent genre first; with any other
 * reasoning it keeps the shown order. So NEXT is right for saga watchers and WHOLE for genre
 * fans. RPP_REFINE appends a clause to each sentence (the original stays contained, so refined
 * sentences keep their meaning to the script).
 */
final class RppWorld {

  static final String DOMAIN = "movie";
  static final List<String> REASONING = PromptPattern.REASONING_GUIDANCE.builtInSentences(DOMAIN);
  /** "Think step by step about which candidate the user is most likely to choose next ...". */
  static final int NEXT = 3;
  /** "Rank the candidates by how similar they are to the user's whole history." */
  static final int WHOLE = 7;

  enum Kind { SAGA, GENRE }

  private static final List<String> GENRES = List.of("action", "comedy", "drama", "horror", "western");
  private static final List<String> SAGAS =
      List.of("Orion", "Lyra", "Vega", "Draco", "Cygnus", "Perseus", "Aquila", "Hydra", "Phoenix", "Pavo");
  private static final Pattern SAGA = Pattern.compile("Saga of (\\w+), Part (\\d+)");
  private static final Pattern GENRE = Pattern.compile("\\((\\w+)\\)");
  private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\[([A-Z]{1,2})] (.*)$");

  private RppWorld() {}

  static Item genreItem(String genre, int n) {
    return Item.of("g-" + genre + "-" + n, "Story " + (10 + n) + " (" + genre + ")");
  }

  static Item sagaItem(String saga, int part) {
    return Item.of("s-" + saga + "-" + part, "Saga of " + saga + ", Part " + part);
  }

  /** {@code n} users of {@code kind}, ids {@code prefix0..}, seeded. */
  static List<UserCase> users(Kind kind, String prefix, int n, long seed) {
    Random r = new Random(seed);
    List<UserCase> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + i;
      String genre = GENRES.get(r.nextInt(GENRES.size()));
      List<Item> history = new ArrayList<>();
      String lastSaga = SAGAS.get(r.nextInt(SAGAS.size()));
      int lastPart = 2 + r.nextInt(4);
      if (kind == Kind.SAGA) {
        String earlier = other(SAGAS, lastSaga, r);
        for (int p = 1; p <= 3; p++) {
          history.add(sagaItem(earlier, p));
        }
        history.add(genreItem(genre, r.nextInt(30)));
        for (int p = Math.max(1, lastPart - 3); p <= lastPart; p++) {
          history.add(sagaItem(lastSaga, p));
        }
      } else {
        for (int h = 0; h < 7; h++) {
          history.add(genreItem(genre, r.nextInt(30)));
        }
        history.add(sagaItem(lastSaga, lastPart));
      }
      Item next = sagaItem(lastSaga, lastPart + 1);
      Item genreCandidate = genreItem(genre, 30 + r.nextInt(30));
      Item relevant = kind == Kind.SAGA ? next : genreCandidate;
      Item distractor = kind == Kind.SAGA ? genreCandidate : next;
      List<Item> fillers = new ArrayList<>();
      while (fillers.size() < 8) {
        Item f = r.nextBoolean()
            ? genreItem(other(GENRES, genre, r), 60 + r.nextInt(40))
            : sagaItem(other(SAGAS, lastSaga, r), 1 + r.nextInt(6));
        if (!fillers.contains(f) && history.stream().noneMatch(h -> h.id().equals(f.id()))) {
          fillers.add(f);
        }
      }
      List<Item> candidates = new ArrayList<>(fillers);
      candidates.add(1 + r.nextInt(candidates.size()), relevant);
      int at = 1 + r.nextInt(candidates.size());
      candidates.add(at, distractor);
      out.add(new UserCase(id, history, candidates, Set.of(relevant.id())));
    }
    return out;
  }

  private static String other(List<String> from, String not, Random r) {
    while (true) {
      String s = from.get(r.nextInt(from.size()));
      if (!s.equals(not)) {
        return s;
      }
    }
  }

  /** The script, as the class comment says. */
  static ScriptedLlmClient.Builder llm() {
    return ScriptedLlmClient.builder()
        .on(Stage.RPP_RANK, RppWorld::rank)
        .on(Stage.RPP_REFINE, RppWorld::refine);
  }

  /** The reasoning sentence index a ranking request uses (refined ones contain their original). */
  static int reasoning(String text) {
    for (int i = 0; i < REASONING.size(); i++) {
      if (text.contains(REASONING.get(i))) {
        return i;
      }
    }
    return -1;
  }

  static String rank(LlmRequest request) {
    String text = request.lastUserText();
    String history = between(text, "<history>", "</history>");
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher c = CANDIDATE.matcher(between(text, "<candidates>", "</candidates>"));
    while (c.find()) {
      labels.put(c.group(1), c.group(2));
    }
    String first = null;
    int reasoning = reasoning(text);
    if (reasoning == NEXT) {
      Matcher m = SAGA.matcher(history);
      String saga = null;
      int part = 0;
      while (m.find()) {
        saga = m.group(1);
        part = Integer.parseInt(m.group(2));
      }
      if (saga != null) {
        first = "Saga of " + saga + ", Part " + (part + 1);
      }
    } else if (reasoning == WHOLE) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      Matcher m = GENRE.matcher(history);
      while (m.find()) {
        counts.merge(m.group(1), 1, Integer::sum);
      }
      first = counts.entrySet().stream().max(Map.Entry.comparingByValue())
          .map(e -> "(" + e.getKey() + ")").orElse(null);
    }
    List<String> order = new ArrayList<>();
    if (first != null) {
      String f = first;
      labels.forEach((l, t) -> {
        if (t.contains(f)) {
          order.add(l);
        }
      });
    }
    labels.keySet().forEach(l -> {
      if (!order.contains(l)) {
        order.add(l);
      }
    });
    return String.join("\n", order);
  }

  static String refine(LlmRequest request) {
    String text = request.lastUserText();
    StringBuilder sb = new StringBuilder("Here are the sentences.\n");
    for (PromptPattern p : PromptPattern.values()) {
      String original = between(text, "<" + p.tag() + ">", "</" + p.tag() + ">");
      if (!original.isEmpty()) {
        sb.append('<').append(p.tag()).append('>').append(original.strip())
            .append(" Mind this user's taste.</").append(p.tag()).append(">\n");
      }
    }
    return sb.toString();
  }

  static String between(String text, String open, String close) {
    int a = text.indexOf(open);
    int b = a < 0 ? -1 : text.indexOf(close, a + open.length());
    if (a < 0 || b < 0) {
      return "";
    }
    return text.substring(a + open.length(), b);
  }
}
