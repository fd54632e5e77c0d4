package dev.agp.prompt;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agp.AnswerParseException;
import dev.agp.Item;
import dev.agp.RepairStats.ParseMethod;
import dev.agp.RepairStats;
import dev.agp.prompt.AnswerText;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads an LLM's ranking answer into a permutation of the candidates, whatever it looks like.
 *
 * <p>The answer is first {@linkplain AnswerText#normalise made safe}: cut to {@link
 * AnswerText#MAX_CHARS} characters (its first and last halves), NFKC-normalised (fullwidth
 * letters and brackets read as ASCII), invisible characters dropped, CJK commas read as commas.
 * Then the cascade, first success wins: the labels inside the last {@code <ranking>} block (closed
 * or cut off); a JSON array, or an array under a key such as {@code ranking} or {@code order},
 * fenced or not; a list of labels or titles on lines, or separated by commas, semicolons, bars or
 * arrows, preferring the longest list block and, on ties, the last; candidate titles found in free
 * text. Titles match without case, punctuation, a trailing year or a moved article ({@code
 * "Matrix, The"}).
 *
 * <p>Labels are read only where a label stands: a whole list element ({@code C}, {@code [C]},
 * {@code (C)}, {@code C.}, {@code **C**}, {@code "C"}, {@code Label C}), the start of an element
 * followed by a title ({@code [C] Heat}, {@code C - Heat}), a line of labels only ({@code C A B},
 * {@code (C) (A) (B)}), or a label in square brackets, which titles can never contain (the prompt
 * shows them without). A line that starts with a label and a title, as the model echoes the
 * candidate block, is read by that first label only, so a title such as {@code Best [E] [A] [B]}
 * or {@code Plan (B)} cannot promote or move an item.
 *
 * <p>The first of duplicates is kept, unknown labels are dropped, and candidates the answer left
 * out are appended in base order; {@link RepairStats} counts each repair. Every step runs in time
 * linear in the answer (no recursion over the answer and no backtracking regular expression):
 * even a {@link AnswerText#MAX_CHARS}-character answer parses in milliseconds. Never re-asks.
 */
public final class RankingParser {

  /**
   * A parsed answer.
   *
   * @param itemIds a permutation of the candidates' ids, best first
   * @param stats how it was read and repaired
   */
  public record Result(List<String> itemIds, RepairStats stats) {
    /**
     * @param itemIds a permutation of the candidates' ids, best first
     * @param stats how it was read and repaired
     * @throws NullPointerException if an argument is null
     */
    public Result {
      itemIds = List.copyOf(itemIds);
      requireNonNull(stats, "stats");
    }
  }

  /** The lenient JSON reader, built on the first answer that looks like JSON (most answers are not). */
  private static final class LenientJson {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();
  }

  // on titles only (data, capped at MAX_TITLE_CHARS), never on the answer
  private static final Pattern PARENTHESISED = Pattern.compile("\\s*\\([^)]*\\)");
  private static final Pattern YEAR_SUFFIX = Pattern.compile("\\s*\\(\\d{4}\\)\\s*$");
  private static final Pattern MOVED_ARTICLE =
      Pattern.compile("^(.*), (The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El|Los|Las)(\\s*\\(\\d{4}\\))?$");

  /** The part of a title matched against answers: no model sees more than this of it. */
  static final int MAX_TITLE_CHARS = 300;
  private static final int MIN_CONTAINED_TITLE = 4;
  /** The {@code <ranking>} blocks read, the last ones: a real answer has one, or a correction. */
  static final int MAX_TAGGED_BLOCKS = 64;
  private static final String QUOTES = "\"'“”‘’";
  private static final String DASHES = "-–—:";
  private static final List<String> LABEL_WORDS = List.of("label", "option", "candidate", "item", "choice");
  private static final List<String> RANK_WORDS = List.of("rank", "position", "no.", "no");
  private static final int UNKNOWN = -1;
  private static final int AMBIGUOUS = -2;
  /** Added to a candidate's index when a title, not a label, named it. */
  private static final int BY_TITLE = 1 << 20;

  /** How a label is written; a line of labels uses one form throughout. */
  private enum Form { SQUARE, PAREN, BARE, LOWER }

  /** A label read at some position: its token and where its text ends. */
  private record Label(int token, Form form, int end) {}

  private final int size;
  private final List<Item> shown;
  private @Nullable Map<String, Integer> titleVariants;
  private @Nullable TitleMatcher matcher;

  private RankingParser(List<Item> shown) {
    this.size = shown.size();
    this.shown = shown;
  }

  /**
   * Parses {@code answer} for candidates shown in base order.
   *
   * @param answer the LLM's answer
   * @param shown the candidates shown, in base order
   * @return the ranking and how it was repaired
   * @throws NullPointerException if an argument or candidate is null
   * @throws IllegalArgumentException if there are more candidates than labels
   * @throws AnswerParseException if reading this answer failed unexpectedly (a defect, never the
   *     shape of the answer); callers treat it as this user's failure
   */
  public static Result parse(String answer, List<Item> shown) {
    requireNonNull(shown, "shown");
    List<String> base = new ArrayList<>(shown.size());
    for (int i = 0; i < shown.size(); i++) {
      base.add(requireNonNull(shown.get(i), "shown[" + i + "] is null").id());
    }
    return parse(answer, shown, base);
  }

  /**
   * Parses {@code answer} for candidates shown under labels A, B, ... in the order of {@code
   * shown}; candidates the answer omits are appended in {@code baseOrder}.
   *
   * @param answer the LLM's answer
   * @param shown the candidates in the order shown under the labels
   * @param baseOrder the candidate ids in base order, for appending what the answer left out
   * @return the ranking and how it was repaired
   * @throws NullPointerException if an argument or an element is null (the message names its index)
   * @throws IllegalArgumentException if baseOrder is not a permutation of the shown ids, or there
   *     are more candidates than labels
   * @throws AnswerParseException if reading this answer failed unexpectedly (a defect, never the
   *     shape of the answer); callers treat it as this user's failure
   */
  public static Result parse(String answer, List<Item> shown, List<String> baseOrder) {
    requireNonNull(answer, "answer");
    requireNonNull(shown, "shown");
    requireNonNull(baseOrder, "baseOrder");
    if (shown.size() > CandidateLabels.MAX_CANDIDATES) {
      throw new IllegalArgumentException(
          shown.size() + " candidates, but at most " + CandidateLabels.MAX_CANDIDATES + " can be labelled");
    }
    Map<String, Integer> byId = new HashMap<>();
    for (int i = 0; i < shown.size(); i++) {
      byId.put(requireNonNull(shown.get(i), "shown[" + i + "] is null").id(), i);
    }
    for (int i = 0; i < baseOrder.size(); i++) {
      requireNonNull(baseOrder.get(i), "baseOrder[" + i + "] is null");
    }
    if (baseOrder.size() != shown.size() || !byId.keySet().equals(new HashSet<>(baseOrder))) {
      throw new IllegalArgumentException("baseOrder must be a permutation of the shown candidates");
    }
    Attempt a;
    try {
      a = new RankingParser(shown).cascade(AnswerText.normalise(answer));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // the last line of defence: a defect here is this answer's failure, never the caller's crash
      throw new AnswerParseException(answer.length(), e);
    }

    boolean[] seen = new boolean[shown.size()];
    List<String> order = new ArrayList<>(shown.size());
    int duplicates = 0;
    int unknown = 0;
    for (int token : a.tokens) {
      int t = index(token);
      if (t < 0) {
        unknown++;
      } else if (seen[t]) {
        duplicates++;
      } else {
        seen[t] = true;
        order.add(shown.get(t).id());
      }
    }
    int recognised = order.size();
    for (String id : baseOrder) {
      if (!seen[byId.get(id)]) {
        order.add(id);
      }
    }
    return new Result(
        order,
        new RepairStats(a.method, recognised, duplicates, unknown, shown.size() - recognised));
  }

  private record Attempt(ParseMethod method, List<Integer> tokens) {}

  private Attempt cascade(String text) {
    int unknownSeen = 0;
    // 1. the requested <ranking> block, last first (blocks never overlap: linear overall); an answer
    // has one or a few, so only the last MAX_TAGGED_BLOCKS are read
    List<int[]> blocks = AnswerText.blocks(text, "ranking");
    for (int k = blocks.size() - 1; k >= Math.max(0, blocks.size() - MAX_TAGGED_BLOCKS); k--) {
      List<Integer> toks = fromJsonOrList(text.substring(blocks.get(k)[0], blocks.get(k)[1]));
      if (known(toks) > 0) {
        return new Attempt(ParseMethod.TAGGED, toks);
      }
      unknownSeen = Math.max(unknownSeen, toks.size());
    }
    // 2. JSON, fenced or bare
    List<String> jsonTexts = fences(text);
    int brace = text.indexOf('{');
    int bracket = text.indexOf('[');
    if (brace >= 0) {
      jsonTexts.add(text.substring(brace));
    }
    if (bracket >= 0) {
      jsonTexts.add(text.substring(bracket));
    }
    for (String candidate : jsonTexts) {
      List<Integer> toks = json(candidate);
      if (toks != null && known(toks) > 0) {
        return new Attempt(ParseMethod.JSON, toks);
      }
      if (toks != null) {
        unknownSeen = Math.max(unknownSeen, toks.size());
      }
    }
    // 3. lists of labels or titles, or titles in free text
    List<Integer> listed = list(text);
    if (known(listed) > 0) {
      boolean titlesOnly = listed.stream().allMatch(t -> t < 0 || t >= BY_TITLE);
      return new Attempt(titlesOnly ? ParseMethod.TITLES : ParseMethod.LIST, listed);
    }
    List<Integer> unknowns = new ArrayList<>();
    for (int i = 0; i < Math.max(unknownSeen, listed.size()); i++) {
      unknowns.add(UNKNOWN);
    }
    return new Attempt(ParseMethod.NONE, unknowns);
  }

  /** The contents of {@code ```} fences (the last one may be cut off), in one pass. */
  private static List<String> fences(String text) {
    List<String> out = new ArrayList<>();
    int open = text.indexOf("```");
    while (open >= 0) {
      int start = open + 3;
      while (start < text.length() && isAsciiLetter(text.charAt(start))) {
        start++;
      }
      while (start < text.length() && (text.charAt(start) == ' ' || text.charAt(start) == '\n')) {
        start++;
      }
      int close = text.indexOf("```", start);
      out.add(text.substring(start, close < 0 ? text.length() : close));
      open = close < 0 ? -1 : text.indexOf("```", close + 3);
    }
    return out;
  }

  private static int index(int token) {
    return token >= BY_TITLE ? token - BY_TITLE : token;
  }

  private static int known(List<Integer> tokens) {
    int n = 0;
    for (int t : tokens) {
      if (t >= 0) {
        n++;
      }
    }
    return n;
  }

  private List<Integer> fromJsonOrList(String inner) {
    String s = inner.strip();
    if (s.startsWith("[") || s.startsWith("{")) {
      List<Integer> j = json(s);
      if (j != null && known(j) > 0) {
        return j;
      }
    }
    return list(s);
  }

  // ---- JSON

  private static final List<String> ORDER_KEYS =
      List.of("ranking", "ranked", "order", "ranked_labels", "labels", "ranked_items", "result",
          "items", "recommendations", "answer", "output", "list");
  private static final List<String> ELEMENT_KEYS =
      List.of("label", "id", "item", "candidate", "title", "name");

  private @Nullable List<Integer> json(String text) {
    JsonNode node;
    try {
      node = LenientJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null; // not JSON (or nested beyond Jackson's limits): the cascade moves on to lists
    }
    if (node == null || !(node.isArray() || node.isObject())) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    collect(node, out, 0);
    return out;
  }

  private void collect(JsonNode node, List<Integer> out, int depth) {
    if (depth > 4) {
      return;
    }
    if (node.isArray()) {
      for (JsonNode e : node) {
        if (e.isTextual()) {
          out.addAll(list(e.asText()));
        } else if (e.isNumber()) {
          out.add(UNKNOWN);
        } else if (e.isObject()) {
          JsonNode field = field(e, ELEMENT_KEYS);
          if (field != null && field.isValueNode()) {
            out.addAll(list(field.asText()));
          }
        } else if (e.isArray()) {
          collect(e, out, depth + 1);
        }
      }
    } else if (node.isObject()) {
      JsonNode preferred = field(node, ORDER_KEYS);
      if (preferred != null) {
        if (preferred.isTextual()) {
          out.addAll(list(preferred.asText()));
        } else {
          collect(preferred, out, depth + 1);
        }
        return;
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode v = it.next();
        if (v.isArray()) {
          collect(v, out, depth + 1);
          return;
        }
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode v = it.next();
        if (v.isObject()) {
          collect(v, out, depth + 1);
          return;
        }
      }
    }
  }

  private static @Nullable JsonNode field(JsonNode object, List<String> keys) {
    for (String k : keys) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equalsIgnoreCase(k)) {
          return e.getValue();
        }
      }
    }
    return null;
  }

  // ---- lists

  private List<Integer> list(String text) {
    String[] lines = text.split("\n");
    List<List<Integer>> perLine = new ArrayList<>(lines.length);
    for (String line : lines) {
      perLine.add(line(line));
    }
    List<Integer> best = null;
    int bestCount = 0;
    List<Integer> run = new ArrayList<>();
    for (int i = 0; i <= lines.length; i++) {
      List<Integer> toks = i < lines.length ? perLine.get(i) : List.of();
      boolean blank = i < lines.length && lines[i].isBlank();
      if (toks.size() == 1) {
        run.addAll(toks);
        continue;
      }
      if (blank) {
        continue;
      }
      int runCount = distinctKnown(run);
      if (runCount >= bestCount && runCount > 0) {
        best = List.copyOf(run);
        bestCount = runCount;
      }
      run.clear();
      int lineCount = distinctKnown(toks);
      if (toks.size() >= 2 && lineCount >= bestCount && lineCount > 0) {
        best = toks;
        bestCount = lineCount;
      }
    }
    if (best != null && bestCount >= 2) {
      return best;
    }
    List<Integer> all = new ArrayList<>();
    perLine.forEach(all::addAll);
    return all;
  }

  private static int distinctKnown(List<Integer> toks) {
    Set<Integer> s = new HashSet<>();
    for (int t : toks) {
      if (t >= 0) {
        s.add(index(t));
      }
    }
    return s.size();
  }

  /** The candidates one line names, in order. */
  private List<Integer> line(String raw) {
    String s = raw.strip();
    if (s.isEmpty()) {
      return List.of();
    }
    int p = skipEnumerator(s, skipMarkup(s, 0));
    // a line of labels only: "C, A, B", "C A B", "(C) (A) (B)", "Answer: C > A > B"
    List<Integer> labels = labelList(s, p);
    if (labels == null) {
      int w = wordPrefix(s, p);
      labels = w > p ? labelList(s, w) : null;
    }
    if (labels != null) {
      return labels;
    }
    // one label alone ("C", "[C]", "- C.", "Label C"): the common case, read without titles
    String decorated = decor(s);
    Label only = labelOnly(decorated);
    if (only != null) {
      return List.of(only.token());
    }
    // the whole line is one candidate's title
    OptionalInt whole = title(decorated);
    if (whole.isPresent()) {
      return List.of(whole.getAsInt());
    }
    // a line that starts with a label and goes on with a title: read by that label, unless the
    // rest has labels in square brackets (never part of a title): then it is a list of its own
    Label first = labelPrefix(s, skipLabelWord(s, p));
    if (first != null) {
      return hasSquareLabel(s, first.end()) ? labelsOfSegments(s) : List.of(first.token());
    }
    List<Integer> squares = squareLabels(s);
    if (!squares.isEmpty()) {
      return squares;
    }
    List<Integer> out = new ArrayList<>();
    for (String seg : split(s)) {
      out.addAll(segment(seg));
    }
    return out;
  }

  /** One element of a separated list: a label, a title, or titles in free text. */
  private List<Integer> segment(String raw) {
    OptionalInt whole = whole(raw);
    if (whole.isPresent()) {
      return List.of(whole.getAsInt());
    }
    return titleScan(raw);
  }

  /** The labels of a line's separated elements (no titles): a label in label position, or in square brackets. */
  private List<Integer> labelsOfSegments(String s) {
    List<Integer> out = new ArrayList<>();
    for (String seg : split(s)) {
      String d = decor(seg);
      Label only = labelOnly(d);
      if (only != null) {
        out.add(only.token());
        continue;
      }
      Label prefix = labelPrefix(d, 0);
      if (prefix != null) {
        out.add(prefix.token());
        continue;
      }
      out.addAll(squareLabels(seg));
    }
    return out;
  }

  /** The single candidate a whole segment names, if it names exactly one. */
  private OptionalInt whole(String raw) {
    String s = decor(raw);
    OptionalInt r = wholeOnce(s);
    if (r.isPresent()) {
      return r;
    }
    int w = wordPrefix(s, 0);
    if (w > 0 && w < s.length()) {
      return wholeOnce(decor(s.substring(w)));
    }
    return OptionalInt.empty();
  }

  private OptionalInt wholeOnce(String s) {
    if (s.isEmpty()) {
      return OptionalInt.empty();
    }
    Label only = labelOnly(s);
    if (only != null) {
      return OptionalInt.of(only.token());
    }
    OptionalInt t = title(s);
    if (t.isPresent()) {
      return t;
    }
    Label prefix = labelPrefix(s, 0);
    return prefix == null ? OptionalInt.empty() : OptionalInt.of(prefix.token());
  }

  private OptionalInt title(String s) {
    if (s.isEmpty()) {
      return OptionalInt.empty();
    }
    Integer t = titleVariants().get(normalise(s));
    return t != null && t >= 0 ? OptionalInt.of(t + BY_TITLE) : OptionalInt.empty();
  }

  // ---- label scanners (hand-written, linear)

  /** A list of two or more labels in one form from {@code from} to the end, or null. */
  private @Nullable List<Integer> labelList(String s, int from) {
    List<Integer> out = new ArrayList<>();
    Form form = null;
    int i = from;
    int n = s.length();
    boolean separated = true;
    while (true) {
      int gapStart = i;
      boolean explicit = false;
      while (i < n) {
        char c = s.charAt(i);
        int sep = separatorAt(s, i);
        if (sep > 0) {
          explicit = true;
          i += sep;
        } else if (c == ' ' || c == '*' || c == '_' || c == '`' || QUOTES.indexOf(c) >= 0) {
          i++;
        } else {
          break;
        }
      }
      if (i >= n) {
        break;
      }
      separated = explicit || gapStart == from;
      Label l = labelAt(s, i);
      if (l == null) {
        return null;
      }
      if (form == null) {
        form = l.form();
      } else if (form != l.form()) {
        return null;
      }
      if (l.form() == Form.LOWER && !separated) {
        return null; // "a b" is prose; lower-case labels need commas or arrows
      }
      out.add(l.token());
      i = l.end();
      if (i < n && s.charAt(i) == '.') {
        i++;
      }
      if (i < n && !(s.charAt(i) == ' ' || separatorAt(s, i) > 0 || s.charAt(i) == '*' || s.charAt(i) == '_'
          || s.charAt(i) == '`' || QUOTES.indexOf(s.charAt(i)) >= 0 || s.charAt(i) == '[' || s.charAt(i) == '(')) {
        return null;
      }
    }
    return out.size() >= 2 ? out : null;
  }

  /** A label written at {@code i} in any form, ending at a word boundary, or null. */
  private @Nullable Label labelAt(String s, int i) {
    int n = s.length();
    char c = s.charAt(i);
    if (c == '[' || c == '(') {
      int j = i + 1;
      int letters = 0;
      boolean lower = false;
      while (j < n && letters < 3 && isAsciiLetter(s.charAt(j))) {
        lower |= Character.isLowerCase(s.charAt(j));
        j++;
        letters++;
      }
      char close = c == '[' ? ']' : ')';
      if (letters < 1 || letters > 2 || j >= n || s.charAt(j) != close || (c == '(' && lower)) {
        return null;
      }
      return new Label(labelToken(s.substring(i + 1, j).toUpperCase(Locale.ROOT)),
          c == '[' ? Form.SQUARE : Form.PAREN, j + 1);
    }
    if (!isAsciiLetter(c) || (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))) {
      return null;
    }
    int j = i;
    while (j < n && j - i < 3 && isAsciiLetter(s.charAt(j))) {
      j++;
    }
    if (j < n && Character.isLetterOrDigit(s.charAt(j))) {
      return null;
    }
    String word = s.substring(i, j);
    if (isUpper(word) && word.length() <= 2) {
      return new Label(labelToken(word), Form.BARE, j);
    }
    if (word.length() == 1 && Character.isLowerCase(word.charAt(0))) {
      return new Label(labelToken(word.toUpperCase(Locale.ROOT)), Form.LOWER, j);
    }
    return null;
  }

  /** {@code s} as a lone label ({@code C}, {@code [C]}, {@code (C)}, {@code <C>}, {@code c}), or null. */
  private @Nullable Label labelOnly(String s) {
    int n = s.length();
    int i = 0;
    if (n > 0 && "[(<".indexOf(s.charAt(0)) >= 0) {
      i++;
    }
    int j = i;
    while (j < n && j - i < 3 && isAsciiLetter(s.charAt(j))) {
      j++;
    }
    String word = s.substring(i, j);
    int end = j < n && "])>".indexOf(s.charAt(j)) >= 0 ? j + 1 : j;
    if (end != n) {
      return null;
    }
    if (isUpper(word) && !word.isEmpty() && word.length() <= 2) {
      return new Label(labelToken(word), Form.BARE, n);
    }
    if (word.length() == 1 && Character.isLowerCase(word.charAt(0))) {
      return new Label(labelToken(word.toUpperCase(Locale.ROOT)), Form.LOWER, n);
    }
    return null;
  }

  /**
   * A label that starts {@code s} at {@code from} and is followed by text: {@code [C] Heat},
   * {@code (C): Heat}, {@code C. Heat}, {@code C - Heat}. An unbracketed one counts only when it
   * names a candidate ("A great film" is not a label). Null if there is none.
   */
  private @Nullable Label labelPrefix(String s, int from) {
    int n = s.length();
    if (from >= n) {
      return null;
    }
    char c = s.charAt(from);
    if (c == '[' || c == '(') {
      Label l = labelAt(s, from);
      if (l == null) {
        return null;
      }
      int j = skipSpaces(s, l.end());
      if (j < n && (DASHES.indexOf(s.charAt(j)) >= 0 || s.charAt(j) == '.')) {
        j = skipSpaces(s, j + 1);
      }
      return j < n ? new Label(l.token(), l.form(), l.end()) : null;
    }
    if (!isAsciiUpper(c)) {
      return null;
    }
    int j = from;
    while (j < n && j - from < 3 && isAsciiUpper(s.charAt(j))) {
      j++;
    }
    if (j - from > 2) {
      return null;
    }
    int end = j;
    int k;
    if (j < n && ".):".indexOf(s.charAt(j)) >= 0) {
      k = j + 1;
      if (k >= n || s.charAt(k) != ' ') {
        return null;
      }
    } else {
      k = skipSpaces(s, j);
      if (k == j || k >= n || DASHES.indexOf(s.charAt(k)) < 0) {
        return null;
      }
      k++;
      if (k >= n || s.charAt(k) != ' ') {
        return null;
      }
    }
    if (skipSpaces(s, k) >= n) {
      return null;
    }
    int t = labelToken(s.substring(from, end));
    return t >= 0 ? new Label(t, Form.BARE, end) : null;
  }

  /** Labels written in square brackets anywhere in {@code s}, in order. */
  private List<Integer> squareLabels(String s) {
    List<Integer> out = new ArrayList<>();
    int i = s.indexOf('[');
    while (i >= 0) {
      Label l = labelAt(s, i);
      if (l != null && l.form() == Form.SQUARE) {
        out.add(l.token());
      }
      i = s.indexOf('[', i + 1);
    }
    return out;
  }

  private boolean hasSquareLabel(String s, int from) {
    int i = s.indexOf('[', from);
    while (i >= 0) {
      Label l = labelAt(s, i);
      if (l != null && l.form() == Form.SQUARE) {
        return true;
      }
      i = s.indexOf('[', i + 1);
    }
    return false;
  }

  private int labelToken(String label) {
    OptionalInt i = CandidateLabels.index(label);
    return i.isPresent() && i.getAsInt() < size ? i.getAsInt() : UNKNOWN;
  }

  // ---- separators and decoration (hand-written, linear)

  /** The length of a list separator at {@code i}, or 0. */
  private static int separatorAt(String s, int i) {
    char c = s.charAt(i);
    switch (c) {
      case ',', ';', '|', '>', '»', '→', '⟶', '➔' -> {
        return 1;
      }
      case '-', '=' -> {
        return i + 1 < s.length() && s.charAt(i + 1) == '>' ? 2 : 0;
      }
      default -> {
        return 0;
      }
    }
  }

  /** {@code s} cut at its separators, pieces stripped. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      int sep = separatorAt(s, i);
      if (sep > 0) {
        out.add(s.substring(start, i).strip());
        i += sep;
        start = i;
      } else {
        i++;
      }
    }
    out.add(s.substring(start).strip());
    return out;
  }

  /** Past leading markdown emphasis and code marks. */
  private static int skipMarkup(String s, int i) {
    while (i < s.length() && (s.charAt(i) == '*' || s.charAt(i) == '_' || s.charAt(i) == '`')) {
      i++;
    }
    return skipSpaces(s, i);
  }

  /**
   * Past leading enumerators: bullets ({@code - * • · >}), {@code 1.}, {@code (1)}, {@code 1)},
   * {@code #1}, {@code Rank 1:}, {@code No. 1}, repeated.
   */
  private static int skipEnumerator(String s, int from) {
    int i = from;
    int n = s.length();
    while (i < n) {
      int start = i;
      char c = s.charAt(i);
      if ("-*•·>".indexOf(c) >= 0) {
        while (i < n && "-*•·>".indexOf(s.charAt(i)) >= 0) {
          i++;
        }
      } else if (c == '#') {
        int d = digits(s, i + 1);
        if (d > i + 1) {
          i = d < n && ".:)".indexOf(s.charAt(d)) >= 0 ? d + 1 : d;
        }
      } else if (c == '(' || Character.isDigit(c)) {
        int j = c == '(' ? i + 1 : i;
        int d = digits(s, j);
        if (d > j && d < n && ".):".indexOf(s.charAt(d)) >= 0) {
          i = d + 1;
        }
      } else {
        for (String w : RANK_WORDS) {
          if (s.regionMatches(true, i, w, 0, w.length())) {
            int j = skipSpaces(s, i + w.length());
            int d = digits(s, j);
            if (d > j) {
              int k = skipSpaces(s, d);
              i = k < n && ":.)-".indexOf(s.charAt(k)) >= 0 ? k + 1 : k;
              break;
            }
          }
        }
      }
      if (i == start) {
        break;
      }
      i = skipSpaces(s, i);
    }
    return i;
  }

  /** The end of 1 to 3 digits at {@code i}, or {@code i} when there are none (or more). */
  private static int digits(String s, int i) {
    int j = i;
    while (j < s.length() && j - i < 4 && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
      j++;
    }
    return j - i >= 1 && j - i <= 3 ? j : i;
  }

  /** Past a word such as {@code Label} or {@code Option} that precedes a label, if one does. */
  private int skipLabelWord(String s, int i) {
    for (String w : LABEL_WORDS) {
      if (s.regionMatches(true, i, w, 0, w.length())) {
        int j = skipSpaces(s, i + w.length());
        if (j > i + w.length() && j < s.length() && labelAt(s, j) != null) {
          return j;
        }
      }
    }
    return i;
  }

  /**
   * The end of a short word prefix ending in a colon ({@code Answer: }, {@code Final ranking: }):
   * a letter (of any script), up to 29 letters or spaces, a colon and spaces; or {@code i} when there is none.
   */
  private static int wordPrefix(String s, int i) {
    int n = s.length();
    if (i >= n || !Character.isLetter(s.charAt(i))) {
      return i;
    }
    int j = i + 1;
    while (j < n && j - i < 30 && (Character.isLetter(s.charAt(j)) || s.charAt(j) == ' ')) {
      j++;
    }
    return j < n && s.charAt(j) == ':' ? skipSpaces(s, j + 1) : i;
  }

  /** A segment without enumerators, label words, markdown, JSON brackets, quotes or closing punctuation. */
  private String decor(String raw) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '`') {
        continue;
      }
      if ((c == '*' || c == '_') && i + 1 < raw.length() && raw.charAt(i + 1) == c) {
        i++;
        continue;
      }
      sb.append(c);
    }
    String s = sb.toString().strip();
    int b = skipLabelWord(s, skipEnumerator(s, 0));
    int e = s.length();
    if (e - b > 1 && (s.charAt(b) == '[' || s.charAt(b) == '{') && QUOTES.indexOf(s.charAt(b + 1)) >= 0) {
      b = skipSpaces(s, b + 1); // the start of a cut-off JSON array: ["C"
    }
    e = trimEnd(s, b, e);
    if (e - b > 1 && (s.charAt(e - 1) == ']' || s.charAt(e - 1) == '}') && QUOTES.indexOf(s.charAt(e - 2)) >= 0) {
      e = trimEnd(s, b, e - 1);
    }
    while (b < e && (QUOTES.indexOf(s.charAt(b)) >= 0 || s.charAt(b) == ' ')) {
      b++;
    }
    while (e > b && (QUOTES.indexOf(s.charAt(e - 1)) >= 0 || ".,;:! ".indexOf(s.charAt(e - 1)) >= 0)) {
      e--;
    }
    return s.substring(b, e);
  }

  private static int trimEnd(String s, int b, int e) {
    while (e > b && Character.isWhitespace(s.charAt(e - 1))) {
      e--;
    }
    return e;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isUpper(String w) {
    for (int i = 0; i < w.length(); i++) {
      if (!isAsciiUpper(w.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  // ---- titles: whole, and in free text

  /** Title variant to candidate index, built on first use: most answers name labels only. */
  private Map<String, Integer> titleVariants() {
    if (titleVariants == null) {
      Map<String, Integer> variants = new HashMap<>();
      for (int i = 0; i < shown.size(); i++) {
        for (String v : variants(shown.get(i).title())) {
          Integer prev = variants.putIfAbsent(v, i);
          if (prev != null && prev != i) {
            variants.put(v, AMBIGUOUS);
          }
        }
      }
      titleVariants = variants;
    }
    return titleVariants;
  }

  /** Every candidate title in {@code text}, in order of first appearance, in linear time. */
  private List<Integer> titleScan(String text) {
    if (matcher == null) {
      List<Map.Entry<String, Integer>> needles = new ArrayList<>();
      for (Map.Entry<String, Integer> e : titleVariants().entrySet()) {
        if (e.getValue() >= 0 && e.getKey().length() >= MIN_CONTAINED_TITLE) {
          needles.add(e);
        }
      }
      matcher = new TitleMatcher(needles);
    }
    List<Integer> out = new ArrayList<>();
    for (int candidate : matcher.scan(" " + normalise(text) + " ")) {
      out.add(candidate + BY_TITLE);
    }
    return out;
  }

  static Set<String> variants(String title) {
    Set<String> v = new HashSet<>();
    String t = title.length() > MAX_TITLE_CHARS ? title.substring(0, MAX_TITLE_CHARS) : title;
    t = t.strip();
    v.add(normalise(t));
    v.add(normalise(YEAR_SUFFIX.matcher(t).replaceFirst("")));
    String bare = PARENTHESISED.matcher(t).replaceAll("").strip();
    v.add(normalise(bare));
    for (String form : List.of(t, bare)) {
      Matcher m = MOVED_ARTICLE.matcher(form);
      if (m.matches()) {
        String fixed = m.group(2) + (m.group(2).endsWith("'") ? "" : " ") + m.group(1);
        v.add(normalise(fixed));
        v.add(normalise(fixed + (m.group(3) == null ? "" : m.group(3))));
      }
    }
    v.remove("");
    return v;
  }

  /**
   * Lower case, accents and compatibility forms folded (NFKD without marks), {@code &} as
   * {@code and}, apostrophes dropped, every other run of non-alphanumerics one space.
   */
  static String normalise(String s) {
    String folded = isAscii(s) ? s : Normalizer.normalize(s, Normalizer.Form.NFKD);
    StringBuilder sb = new StringBuilder(folded.length());
    boolean space = true;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK) {
        continue;
      }
      if (cp == '&') {
        sb.append(space ? "and " : " and ");
        space = true;
      } else if (Character.isLetterOrDigit(cp)) {
        sb.appendCodePoint(Character.toLowerCase(cp));
        space = false;
      } else if (cp == '\'' || cp == '’') {
        continue; // "Schindler's" and "Schindlers" match
      } else if (!space) {
        sb.append(' ');
        space = true;
      }
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    return sb.substring(0, end);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
