package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import dev.agp.PromptTemplates;
import dev.agp.TemplateName;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stand-in for a language model, for running the SDK offline. <b>It is not a
 * language model</b>: every number it produces must be reported as coming from a simulated LLM.
 *
 * <p>Its only knowledge is the {@link Catalogue}: each item's genres and release year. It reads
 * the SDK's built-in prompts and answers every {@link dev.agp.llm.Stage}:
 *
 * <ul>
 *   <li><b>PROFILE</b>: follows the instruction through a small vocabulary ({@link Directive}):
 *       favourite genres, secondary genres, eras, recent items weighed more, avoided genres, and
 *       "the last N items". Without "genre" in the instruction it only names the last two titles.
 *   <li><b>RERANK</b>, LLM-Dir, LLM-CoT, RPP: scores each candidate by how its genres and decade
 *       match what the profile (or the history) states (favourite genres weighted by the share the
 *       profile gives them), minus avoided genres, blended with the base order, and answers with
 *       the labels in a {@code <ranking>} block.
 *   <li><b>CRITIQUE</b>: compares the chosen item with the profile and the history, and proposes
 *       edits in the same vocabulary, each from its own evidence: favourite genres when the
 *       profile named none; recent items when the chosen item's genre was among the last two
 *       items' but not in the profile; secondary genres when it held at least 15% of the history
 *       but was not in the profile; eras when the chosen item shares the history's dominant
 *       decade and the items above it mostly do not; avoided genres when at least two items
 *       above it bring genres the user never watched.
 *   <li><b>SUMMARIZE</b>: adds up the weights behind each proposed edit and lists the strongest.
 *   <li><b>OPTIMIZE</b>: appends the canonical sentence of the strongest guidelines missing from
 *       the prompt, one, two or three of them for a small, moderate or large update; with only a
 *       score to go on (the score-only ablation) it makes one blind, deterministic edit.
 *   <li><b>RPP_RANK</b>: the reasoning sentence picks a strategy in the same vocabulary ("step by
 *       step ... likelihood" and "update your view" weigh recent items; "whole history" and
 *       "infer the user's preferences" list secondary genres; "similar to the user's
 *       preferences" and "review ... refine" add eras; "only the preferences" adds avoided
 *       genres; "priority" trusts the base list twice as much); an expert role adds eras, a
 *       recommender role trusts the list more; genres a rewritten sentence names are favoured;
 *       the history shown is what the history pattern chose. So which sentence ranks best
 *       depends on the user, which is what RPP learns.
 *   <li><b>RPP_REFINE</b>: rewrites the reasoning sentence to focus on the user's two main
 *       genres and the role sentence to name the main one; keeps the format sentence.
 * </ul>
 *
 * So AGP's loop has something real to optimise, and a gain can be traced to the directives the
 * learned prompt gained. Identical requests always get identical answers. Usage is reported at
 * about four characters a token.
 */
public final class SimulatedLlm implements LlmClient {

  /** The model name reported in every response. */
  public static final String MODEL = "simulated-llm";

  /** What every report made with this client must say. */
  public static final String NOTICE =
      "simulated LLM (a deterministic offline stand-in driven by catalogue metadata, not a language model)";

  static final double[] FAVOURITE_WEIGHTS = {1.0, 0.8, 0.65, 0.5};
  static final double LATELY_WEIGHT = 0.6;
  static final double RECENT_TITLE_WEIGHT = 0.5;
  static final double ERA_BONUS = 0.3;
  static final double AVOID_PENALTY = 0.5;
  static final double BASE_WEIGHT = 0.9;
  static final double SUMMARY_THRESHOLD = 0.15;
  /** A critique asks for secondary genres when the chosen item's genre holds this share of the history. */
  static final double BREADTH_EVIDENCE = 0.15;
  /** A critique asks for avoided genres when this many items above the chosen one bring genres the user never watched. */
  static final int AVOID_EVIDENCE = 2;
  static final int SUMMARY_MAX_GUIDELINES = 3;

