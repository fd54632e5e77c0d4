package dev.agp.rpp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four sentence patterns an RPP prompt is assembled from, each chosen per user by its own
 * agent. Their built-in sentences are resource files under {@code dev/agp/rpp/} in agp-core,
 * parameterised by the domain word ({@code {{domain}}}), and can be replaced through {@link
 * RppOptimizer.Builder#sentences}.
 *
 * <p>A line of a sentence file may start with an output cap in brackets, {@code [1024] Think step
 * by step ...}: the {@link dev.agp.llm.Stage#RPP_RANK} answer may then use that many tokens when the
 * action is in the prompt (see {@link RppOptimizer.Builder#outputTokens}). The built-in reasoning
 * sentences that ask for visible work (step by step, infer then rank, update your view, rank then
 * refine) carry {@value RppOptimizer#DEFAULT_REASONING_OUTPUT_TOKENS}, the reference code's cap.
 *
 * <table>
 *   <caption>Patterns and their built-in action spaces</caption>
 *   <tr><th>pattern</th><th>actions</th></tr>
 *   <tr><td>{@link #ROLE_PLAYING}</td><td>5: no role; an expert in the domain; a recommender; a
 *       ranker matching the user's interests; someone who knows the domain and senses
 *       interests</td></tr>
 *   <tr><td>{@link #HISTORY_RECORDS}</td><td>3: show 0, 1 or 2 more history items (cumulative
 *       from the initial length, capped); one fixed introducing sentence</td></tr>
 *   <tr><td>{@link #REASONING_GUIDANCE}</td><td>9 ways to reason before ranking</td></tr>
 *   <tr><td>{@link #OUTPUT_FORMAT}</td><td>5 wordings of "only the labels, best first, one per
 *       line"</td></tr>
 * </table>
 */
public enum PromptPattern {
  /** Who the LLM is asked to be; the first built-in action adds no sentence. */
  ROLE_PLAYING("role-playing.txt", "role"),
  /** How much history is shown: the actions add 0, 1 or 2 items; the sentence introduces it. */
  HISTORY_RECORDS("history-records.txt", "history"),
  /** How the LLM is told to reason before ranking. */
  REASONING_GUIDANCE("reasoning-guidance.txt", "reasoning"),
  /** How the answer must be written. */
  OUTPUT_FORMAT("output-format.txt", "format");

  /** The history agent's actions: items added to the history shown, per step. */
  public static final List<Integer> HISTORY_INCREMENTS = List.of(0, 1, 2);

  /** The resource line that stands for an action adding no sentence. */
  static final String NONE_LINE = "(none)";

  private final String resource;
  private final String tag;

  PromptPattern(String resource, String tag) {
    this.resource = resource;
    this.tag = tag;
  }

  /** {@return the file name under {@code dev/agp/rpp/}} */
  public String resource() {
    return resource;
  }

  /**
   * {@return the short name used as the tag of this pattern's sentence in RPP+ refinement prompts}
   */
  public String tag() {
    return tag;
  }

  /**
   * Whether the agent chooses among sentences (true) or, for {@link #HISTORY_RECORDS}, among
   * history increments with one fixed sentence (false). Only sentence patterns are refined by
   * RPP+.
   *
   * @return true for a sentence pattern
   */
  public boolean choosesSentences() {
    return this != HISTORY_RECORDS;
  }

  /**
   * The built-in sentences with {@code domain} substituted, in action order ("" for an action
   * that adds no sentence). For {@link #HISTORY_RECORDS}: the one introducing sentence.
   *
   * @param domain the word for what is recommended, for example {@code movie}
   * @return the sentences
   * @throws NullPointerException if domain is null
   * @throws IllegalArgumentException if domain is blank
   */
  public List<String> builtInSentences(String domain) {
    requireNonNull(domain, "domain");
    if (domain.isBlank()) {
      throw new IllegalArgumentException("domain must not be blank");
    }
    return substitute(parseSentences(RppResources.read(resource)), domain.strip());
  }

  /**
   * The built-in output caps of this pattern's actions, in action order: the {@code [N]} prefix of
   * each sentence line, 0 where a line has none.
   */
  List<Integer> builtInOutputTokens() {
    return parseOutputTokens(RppResources.read(resource));
  }

  /** The raw lines of a sentence file: comments and blank lines dropped, "(none)" read as "". */
  static List<String> parseSentences(String text) {
    List<String> out = new ArrayList<>();
    for (String line : lines(text)) {
      String s = CAP.matcher(line).replaceFirst("").strip();
      out.add(s.equalsIgnoreCase(NONE_LINE) ? "" : s);
    }
    return out;
  }

  /** The {@code [N]} output caps of a sentence file's lines, 0 for a line without one. */
  static List<Integer> parseOutputTokens(String text) {
    List<Integer> out = new ArrayList<>();
    for (String line : lines(text)) {
      Matcher m = CAP.matcher(line);
      out.add(m.find() ? Integer.parseInt(m.group(1)) : 0);
    }
    return out;
  }

  /** A leading output cap: one to six digits in brackets. */
  private static final Pattern CAP = Pattern.compile("^\\[(\\d{1,6})]\\s*");

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n")) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code {{domain}}} replaced in every sentence. */
  static List<String> substitute(List<String> sentences, String domain) {
    return sentences.stream().map(s -> s.replace("{{domain}}", domain).strip()).toList();
  }

  /** The pattern's name in lower case, as in messages: {@code "reasoning_guidance"}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
