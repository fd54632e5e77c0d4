package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import dev.agp.TemplateName;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmMessage;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.TokenUsage;
import dev.agp.prompt.PromptTemplates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stand-in for a language model, for running the SDK offline. <b>It is not a
 * language model</b>: every number it produces must be reported as coming from a simulated LLM.
 * It is a test rig for the learning mechanism, built so that a broken optimiser loses.
 *
 * <p>Its only knowledge is the {@link Catalogue}: each item's tags (genres, categories, shelves,
 * whatever the dataset has) and release year. It reads every prompt with one vocabulary ({@link
 * Instruction}), so no method gets a capability its prompt does not ask for:
 *
 * <ul>
 *   <li><b>PROFILE</b>: reads the instruction (focus, recency, era, avoided tags) and writes a
 *       {@link Taste} of the history shown: favourite tags with their shares, a preferred decade,
 *       avoided tags. An instruction it does not understand gets the default reading, the same
 *       one LLM-Dir gets.
 *   <li><b>RERANK</b>, LLM-Dir, LLM-CoT, RPP: scores each candidate by how its tags and decade
 *       match the profile (or the history read under the prompt's own instructions), minus
 *       avoided tags, plus a pull towards the list's order (halved when the prompt asks to reason
 *       step by step); tags a prompt names are favoured. What any instruction does to a user's
 *       ranking therefore comes from that user's data: recency helps users whose tastes drift and
 *       hurts the others, breadth helps eclectic users and blurs focused ones; nothing is good for
 *       everyone.
 *   <li><b>CRITIQUE</b>: only from the evidence in the request (the instruction, the history
 *       shown, the chosen item and the items named above it): it tries every one-step edit of the
 *       instruction (more or fewer tags, more or less recency, era and avoided tags on or off),
 *       rewrites the profile under each, and proposes the edits that would have lifted the chosen
 *       item above more of those items. Shown a chosen item that the user did not choose (permuted
 *       labels), it proposes whatever helps that item: noise.
 *   <li><b>SUMMARIZE</b>: adds up the weights behind each proposed edit, keeps the strongest
 *       level per aspect, and lists up to three with enough support. (Compact mode, which has no
 *       critiques, infers edits from each profile and outcome.)
 *   <li><b>OPTIMIZE</b>: applies one, two or three of the guidelines' edits (small, moderate,
 *       large update), which may add, remove or reword sentences, and writes the instruction
 *       anew under the length cap. Without a summary it does not aggregate: it follows the edits
 *       of the critiques in the order shown (the heaviest users first). With only a score
 *       (score-only feedback) it reads the score shown and, below 0.9, makes one blind,
 *       deterministic edit.
 *   <li><b>RPP_REFINE</b>: rewrites the reasoning and role sentences to name the user's two main
 *       tags; keeps the format sentence.
 * </ul>
 *
 * Identical requests always get identical answers. Usage is reported at about four characters a
 * token.
 */
public final class SimulatedLlm implements LlmClient {

  /** The model name reported in every response. */
  public static final String MODEL = "simulated-llm";

  /** What every report made with this client must say. */
  public static final String NOTICE =
      "simulated LLM (a deterministic offline stand-in driven by catalogue metadata, not a language model)";

  /** The pull of the list's order: {@code BASE_WEIGHT / log2(place + 2)}. */
  static final double BASE_WEIGHT = 0.9;
  /** What a matching preferred decade adds, times the share the profile gives it. */
  static final double ERA_WEIGHT = 0.5;
  /** What an avoided tag takes away. */
  static final double AVOID_PENALTY = 0.5;
  /** What a tag named by the prompt itself adds. */
  static final double NAMED_WEIGHT = 0.5;
  /** Edits a critique proposes at most. */
  static final int MAX_EDITS = 3;
  /** Guidelines a summary lists at most. */
  static final int SUMMARY_MAX_GUIDELINES = 3;
  /** Share of the batch's weight an edit needs to make the summary. */
  static final double SUMMARY_THRESHOLD = 0.15;
  /** Below this batch score a score-only optimiser makes a blind edit. */
  static final double BLIND_EDIT_BELOW = 0.9;