  private static final Pattern NUMBERED = Pattern.compile("^\\s*\\d+\\.\\s+(.*)$");
  private static final Pattern LABELLED = Pattern.compile("^\\s*\\[([A-Z]{1,2})]\\s+(.*)$");
  private static final Pattern CHOSEN =
      Pattern.compile("chose the \\w+ \"(.+?)\": the ranking placed it (\\d+) of (\\d+)");
  private static final Pattern ABOVE = Pattern.compile("Ranked above it: (.+?)(?: and \\d+ more)?\\.\\s*$", Pattern.MULTILINE);
  private static final Pattern QUOTED = Pattern.compile("\"(.+?)\"");
  private static final Pattern USER_ENTRY = Pattern.compile("(?m)^User \\d+ \\(weight ([0-9.]+)\\):\\s*$");
  private static final Pattern WINDOW = Pattern.compile(
      "(?i)\\b(?:last|latest|most recent)\\s+(\\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\\b");
  private static final Pattern NDCG = Pattern.compile("NDCG@\\d+[^0-9]*([0-9.]+)");
  private static final List<String> NUMBER_WORDS =
      List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");

  private final Catalogue catalogue;
  private final String domain;
  private final List<Pattern> profileBoilerplate;

  private SimulatedLlm(Catalogue catalogue, String domain) {
    this.catalogue = catalogue;
    this.domain = domain;
    this.profileBoilerplate = boilerplate(PromptTemplates.builtIn(TemplateName.PROFILE));
  }

  /**
   * A simulated LLM that knows {@code catalogue} and calls items {@code domain}s.
   *
   * @throws NullPointerException if an argument is null
   */
  public static SimulatedLlm of(Catalogue catalogue, String domain) {
    return new SimulatedLlm(requireNonNull(catalogue, "catalogue"), requireNonNull(domain, "domain"));
  }

  @Override
  public LlmResponse complete(LlmRequest request) {
    requireNonNull(request, "request");
    String text = request.lastUserText();
    String answer = switch (request.stage()) {
      case PROFILE -> profile(text);
      case RERANK -> rank(Taste.parse(block(text, "profile")), candidates(text));
      case DIRECT_RERANK -> rank(Taste.of(history(text), EnumSet.of(Directive.GENRES), catalogue), candidates(text));
      case COT_RERANK -> chainOfThought(text);
      case CRITIQUE -> critique(text);
      case SUMMARIZE -> text.contains("<critiques>") ? summarizeCritiques(block(text, "critiques")) : summarizeOutcomes(block(text, "feedback"));
      case OPTIMIZE -> optimize(text);
      case RPP_RANK -> rppRank(systemText(request), text);
      case RPP_REFINE -> rppRefine(text);
    };
    long in = 0;
    for (LlmMessage m : request.messages()) {
      in += m.text().length();
    }
    return new LlmResponse(answer, new TokenUsage((in + 3) / 4, (answer.length() + 3) / 4), MODEL, 1, false);
  }

  // ---------------------------------------------------------------- PROFILE

  private String profile(String text) {
    String instruction = instruction(text);
    List<Catalogue.Facts> history = history(text);
    Matcher w = WINDOW.matcher(instruction);
    if (w.find()) {
      int n = number(w.group(1));
      if (n > 0 && n < history.size()) {
        history = history.subList(history.size() - n, history.size());
      }
    }
    return Taste.of(history, Directive.in(instruction), catalogue).render();
  }

