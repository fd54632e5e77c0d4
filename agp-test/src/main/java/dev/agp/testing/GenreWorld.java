package dev.agp.testing;

import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small deterministic world for tests of the optimizers: every user has a favourite genre,
 * titles carry the user and their genre ({@code "Film u3-7 (drama)"}), and exactly one candidate (the relevant
 * one) is of the user's favourite genre. Its LLM answers from the request text alone:
 *
 * <ul>
 *   <li>PROFILE: "Favourite genre: g." when the instruction mentions "genre", else the last title;
 *   <li>RERANK: candidates of the profile's genre first, else the base order reversed;
 *   <li>CRITIQUE / SUMMARIZE: advice to name the favourite genre;
 *   <li>OPTIMIZE: the instruction plus "Name the favourite genre." when it lacks "genre", else plus
 *       " Be concise." (so every update changes the prompt).
 * </ul>
 *
 * A prompt without "genre" scores low; the first update teaches it and the score jumps to 1.
 */
public final class GenreWorld {

  /** The genres of the world's titles; user {@code i}'s favourite is {@code GENRES.get(i % 5)}. */
  public static final List<String> GENRES = List.of("action", "comedy", "drama", "horror", "scifi");

  /** A profile prompt without "genre": it scores low until a prompt update teaches it. */
  public static final String NAIVE_PROMPT = "Describe the user in one sentence.";

  private static final Pattern TITLE_GENRE = Pattern.compile("\\((\\w+)\\)");
  private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\[([A-Z]{1,2})] (.*)$");
  private static final Pattern FAVOURITE = Pattern.compile("Favourite genre: (\\w+)");

  private GenreWorld() {}

  /**
   * {@code n} users named {@code prefix0..}, each with 6 history items and 10 base-ordered
   * candidates of which exactly one (of the favourite genre) is relevant.
   *
   * @param prefix the user id prefix
   * @param n how many users
   * @param seed the seed of the other genres and of the relevant candidate's position
   * @return the users, the same for the same arguments
   */
  public static List<UserCase> users(String prefix, int n, long seed) {
    Random r = new Random(seed);
    List<UserCase> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String fav = GENRES.get(i % GENRES.size());
      String uid = prefix + i;
      List<Item> history = new ArrayList<>();
      for (int h = 0; h < 6; h++) {
        String g = h % 3 == 2 ? other(fav, r) : fav;
        history.add(Item.of(uid + "-h" + h, "Seen " + uid + "-" + h + " (" + g + ")"));
      }
      int relevantAt = 1 + r.nextInt(9);
      List<Item> candidates = new ArrayList<>();
      String relevant = null;
      for (int c = 0; c < 10; c++) {
        String g = c == relevantAt ? fav : other(fav, r);
        Item item = Item.of(uid + "-c" + c, "Film " + uid + "-" + c + " (" + g + ")");
        if (c == relevantAt) {
          relevant = item.id();
        }
        candidates.add(item);
      }
      out.add(new UserCase(uid, history, candidates, Set.of(relevant)));
    }
    return out;
  }

  private static String other(String fav, Random r) {
    while (true) {
      String g = GENRES.get(r.nextInt(GENRES.size()));
      if (!g.equals(fav)) {
        return g;
      }
    }
  }

  /**
   * A script answering every AGP stage as the class comment says; add rules for other stages.
   *
   * @return a builder of the script
   */
  public static ScriptedLlmClient.Builder llm() {
    return ScriptedLlmClient.builder()
        .on(Stage.PROFILE, GenreWorld::profile)
        .on(Stage.RERANK, GenreWorld::rerank)
        .on(Stage.CRITIQUE, r -> "The profile never named the favourite genre, so the ranking could not find it.")
        .on(Stage.SUMMARIZE, r -> "1. Name the user's favourite genre in the profile.")
        .on(Stage.OPTIMIZE, GenreWorld::optimize);
  }

  static String profile(LlmRequest r) {
    String text = r.lastUserText();
    String instruction = text.substring(0, text.indexOf("The user's"));
    String history = between(text, "<history>", "</history>");
    if (instruction.toLowerCase().contains("genre")) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      Matcher m = TITLE_GENRE.matcher(history);
      while (m.find()) {
        counts.merge(m.group(1), 1, Integer::sum);
      }
      String top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("none");
      return "Favourite genre: " + top + ".";
    }
    String[] lines = history.strip().split("\n");
    return "Recently watched " + lines[lines.length - 1].replaceFirst("^\\d+\\. ", "") + ".";
  }

  static String rerank(LlmRequest r) {
    String text = r.lastUserText();
    Matcher f = FAVOURITE.matcher(between(text, "<profile>", "</profile>"));
    String genre = f.find() ? f.group(1) : null;
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher c = CANDIDATE.matcher(between(text, "<candidates>", "</candidates>"));
    while (c.find()) {
      labels.put(c.group(1), c.group(2));
    }
    List<String> order = new ArrayList<>();
    if (genre != null) {
      labels.forEach((l, t) -> {
        if (t.contains("(" + genre + ")")) {
          order.add(l);
        }
      });
      labels.keySet().forEach(l -> {
        if (!order.contains(l)) {
          order.add(l);
        }
      });
    } else {
      labels.keySet().forEach(l -> order.add(0, l));
    }
    return "<ranking>" + String.join(", ", order) + "</ranking>";
  }

  static String optimize(LlmRequest r) {
    String instruction = between(r.lastUserText(), "<instruction>", "</instruction>").strip();
    String next = instruction.toLowerCase().contains("genre")
        ? instruction + " Be concise."
        : instruction + " Name the favourite genre.";
    return "Here is the improved instruction.\n<prompt>\n" + next + "\n</prompt>";
  }

  static String between(String text, String open, String close) {
    int a = text.indexOf(open);
    int b = text.indexOf(close, a + 1);
    if (a < 0 || b < 0) {
      return "";
    }
    return text.substring(a + open.length(), b);
  }

  /**
   * Counts of requests per stage, as a plain map for assertions.
   *
   * @param llm the client
   * @return requests per stage
   */
  public static Map<Stage, Long> counts(ScriptedLlmClient llm) {
    return new HashMap<>(llm.calls());
  }
}