  private static final Pattern NUMBERED = Pattern.compile("^\\s*\\d+\\.\\s+(.*)$");
  private static final Pattern LABELLED = Pattern.compile("^\\s*\\[([A-Z]{1,2})]\\s+(.*)$");
  private static final Pattern CHOSEN =
      Pattern.compile("chose the \\w+ \"([^\"\\n]+)\": the ranking placed it (\\d+) of (\\d+)");
  private static final Pattern ABOVE = Pattern.compile("(?m)Ranked above it: ([^\\n]+)");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"\\n]+)\"");
  private static final Pattern USER_ENTRY = Pattern.compile("(?m)^User \\d+ \\(weight ([0-9.]+)\\):\\s*$");
  private static final Pattern SCORE_ONLY = Pattern.compile("Mean NDCG@\\d+ over the batch's \\d+ users: ([0-9]+\\.[0-9]+)");
  private static final Pattern MAX_CHARS = Pattern.compile("under (\\d+) characters");
  private static final Pattern TAGGED_SENTENCE = Pattern.compile("<(role|reasoning|format|history)>([^<]*)</\\1>");

  private final Catalogue catalogue;
  private final String domain;
  private final String tags;
  private final List<Pattern> profileBoilerplate;

  private SimulatedLlm(Catalogue catalogue, String domain) {
    this.catalogue = catalogue;
    this.domain = domain;
    this.tags = domain.equals("movie") || domain.equals("book") ? "genres" : "categories";
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
      case RERANK -> labels(rank(Taste.parse(block(text, "profile")), read(outsideBlocks(text)), candidates(text)), ", ");
      case DIRECT_RERANK -> labels(rankFromHistory(outsideBlocks(text), text), ", ");
      case COT_RERANK -> chainOfThought(text);
      case CRITIQUE -> critique(text);
      case SUMMARIZE -> text.contains("<critiques>") ? summarizeCritiques(block(text, "critiques"))
          : summarizeOutcomes(block(text, "feedback"), read(block(text, "instruction")));
      case OPTIMIZE -> optimize(text);
      case RPP_RANK -> String.join("\n", rankFromHistory(systemText(request) + "\n" + outsideBlocks(text), text));
      case RPP_REFINE -> rppRefine(text);
    };
    long in = 0;
    for (LlmMessage m : request.messages()) {
      in += m.text().length();
    }
    return new LlmResponse(answer, new TokenUsage((in + 3) / 4, (answer.length() + 3) / 4), MODEL, 1, false);
  }

  private Instruction read(String text) {
    return Instruction.read(text, catalogue.commonGenres());
  }

  // ---------------------------------------------------------------- PROFILE

  private String profile(String text) {
    return Taste.of(history(text), read(instruction(text)), catalogue).render(tags);
  }

  /** The user message without the history block and the built-in template's fixed lines. */
  private String instruction(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : withoutBlock(text, "history").split("\n")) {
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

  /**
   * What the item shown as {@code shown} is: known from the catalogue by its title, or, for an
   * unknown title, from the attributes shown after it ({@code "Title | genres: A, B; year: 1995"}).
   */
  private Catalogue.Facts facts(String shown) {
    int bar = shown.lastIndexOf(" | ");
    String title = bar < 0 ? shown : shown.substring(0, bar);
    Optional<Catalogue.Facts> known = catalogue.lookup(title).or(() -> catalogue.lookup(shown));
    if (known.isPresent() || bar < 0) {
      return known.orElseGet(() -> new Catalogue.Facts(title, List.of(), OptionalInt.empty()));
    }
    List<String> tagList = new ArrayList<>();
    OptionalInt year = OptionalInt.empty();
    for (String pair : shown.substring(bar + 3).split("; ")) {
      int colon = pair.indexOf(": ");
      if (colon < 0) {
        continue;
      }
      String key = pair.substring(0, colon).strip();
      String value = pair.substring(colon + 2);
      if (Catalogue.TAG_ATTRIBUTES.contains(key)) {
        tagList.addAll(Catalogue.tags(value));
      } else if (key.equals("year") && value.strip().matches("\\d{4}")) {
        year = OptionalInt.of(Integer.parseInt(value.strip()));
      }
    }
    return new Catalogue.Facts(title, tagList, year);
  }

  /** Ranks the candidates from the history shown, read under the prompt's own instructions. */
  private List<String> rankFromHistory(String instructions, String text) {
    Instruction how = read(instructions);
    return rank(Taste.of(history(text), how, catalogue), how, candidates(text));
  }

  private List<String> rank(Taste taste, Instruction how, List<Candidate> candidates) {
    Map<String, Double> weights = weights(taste, how);
    double pull = BASE_WEIGHT * (how.careful() ? 0.5 : 1.0) * (how.trustList() ? 1.5 : 1.0);
    double[] score = new double[candidates.size()];
    for (Candidate c : candidates) {
      score[c.index()] = preference(weights, taste, c.facts()) + pull / (Math.log(c.index() + 2) / Math.log(2));
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort((a, b) -> score[a.index()] == score[b.index()] ? a.index() - b.index() : Double.compare(score[b.index()], score[a.index()]));
    return sorted.stream().map(Candidate::label).toList();
  }

  /** Tag weights: favourites relative to the top one, plus the tags the prompt names. */
  private static Map<String, Double> weights(Taste taste, Instruction how) {
    Map<String, Double> weights = new HashMap<>();
    double top = taste.shares().isEmpty() ? 1 : Math.max(1e-9, taste.shares().get(0));
    for (int i = 0; i < taste.favourites().size(); i++) {
      weights.merge(key(taste.favourites().get(i)), taste.shares().get(i) / top, Double::sum);
    }
    for (String n : how.named()) {
      weights.merge(key(n), NAMED_WEIGHT, Double::sum);
    }
    return weights;
  }

  /** How well an item matches a taste, without the pull of the list's order. */
  private static double preference(Map<String, Double> weights, Taste taste, Catalogue.Facts item) {
    double s = 0;
    List<String> genres = item.genres();
    boolean avoided = false;
    Set<String> avoid = new HashSet<>();
    taste.avoided().forEach(g -> avoid.add(key(g)));
    for (String g : genres) {
      s += weights.getOrDefault(key(g), 0.0) / Math.sqrt(genres.size());
      avoided |= avoid.contains(key(g));
    }
    if (avoided) {
      s -= AVOID_PENALTY;
    }
    if (taste.decade().isPresent() && item.decade().equals(taste.decade())) {
      s += ERA_WEIGHT * taste.decadeShare();
    }
    return s;
  }

  private static String labels(List<String> order, String separator) {
    return "<ranking>" + String.join(separator, order) + "</ranking>";
  }

  private String chainOfThought(String text) {
    Instruction how = read(outsideBlocks(text));
    Taste taste = Taste.of(history(text), how, catalogue);
    List<Candidate> candidates = candidates(text);
    List<String> order = rank(taste, how, candidates);
    StringBuilder sb = new StringBuilder();
    sb.append("Step 1: the user mostly chooses ")
        .append(taste.favourites().isEmpty() ? "varied " + domain + "s" : String.join(" and ", taste.favourites())).append(".\n");
    sb.append("Step 2: candidates that share those ").append(tags).append(" fit best; otherwise the list's order decides.\n");
    if (!order.isEmpty()) {
      sb.append("Step 3: [").append(order.get(0)).append("] fits best.\n");
    }
    return sb + labels(order, ", ");
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

  /** Rewrites the tagged sentences around the user's main tags. */
  private String rppRefine(String text) {
    Taste taste = Taste.of(history(text), Instruction.DEFAULT, catalogue);
    List<String> main = taste.favourites();
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
        case "reasoning" -> main.isEmpty() ? sentence
            : withoutFinalDot(sentence) + ", paying most attention to " + String.join(" and ", main) + " " + domain + "s.";
        case "role" -> main.isEmpty() || sentence.isEmpty() ? sentence
            : withoutFinalDot(sentence) + ", with a particular eye for " + main.get(0) + ".";
        default -> sentence;
      };
      sb.append('<').append(tag).append('>').append(rewritten).append("</").append(tag).append(">\n");
    }
    return sb.toString().strip();
  }

  private static String withoutFinalDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  // ---------------------------------------------------------------- CRITIQUE

  private String critique(String text) {
    Instruction instruction = read(block(text, "instruction"));
    List<Catalogue.Facts> history = history(text);
    String feedback = block(text, "feedback");
    Matcher chosen = CHOSEN.matcher(feedback);
    if (!chosen.find()) {
      return "The feedback names no chosen " + domain + "; nothing to critique.";
    }
    Catalogue.Facts relevant = facts(chosen.group(1));
    List<Catalogue.Facts> above = above(feedback);
    Taste current = Taste.of(history, instruction, catalogue);
    int beatenNow = beaten(current, instruction, relevant, above);
    Map<Instruction.Edit, Integer> gains = new LinkedHashMap<>();
    for (Instruction.Edit e : instruction.neighbours()) {
      Instruction edited = instruction.with(e);
      int gain = beatenNow - beaten(Taste.of(history, edited, catalogue), edited, relevant, above);
      if (gain > 0) {
        gains.put(e, gain);
      }
    }
    List<Instruction.Edit> edits = new ArrayList<>(gains.keySet());
    edits.sort((a, b) -> gains.get(b) - gains.get(a)); // stable: neighbour order breaks ties
    StringBuilder sb = new StringBuilder();
    sb.append("The chosen ").append(domain).append(" \"").append(relevant.title()).append("\" (")
        .append(relevant.genres().isEmpty() ? tags + " unknown" : String.join(", ", relevant.genres()))
        .append(relevant.year().isPresent() ? ", " + relevant.year().getAsInt() : "").append(") was ranked ")
        .append(chosen.group(2)).append(" of ").append(chosen.group(3)).append(". ");
    sb.append(current.favourites().isEmpty() ? "The profile named no " + tags + "."
        : "The profile named " + String.join(", ", current.favourites()) + ".");
    if (edits.isEmpty()) {
      sb.append(" No single change to the instruction would have placed it above more of the ").append(domain)
          .append("s ranked above it; the miss does not point to the instruction.");
    }
    for (Instruction.Edit e : edits.subList(0, Math.min(MAX_EDITS, edits.size()))) {
      sb.append("\nEdit: ").append(e.sentence(domain, tags));
    }
    return sb.toString();
  }

  /** How many of {@code above} would still score at least as well as {@code chosen} under {@code taste}. */
  private static int beaten(Taste taste, Instruction how, Catalogue.Facts chosen, List<Catalogue.Facts> above) {
    Map<String, Double> weights = weights(taste, how);
    double mine = preference(weights, taste, chosen);
    int n = 0;
    for (Catalogue.Facts f : above) {
      if (preference(weights, taste, f) >= mine) {
        n++;
      }
    }
    return n;
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

  // ---------------------------------------------------------------- SUMMARIZE

  private String summarizeCritiques(String critiques) {
    Map<Instruction.Edit, Double> support = new LinkedHashMap<>();
    for (Map.Entry<Double, String> entry : entries(critiques)) {
      for (Instruction.Edit e : editsIn(entry.getValue())) {
        support.merge(e, entry.getKey(), Double::sum);
      }
    }
    return guidelines(support);
  }

  private String summarizeOutcomes(String feedback, Instruction instruction) {
    Map<Instruction.Edit, Double> support = new LinkedHashMap<>();
    for (Map.Entry<Double, String> entry : entries(feedback)) {
      for (Instruction.Edit e : inferredEdits(entry.getValue(), instruction)) {
        support.merge(e, entry.getKey(), Double::sum);
      }
    }
    return guidelines(support);
  }

  /**
   * Compact mode's evidence, one user's profile and outcome without the history: edits that the
   * profile's own statements contradict.
   */
  private List<Instruction.Edit> inferredEdits(String body, Instruction instruction) {
    int outcome = body.indexOf("Outcome:");
    Taste taste = Taste.parse(body.substring(0, outcome < 0 ? body.length() : outcome).replace("Profile: ", ""));
    Matcher chosen = CHOSEN.matcher(body);
    if (!chosen.find() || Integer.parseInt(chosen.group(2)) == 1) {
      return List.of();
    }
    Catalogue.Facts relevant = facts(chosen.group(1));
    List<Catalogue.Facts> above = above(body);
    List<Instruction.Edit> out = new ArrayList<>();
    Set<String> favourites = keys(taste.favourites());
    Set<String> mine = keys(relevant.genres());
    if (!mine.isEmpty() && Collections.disjoint(favourites, mine) && instruction.focus() + 1 < Instruction.FOCUS_TAGS.length) {
      out.add(new Instruction.Edit(Instruction.Aspect.FOCUS, instruction.focus() + 1));
    }
    if (!Collections.disjoint(keys(taste.avoided()), mine) && instruction.avoid()) {
      out.add(new Instruction.Edit(Instruction.Aspect.AVOID, 0));
    }
    if (taste.decade().isPresent() && relevant.decade().isPresent() && !relevant.decade().equals(taste.decade())
        && instruction.era()) {
      long matching = above.stream().filter(f -> f.decade().equals(taste.decade())).count();
      if (matching * 2 >= Math.max(1, above.size())) {
        out.add(new Instruction.Edit(Instruction.Aspect.ERA, 0));
      }
    }
    return out;
  }

  /** (weight, text) of each "User N (weight w):" entry, in the order shown. */
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

  /** The edits asked for by the lines of {@code text}, in order of first appearance. */
  private List<Instruction.Edit> editsIn(String text) {
    List<Instruction.Edit> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      Instruction.Edit.parse(line, domain, tags).filter(e -> !found.contains(e)).ifPresent(found::add);
    }
    return found;
  }

  private String guidelines(Map<Instruction.Edit, Double> support) {
    Map<Instruction.Aspect, Map.Entry<Instruction.Edit, Double>> best = new EnumMap<>(Instruction.Aspect.class);
    for (Map.Entry<Instruction.Edit, Double> e : support.entrySet()) {
      Map.Entry<Instruction.Edit, Double> b = best.get(e.getKey().aspect());
      if (b == null || e.getValue() > b.getValue()) {
        best.put(e.getKey().aspect(), e);
      }
    }
    List<Map.Entry<Instruction.Edit, Double>> ranked = new ArrayList<>(best.values());
    ranked.removeIf(e -> e.getValue() < SUMMARY_THRESHOLD);
    ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().aspect().compareTo(b.getKey().aspect())
        : Double.compare(b.getValue(), a.getValue()));
    if (ranked.isEmpty()) {
      return "1. Keep the instruction as it is: the critiques agree on no change.";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(SUMMARY_MAX_GUIDELINES, ranked.size()); i++) {
      sb.append(i + 1).append(". ").append(ranked.get(i).getKey().sentence(domain, tags)).append('\n');
    }
    return sb.toString().strip();
  }

  // ---------------------------------------------------------------- OPTIMIZE

  private String optimize(String text) {
    String current = block(text, "instruction").strip();
    Instruction instruction = read(current);
    String guidelines = block(text, "guidelines");
    int allowed = text.contains("Make large edits") ? 3 : text.contains("Make moderate edits") ? 2 : 1;
    List<Instruction.Edit> wanted = new ArrayList<>();
    List<Map.Entry<Double, String>> raw = entries(guidelines);
    if (raw.isEmpty()) {
      wanted.addAll(editsIn(guidelines));
    } else {
      // no summary: the critiques (or outcomes) in the order shown, heaviest users first
      for (Map.Entry<Double, String> entry : raw) {
        List<Instruction.Edit> own = editsIn(entry.getValue());
        wanted.addAll(own.isEmpty() ? inferredEdits(entry.getValue(), instruction) : own);
      }
    }
    Matcher score = SCORE_ONLY.matcher(guidelines);
    if (wanted.isEmpty() && score.find() && Double.parseDouble(score.group(1)) < BLIND_EDIT_BELOW) {
      List<Instruction.Edit> options = instruction.neighbours();
      wanted.add(options.get(Math.floorMod((current + "\n" + guidelines).hashCode(), options.size())));
    }
    Instruction next = instruction;
    Set<Instruction.Aspect> edited = new HashSet<>();
    for (Instruction.Edit e : wanted) {
      if (edited.size() >= allowed) {
        break;
      }
      if (next.level(e.aspect()) != e.level() && edited.add(e.aspect())) {
        next = next.with(e);
      }
    }
    if (next.equals(instruction)) {
      return "<prompt>\n" + current + "\n</prompt>";
    }
    String rendered = next.render(domain, tags);
    Matcher cap = MAX_CHARS.matcher(text);
    if (cap.find() && rendered.length() > Integer.parseInt(cap.group(1))) {
      rendered = rendered.substring(0, Integer.parseInt(cap.group(1)));
    }
    return "<prompt>\n" + rendered + "\n</prompt>";
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

  private static String withoutBlock(String text, String tag) {
    String open = "<" + tag + ">";
    String close = "</" + tag + ">";
    StringBuilder sb = new StringBuilder();
    int from = 0;
    while (true) {
      int o = text.indexOf(open, from);
      if (o < 0) {
        return sb.append(text.substring(from)).toString();
      }
      int c = text.indexOf(close, o);
      sb.append(text, from, o);
      if (c < 0) {
        return sb.toString();
      }
      from = c + close.length();
    }
  }

  /** The prompt's own words: everything outside its data blocks. */
  private static String outsideBlocks(String text) {
    String s = text;
    for (String tag : List.of("history", "candidates", "profile", "ranking")) {
      s = withoutBlock(s, tag);
    }
    return s;
  }

  private static String key(String tag) {
    return tag.strip().toLowerCase(Locale.ROOT);
  }

  private static Set<String> keys(List<String> list) {
    Set<String> out = new HashSet<>();
    list.forEach(g -> out.add(key(g)));
    return out;
  }
}