  /** The user message without the history block and the built-in template's fixed lines. */
  private String instruction(String text) {
    String withoutHistory = text.replaceAll("(?s)<history>.*?</history>", "");
    StringBuilder sb = new StringBuilder();
    for (String line : withoutHistory.split("\n")) {
      boolean fixed = false;
      for (Pattern p : profileBoilerplate) {
        if (p.matcher(line.strip()).matches()) {
          fixed = true;
          break;
        }
      }
      if (!fixed) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static List<Pattern> boilerplate(String template) {
    String user = template.substring(Math.max(0, template.indexOf("### user")) + (template.contains("### user") ? 8 : 0));
    List<Pattern> out = new ArrayList<>();
    for (String line : user.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.contains("{{instruction}}") || l.contains("{{history}}")) {
        continue;
      }
      StringBuilder regex = new StringBuilder();
      Matcher m = Pattern.compile("\\{\\{\\w+}}").matcher(l);
      int last = 0;
      while (m.find()) {
        regex.append(Pattern.quote(l.substring(last, m.start()))).append(".*?");
        last = m.end();
      }
      regex.append(Pattern.quote(l.substring(last)));
      out.add(Pattern.compile(regex.toString()));
    }
    return out;
  }

  // ---------------------------------------------------------------- ranking

  private record Candidate(String label, Catalogue.Facts facts, int index) {}

  private List<Candidate> candidates(String text) {
    String block = block(text, "candidates");
    List<Candidate> out = new ArrayList<>();
    for (String line : (block.isEmpty() ? text : block).split("\n")) {
      Matcher m = LABELLED.matcher(line);
      if (m.matches()) {
        out.add(new Candidate(m.group(1), facts(m.group(2)), out.size()));
      }
    }
    return out;
  }

  private List<Catalogue.Facts> history(String text) {
    List<Catalogue.Facts> out = new ArrayList<>();
    for (String line : block(text, "history").split("\n")) {
      Matcher m = NUMBERED.matcher(line);
      if (m.matches()) {
        out.add(facts(m.group(1)));
      }
    }
    return out;
  }

  private Catalogue.Facts facts(String title) {
    return catalogue.lookup(title).orElseGet(() -> new Catalogue.Facts(title, List.of(), OptionalInt.empty()));
  }

  private String rank(Taste taste, List<Candidate> candidates) {
    return "<ranking>" + String.join(", ", order(taste, candidates, 1.0)) + "</ranking>";
  }

  private List<String> order(Taste taste, List<Candidate> candidates, double baseTrust) {
    Map<String, Double> weights = new HashMap<>();
    double top = taste.shares().isEmpty() ? 1 : taste.shares().get(0);
    for (int i = 0; i < taste.favourites().size(); i++) {
      double w = taste.shares().isEmpty() || top <= 0
          ? FAVOURITE_WEIGHTS[Math.min(i, FAVOURITE_WEIGHTS.length - 1)]
          : taste.shares().get(i) / top;
      weights.merge(key(taste.favourites().get(i)), w, Double::sum);
    }
    taste.lately().forEach(g -> weights.merge(key(g), LATELY_WEIGHT, Double::sum));
    for (String title : taste.recentTitles()) {
      catalogue.lookup(title).ifPresent(f -> f.genres().forEach(g -> weights.merge(key(g), RECENT_TITLE_WEIGHT, Double::sum)));
    }
    Set<String> avoided = new HashSet<>();
    taste.avoided().forEach(g -> avoided.add(key(g)));
    double[] score = new double[candidates.size()];
    for (Candidate c : candidates) {
      double s = 0;
      List<String> genres = c.facts().genres();
      for (String g : genres) {
        s += weights.getOrDefault(key(g), 0.0) / Math.sqrt(genres.size());
        if (avoided.contains(key(g))) {
          s -= AVOID_PENALTY;
        }
      }
      if (taste.decade().isPresent() && c.facts().decade().equals(taste.decade())) {
        s += ERA_BONUS;
      }
      s += baseTrust * BASE_WEIGHT / (Math.log(c.index() + 2) / Math.log(2));
      score[c.index()] = s;
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort((a, b) -> score[a.index()] == score[b.index()] ? a.index() - b.index() : Double.compare(score[b.index()], score[a.index()]));
    return sorted.stream().map(Candidate::label).toList();
  }

  private String chainOfThought(String text) {
    List<Catalogue.Facts> history = history(text);
    Taste taste = Taste.of(history, EnumSet.of(Directive.GENRES, Directive.RECENCY), catalogue);
    List<Candidate> candidates = candidates(text);
    List<String> order = order(taste, candidates, 1.0);
    StringBuilder sb = new StringBuilder();
    sb.append("Step 1: the user mostly chooses ").append(String.join(" and ", taste.favourites().isEmpty() ? List.of("varied " + domain + "s") : taste.favourites()));
    if (!taste.lately().isEmpty()) {
      sb.append(", lately ").append(String.join(" and ", taste.lately()));
    }
    sb.append(".\nStep 2: candidates whose genres match come first; the rest keep the list's order.\n");
    if (!order.isEmpty()) {
      sb.append("Step 3: [").append(order.get(0)).append("] fits best.\n");
    }
    return sb + "<ranking>" + String.join(", ", order) + "</ranking>";
  }

  // ---------------------------------------------------------------- RPP

  private static String systemText(LlmRequest request) {
    StringBuilder sb = new StringBuilder();
    for (LlmMessage m : request.messages()) {
      if (m.role() == LlmMessage.Role.SYSTEM) {
        sb.append(m.text()).append('\n');
      }
    }
    return sb.toString();
  }

  /** Ranks with the strategy the RPP prompt's sentences call for. */
  private String rppRank(String system, String text) {
    int end = text.lastIndexOf("</candidates>");
    String guidance = end < 0 ? "" : text.substring(end).toLowerCase(Locale.ROOT);
    String role = system.toLowerCase(Locale.ROOT);
    EnumSet<Directive> directives = EnumSet.of(Directive.GENRES);
    double baseTrust = 1.0;
    if (guidance.contains("priority")) {
      baseTrust = 2.0;
    }
    if (guidance.contains("likelihood") || guidance.contains("update your view")) {
      directives.add(Directive.RECENCY);
    }
    if (guidance.contains("whole history") || guidance.contains("infer the user's preferences")
        || guidance.contains("update your view")) {
      directives.add(Directive.BREADTH);
    }
    if (guidance.contains("similar to the user's preferences") || guidance.contains("refine it")) {
      directives.add(Directive.ERA);
    }
    if (guidance.contains("only the preferences")) {
      directives.add(Directive.AVOID);
    }
    directives.addAll(Directive.in(guidance));
    if (role.contains("expert") || role.contains("know " + domain + "s well")) {
      directives.add(Directive.ERA);
    }
    if (role.contains("recommender system")) {
      baseTrust *= 1.3;
    }
    Taste taste = Taste.of(history(text), directives, catalogue);
    List<String> focus = new ArrayList<>(taste.lately());
    for (String g : catalogue.commonGenres()) {
      if (Pattern.compile("\\b" + Pattern.quote(g.toLowerCase(Locale.ROOT)) + "\\b").matcher(guidance).find()
          && !focus.contains(g)) {
        focus.add(g);
      }
    }
    Taste focused = new Taste(taste.favourites(), taste.shares(), focus, taste.decade(), taste.avoided(), taste.recentTitles());
    return String.join("\n", order(focused, candidates(text), baseTrust));
  }

  private static final Pattern TAGGED_SENTENCE = Pattern.compile("<(role|reasoning|format|history)>(.*?)</\\1>");

  /** Rewrites the tagged sentences around the user's main genres. */
  private String rppRefine(String text) {
    Taste taste = Taste.of(history(text), EnumSet.of(Directive.GENRES), catalogue);
    List<String> genres = taste.favourites();
    StringBuilder sb = new StringBuilder();
    int at = text.indexOf("</history>");
    Matcher m = TAGGED_SENTENCE.matcher(at < 0 ? text : text.substring(at));
    Set<String> done = new HashSet<>();
    while (m.find()) {
      String tag = m.group(1);
      if (!done.add(tag)) {
        continue; // the prompt's format example repeats the tags
      }
      String sentence = m.group(2).strip();
      String rewritten = switch (tag) {
        case "reasoning" -> genres.isEmpty() ? sentence
            : withoutFinalDot(sentence) + ", paying most attention to " + String.join(" and ", genres) + " " + domain + "s.";
        case "role" -> genres.isEmpty() || sentence.isEmpty() ? sentence
            : withoutFinalDot(sentence) + ", with a particular eye for " + genres.get(0) + ".";
        default -> sentence;
      };
      sb.append('<').append(tag).append('>').append(rewritten).append("</").append(tag).append(">\n");
    }
    return sb.toString().strip();
  }

  private static String withoutFinalDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  // ---------------------------------------------------------------- critique and summaries

  private String critique(String text) {
    String instruction = block(text, "instruction");
    Taste taste = Taste.parse(block(text, "profile"));
    List<Catalogue.Facts> history = history(text);
    String feedback = block(text, "feedback");
    Matcher chosen = CHOSEN.matcher(feedback);
    if (!chosen.find()) {
      return "The feedback names no chosen " + domain + "; nothing to critique.";
    }
    Catalogue.Facts relevant = facts(chosen.group(1));
    List<Catalogue.Facts> above = above(feedback);
    Set<Directive> present = Directive.in(instruction);
    List<Directive> edits = edits(taste, relevant, history, above, present);
    StringBuilder sb = new StringBuilder();
    sb.append("The chosen ").append(domain).append(" \"").append(relevant.title()).append("\" (")
        .append(relevant.genres().isEmpty() ? "genres unknown" : String.join(", ", relevant.genres()))
        .append(relevant.year().isPresent() ? ", " + relevant.year().getAsInt() : "").append(") was ranked ")
        .append(chosen.group(2)).append(" of ").append(chosen.group(3)).append(". ");
    if (taste.favourites().isEmpty()) {
      sb.append("The profile only listed recent titles, so the ranking had no preferences to match.");
    } else {
      sb.append("The profile named ").append(String.join(", ", taste.favourites())).append('.');
    }
    if (edits.isEmpty()) {
      sb.append(" The profile was reasonable for this user; the miss comes from the candidates themselves.");
    }
    for (Directive d : edits) {
      sb.append("\nEdit: ").append(d.sentence(domain));
    }
    return sb.toString();
  }

  /** The edits a critique proposes, strongest evidence first. */
  private List<Directive> edits(Taste taste, Catalogue.Facts relevant, List<Catalogue.Facts> history,
      List<Catalogue.Facts> above, Set<Directive> present) {
    List<Directive> edits = new ArrayList<>();
    if (taste.favourites().isEmpty()) {
      edits.add(Directive.GENRES);
      return edits;
    }
    Set<String> favourites = keys(taste.favourites());
    Set<String> relevantGenres = keys(relevant.genres());
    if (java.util.Collections.disjoint(favourites, relevantGenres) && !relevantGenres.isEmpty()) {
      Set<String> recent = new HashSet<>();
      for (int i = Math.max(0, history.size() - Taste.LATELY_ITEMS); i < history.size(); i++) {
        recent.addAll(keys(history.get(i).genres()));
      }
      Map<String, Double> shares = Catalogue.genreShares(history, Catalogue.uniform(history.size()));
      double relevantShare = 0;
      for (Map.Entry<String, Double> e : shares.entrySet()) {
        if (relevantGenres.contains(key(e.getKey()))) {
          relevantShare = Math.max(relevantShare, e.getValue());
        }
      }
      if (!java.util.Collections.disjoint(recent, relevantGenres) && !present.contains(Directive.RECENCY)) {
        edits.add(Directive.RECENCY);
      } else if (relevantShare >= BREADTH_EVIDENCE && !present.contains(Directive.BREADTH)) {
        edits.add(Directive.BREADTH);
      }
    }
    if (relevant.decade().isPresent() && taste.decade().isEmpty() && !present.contains(Directive.ERA)) {
      long sameDecade = history.stream().filter(f -> f.decade().equals(relevant.decade())).count();
      long otherAbove = above.stream().filter(f -> f.decade().isPresent() && !f.decade().equals(relevant.decade())).count();
      if (sameDecade * 2 >= history.size() && otherAbove * 2 >= Math.max(1, above.size())) {
        edits.add(Directive.ERA);
      }
    }
    if (!present.contains(Directive.AVOID)) {
      Set<String> seen = new HashSet<>();
      history.forEach(f -> seen.addAll(keys(f.genres())));
      long unwatched = above.stream().filter(f -> {
        Set<String> foreign = keys(f.genres());
        foreign.removeAll(seen);
        foreign.removeAll(relevantGenres);
        return !foreign.isEmpty();
      }).count();
      if (unwatched >= AVOID_EVIDENCE) {
        edits.add(Directive.AVOID);
      }
    }
    return edits;
  }

  private List<Catalogue.Facts> above(String feedback) {
    List<Catalogue.Facts> out = new ArrayList<>();
    Matcher a = ABOVE.matcher(feedback);
    if (a.find()) {
      Matcher q = QUOTED.matcher(a.group(1));
      while (q.find()) {
        out.add(facts(q.group(1)));
      }
    }
    return out;
  }

  private String summarizeCritiques(String critiques) {
    Map<Directive, Double> support = new EnumMap<>(Directive.class);
    for (Map.Entry<Double, String> entry : entries(critiques)) {
      for (Directive d : editsIn(entry.getValue())) {
        support.merge(d, entry.getKey(), Double::sum);
      }
    }
    return guidelines(support);
  }

  private String summarizeOutcomes(String feedback) {
    Map<Directive, Double> support = new EnumMap<>(Directive.class);
    for (Map.Entry<Double, String> entry : entries(feedback)) {
      String body = entry.getValue();
      int outcome = body.indexOf("Outcome:");
      Taste taste = Taste.parse(body.substring(0, outcome < 0 ? body.length() : outcome).replace("Profile: ", ""));
      Matcher chosen = CHOSEN.matcher(body);
      if (!chosen.find() || Integer.parseInt(chosen.group(2)) == 1) {
        continue;
      }
      Catalogue.Facts relevant = facts(chosen.group(1));
      for (Directive d : edits(taste, relevant, List.of(), above(body), EnumSet.noneOf(Directive.class))) {
        support.merge(d, entry.getKey(), Double::sum);
      }
      if (!taste.favourites().isEmpty() && java.util.Collections.disjoint(keys(taste.favourites()), keys(relevant.genres()))) {
        support.merge(Directive.BREADTH, entry.getKey(), Double::sum);
      }
    }
    return guidelines(support);
  }

  /** (weight, text) of each "User N (weight w):" entry. */
  private static List<Map.Entry<Double, String>> entries(String block) {
    List<Map.Entry<Double, String>> out = new ArrayList<>();
    Matcher m = USER_ENTRY.matcher(block);
    List<int[]> spans = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
      weights.add(Double.parseDouble(m.group(1)));
    }
    for (int i = 0; i < spans.size(); i++) {
      int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : block.length();
      out.add(Map.entry(weights.get(i), block.substring(spans.get(i)[1], end)));
    }
    return out;
  }

  /**
   * The directives asked for by the "Edit:" and numbered lines of {@code text}, in order of first
   * appearance. Other lines (explanations, profiles of users already at target) ask for nothing.
   */
  private static List<Directive> editsIn(String text) {
    List<Directive> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("Edit:") || l.matches("^\\d+\\.\\s.*")) {
        for (Directive d : Directive.specificIn(l)) {
          if (!found.contains(d)) {
            found.add(d);
          }
        }
      }
    }
    return found;
  }

  private String guidelines(Map<Directive, Double> support) {
    List<Map.Entry<Directive, Double>> ranked = new ArrayList<>(support.entrySet());
    ranked.removeIf(e -> e.getValue() < SUMMARY_THRESHOLD);
    ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : Double.compare(b.getValue(), a.getValue()));
    if (ranked.isEmpty()) {
      return "1. Keep the instruction as it is: the critiques show no problem shared across users.";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(SUMMARY_MAX_GUIDELINES, ranked.size()); i++) {
      sb.append(i + 1).append(". ").append(ranked.get(i).getKey().sentence(domain)).append('\n');
    }
    return sb.toString().strip();
  }

  // ---------------------------------------------------------------- OPTIMIZE

  private String optimize(String text) {
    String instruction = block(text, "instruction").strip();
    String guidelines = block(text, "guidelines");
    int allowed = text.contains("Make large edits") ? 3 : text.contains("Make moderate edits") ? 2 : 1;
    Set<Directive> present = Directive.in(instruction);
    List<Directive> wanted = new ArrayList<>();
    for (Directive d : editsIn(guidelines)) {
      if (!present.contains(d) && !wanted.contains(d)) {
        wanted.add(d);
      }
    }
    if (wanted.isEmpty() && editsIn(guidelines).isEmpty()) {
      Matcher ndcg = NDCG.matcher(guidelines);
      if (ndcg.find() && Double.parseDouble(ndcg.group(1)) < 0.9) {
        List<Directive> missing = new ArrayList<>();
        for (Directive d : Directive.values()) {
          if (!present.contains(d)) {
            missing.add(d);
          }
        }
        if (!missing.isEmpty()) {
          wanted.add(missing.get(Math.floorMod(guidelines.hashCode() + instruction.hashCode(), missing.size())));
        }
      }
    }
    StringBuilder next = new StringBuilder(instruction);
    for (int i = 0; i < Math.min(allowed, wanted.size()); i++) {
      next.append(next.length() == 0 ? "" : " ").append(wanted.get(i).sentence(domain));
    }
    return "<prompt>\n" + next + "\n</prompt>";
  }

  // ---------------------------------------------------------------- helpers

  /** The text between the last {@code <tag>} and the next {@code </tag>}, or "". */
  static String block(String text, String tag) {
    int open = text.lastIndexOf("<" + tag + ">");
    if (open < 0) {
      return "";
    }
    int start = open + tag.length() + 2;
    int close = text.indexOf("</" + tag + ">", start);
    return close < 0 ? text.substring(start) : text.substring(start, close);
  }

  private static int number(String s) {
    int i = NUMBER_WORDS.indexOf(s.toLowerCase(Locale.ROOT));
    return i >= 0 ? i : Integer.parseInt(s);
  }

  private static String key(String genre) {
    return genre.strip().toLowerCase(Locale.ROOT);
  }

  private static Set<String> keys(List<String> genres) {
    Set<String> out = new HashSet<>();
    genres.forEach(g -> out.add(key(g)));
    return out;
  }
}
