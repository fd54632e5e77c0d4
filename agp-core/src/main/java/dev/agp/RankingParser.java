package dev.agp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agp.RepairStats.ParseMethod;
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
 * <p>The cascade, first success wins: the labels inside the last {@code <ranking>} block (closed
 * or cut off); a JSON array, or an array under a key such as {@code ranking} or {@code order},
 * fenced or not; a list of labels or titles on lines, or separated by commas, semicolons, bars or
 * arrows, preferring the longest list block and, on ties, the last; candidate titles found in free
 * text. Labels may be written {@code [C]}, {@code (C)}, {@code C}, {@code C.}, {@code C - Title};
 * titles match without case, punctuation, a trailing year or a moved article ({@code "Matrix,
 * The"}). The first of duplicates is kept, unknown labels are dropped, and candidates the answer
 * left out are appended in base order; {@link RepairStats} counts each repair. Never throws on an
 * answer and never re-asks.
 */
public final class RankingParser {

  /**
   * A parsed answer.
   *
   * @param itemIds a permutation of the candidates' ids, best first
   * @param stats how it was read and repaired
   */
  public record Result(List<String> itemIds, RepairStats stats) {
    /** @throws NullPointerException if an argument is null */
    public Result {
      itemIds = List.copyOf(itemIds);
      requireNonNull(stats, "stats");
    }
  }

  private static final ObjectMapper LENIENT_JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .build();

  private static final Pattern TAG_OPEN = Pattern.compile("<\\s*ranking\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern TAG_CLOSE =
      Pattern.compile("<\\s*/\\s*ranking\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\s*\\n?(.*?)(?:```|\\z)", Pattern.DOTALL);
  private static final Pattern SEPARATORS =
      Pattern.compile("\\s*(?:,|;|\\||->|→|=>|⟶|➔|»|>)\\s*");
  private static final Pattern LABEL_ONLY = Pattern.compile("^[\\[(<]?([A-Z]{1,2}|[a-z])[\\])>]?$");
  private static final Pattern LABEL_PREFIX =
      Pattern.compile("^(?:[\\[(]([A-Z]{1,2})[\\])]\\s*(?:[-–—:.]\\s*)?|([A-Z]{1,2})(?:[.):]|\\s+[-–—:])\\s+)(.+)$");
  private static final Pattern BRACKETED = Pattern.compile("[\\[(]([A-Z]{1,2})[\\])]");
  private static final Pattern PARENTHESISED = Pattern.compile("\\s*\\([^)]*\\)");
  private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern ENUMERATOR =
      Pattern.compile(
          "^(?:[-*•·>]+\\s*|\\(?\\d{1,3}[.):]\\s*|#\\d{1,3}[.:)]?\\s*|(?i:rank|position|no\\.?)\\s*\\d{1,3}\\s*[:.)-]?\\s*)+");
  private static final Pattern LABEL_LIST =
      Pattern.compile("^[\\[(]?[A-Z]{1,2}[\\])]?(?:\\s*(?:,|;|\\||->|→|=>|>|\\s)\\s*[\\[(]?[A-Z]{1,2}[\\])]?)+\\.?$");
  private static final Pattern WORD_PREFIX = Pattern.compile("^[A-Za-z][A-Za-z ]{0,29}:\\s*");
  private static final Pattern LABEL_WORD =
      Pattern.compile("^(?i:label|option|candidate|item|choice)\\s+(?=[\\[(]?[A-Z]{1,2}\\b)");
  private static final Pattern YEAR_SUFFIX = Pattern.compile("\\s*\\(\\d{4}\\)\\s*$");
  private static final Pattern MOVED_ARTICLE =
      Pattern.compile("^(.*), (The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El|Los|Las)(\\s*\\(\\d{4}\\))?$");
  private static final int MIN_CONTAINED_TITLE = 4;
  private static final String QUOTES = "\"'“”‘’";
  private static final int UNKNOWN = -1;
  private static final int AMBIGUOUS = -2;
  /** Added to a candidate's index when a title, not a label, named it. */
  private static final int BY_TITLE = 1 << 20;

  private final int size;
  private final List<Item> shown;
  private @Nullable Map<String, Integer> titleVariants;
  private @Nullable List<Map.Entry<String, Integer>> containable;

  private RankingParser(List<Item> shown) {
    this.size = shown.size();
    this.shown = shown;
  }

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
      List<Map.Entry<String, Integer>> contained = new ArrayList<>();
      for (Map.Entry<String, Integer> e : variants.entrySet()) {
        if (e.getValue() >= 0 && e.getKey().length() >= MIN_CONTAINED_TITLE) {
          contained.add(e);
        }
      }
      contained.sort((a, b) -> b.getKey().length() != a.getKey().length()
          ? b.getKey().length() - a.getKey().length() : a.getKey().compareTo(b.getKey()));
      titleVariants = variants;
      containable = contained;
    }
    return titleVariants;
  }

  private List<Map.Entry<String, Integer>> containable() {
    titleVariants();
    return containable;
  }

  /** Parses {@code answer} for candidates shown in base order. */
  public static Result parse(String answer, List<Item> shown) {
    return parse(answer, shown, shown.stream().map(Item::id).toList());
  }

  /**
   * Parses {@code answer} for candidates shown under labels A, B, ... in the order of {@code
   * shown}; candidates the answer omits are appended in {@code baseOrder}.
   *
   * @throws IllegalArgumentException if baseOrder is not a permutation of the shown ids, or there
   *     are more candidates than labels
   */
  public static Result parse(String answer, List<Item> shown, List<String> baseOrder) {
    requireNonNull(answer, "answer");
    requireNonNull(shown, "shown");
    requireNonNull(baseOrder, "baseOrder");
    if (shown.size() > CandidateLabels.MAX_CANDIDATES) {
      throw new IllegalArgumentException("at most " + CandidateLabels.MAX_CANDIDATES + " candidates");
    }
    Map<String, Integer> byId = new HashMap<>();
    for (int i = 0; i < shown.size(); i++) {
      byId.put(shown.get(i).id(), i);
    }
    if (baseOrder.size() != shown.size() || !byId.keySet().equals(new HashSet<>(baseOrder))) {
      throw new IllegalArgumentException("baseOrder must be a permutation of the shown candidates");
    }
    RankingParser p = new RankingParser(shown);
    Attempt a = p.cascade(answer.replace("\r\n", "\n").replace('\r', '\n').strip());

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
    // 1. the requested <ranking> block, last first
    List<Integer> opens = new ArrayList<>();
    Matcher open = TAG_OPEN.matcher(text);
    while (open.find()) {
      opens.add(open.end());
    }
    for (int k = opens.size() - 1; k >= 0; k--) {
      int start = opens.get(k);
      Matcher close = TAG_CLOSE.matcher(text);
      String inner = close.find(start) ? text.substring(start, close.start()) : text.substring(start);
      List<Integer> toks = fromJsonOrList(inner);
      if (known(toks) > 0) {
        return new Attempt(ParseMethod.TAGGED, toks);
      }
      unknownSeen = Math.max(unknownSeen, toks.size());
    }
    // 2. JSON, fenced or bare
    List<String> jsonTexts = new ArrayList<>();
    Matcher fence = FENCE.matcher(text);
    while (fence.find()) {
      jsonTexts.add(fence.group(1));
    }
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

  private List<Integer> json(String text) {
    JsonNode node;
    try {
      node = LENIENT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null; // not JSON: the cascade moves on to lists
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
          out.addAll(segment(e.asText()));
        } else if (e.isNumber()) {
          out.add(UNKNOWN);
        } else if (e.isObject()) {
          JsonNode field = field(e, ELEMENT_KEYS);
          if (field != null && field.isValueNode()) {
            out.addAll(segment(field.asText()));
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

  private static JsonNode field(JsonNode object, List<String> keys) {
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

  private List<Integer> line(String line) {
    String s = line.strip();
    if (s.isEmpty()) {
      return List.of();
    }
    List<Integer> labelled = new ArrayList<>();
    Matcher m = BRACKETED.matcher(s);
    while (m.find()) {
      labelled.add(labelToken(m.group(1)));
    }
    if (labelled.size() >= 2) {
      return labelled;
    }
    if (LABEL_LIST.matcher(s).matches()) {
      List<Integer> out = new ArrayList<>();
      for (String label : s.replaceAll("[^A-Z]+", " ").strip().split(" ")) {
        out.add(labelToken(label));
      }
      return out;
    }
    OptionalInt whole = whole(s);
    if (whole.isPresent()) {
      return List.of(whole.getAsInt());
    }
    List<Integer> out = new ArrayList<>();
    for (String seg : SEPARATORS.split(s)) {
      out.addAll(segment(seg));
    }
    return out;
  }

  private List<Integer> segment(String raw) {
    OptionalInt whole = whole(raw);
    if (whole.isPresent()) {
      return List.of(whole.getAsInt());
    }
    List<Integer> out = new ArrayList<>();
    Matcher m = BRACKETED.matcher(raw);
    while (m.find()) {
      out.add(labelToken(m.group(1)));
    }
    if (!out.isEmpty()) {
      return out;
    }
    return titleScan(raw);
  }

  /** The single candidate a whole segment names, if it names exactly one. */
  private OptionalInt whole(String raw) {
    String s = decor(raw);
    OptionalInt r = wholeOnce(s);
    if (r.isPresent()) {
      return r;
    }
    Matcher prefix = WORD_PREFIX.matcher(s);
    if (prefix.find() && prefix.end() < s.length()) {
      return wholeOnce(decor(s.substring(prefix.end())));
    }
    return OptionalInt.empty();
  }

  private OptionalInt wholeOnce(String s) {
    if (s.isEmpty()) {
      return OptionalInt.empty();
    }
    Matcher only = LABEL_ONLY.matcher(s);
    if (only.matches()) {
      return OptionalInt.of(labelToken(only.group(1).toUpperCase(Locale.ROOT)));
    }
    Matcher prefixed = LABEL_PREFIX.matcher(s);
    if (prefixed.matches()) {
      String label = prefixed.group(1) != null ? prefixed.group(1) : prefixed.group(2);
      int t = labelToken(label);
      if (t >= 0 || prefixed.group(1) != null) {
        return OptionalInt.of(t);
      }
      // an unbracketed word such as "A great film": not a label
    }
    Integer title = titleVariants().get(normalise(s));
    if (title != null && title >= 0) {
      return OptionalInt.of(title + BY_TITLE);
    }
    return OptionalInt.empty();
  }

  private static String decor(String raw) {
    String s = raw.strip();
    s = s.replace("**", "").replace("__", "").replace("`", "");
    s = ENUMERATOR.matcher(s).replaceFirst("");
    s = LABEL_WORD.matcher(s).replaceFirst("");
    s = s.strip();
    if (s.length() > 1 && (s.charAt(0) == '[' || s.charAt(0) == '{') && QUOTES.indexOf(s.charAt(1)) >= 0) {
      s = s.substring(1).strip(); // the start of a cut-off JSON array: ["C"
    }
    if (s.length() > 1 && (s.endsWith("]") || s.endsWith("}")) && QUOTES.indexOf(s.charAt(s.length() - 2)) >= 0) {
      s = s.substring(0, s.length() - 1).strip();
    }
    while (!s.isEmpty() && QUOTES.indexOf(s.charAt(0)) >= 0) {
      s = s.substring(1).strip();
    }
    while (!s.isEmpty() && QUOTES.indexOf(s.charAt(s.length() - 1)) >= 0) {
      s = s.substring(0, s.length() - 1).strip();
    }
    while (!s.isEmpty() && ".,;:!".indexOf(s.charAt(s.length() - 1)) >= 0) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  private int labelToken(String label) {
    OptionalInt i = CandidateLabels.index(label);
    return i.isPresent() && i.getAsInt() < size ? i.getAsInt() : UNKNOWN;
  }

  // ---- titles in free text: every candidate title, in order of first appearance

  private List<Integer> titleScan(String text) {
    String n = " " + normalise(text) + " ";
    boolean[] claimed = new boolean[n.length()];
    Map<Integer, Integer> firstAt = new HashMap<>();
    for (Map.Entry<String, Integer> e : containable()) {
      String needle = " " + e.getKey() + " ";
      int from = 0;
      while (true) {
        int at = n.indexOf(needle, from);
        if (at < 0) {
          break;
        }
        boolean free = true;
        for (int i = at + 1; i < at + needle.length() - 1; i++) {
          if (claimed[i]) {
            free = false;
            break;
          }
        }
        if (free) {
          for (int i = at + 1; i < at + needle.length() - 1; i++) {
            claimed[i] = true;
          }
          firstAt.merge(e.getValue(), at, Math::min);
        }
        from = at + 1;
      }
    }
    List<Map.Entry<Integer, Integer>> found = new ArrayList<>(firstAt.entrySet());
    found.sort(Map.Entry.comparingByValue());
    List<Integer> out = new ArrayList<>();
    for (Map.Entry<Integer, Integer> f : found) {
      out.add(f.getKey() + BY_TITLE);
    }
    return out;
  }

  // ---- title normalisation

  static Set<String> variants(String title) {
    Set<String> v = new HashSet<>();
    String t = title.strip();
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

  static String normalise(String s) {
    String folded = isAscii(s) ? s
        : COMBINING_MARKS.matcher(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD)).replaceAll("");
    String lower = folded.toLowerCase(Locale.ROOT).replace("&", " and ");
    StringBuilder sb = new StringBuilder(lower.length());
    boolean space = true;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(c);
        space = false;
      } else if (c == '\'' || c == '’') {
        continue; // "Schindler's" and "Schindlers" match
      } else if (!space) {
        sb.append(' ');
        space = true;
      }
    }
    return sb.toString().strip();
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
