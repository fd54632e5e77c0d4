package dev.agp.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the simulated LLM reads an instruction: which aspects of a user it is asked to attend to.
 * Every method's prompt is read with this one vocabulary (AGP's profile instruction, the fixed
 * prompts of LLM-Dir and LLM-CoT, RPP's sentences), so no method gets a capability its prompt does
 * not ask for; with nothing recognised, the reading is {@link #DEFAULT}.
 *
 * <ul>
 *   <li>{@code focus}: how many favourite tags (genres, categories, shelves) to state: index into
 *       {@link #FOCUS_TAGS} (1, 2, 4 or 6 tags). "single"/"main" asks for 1, a plain mention of
 *       genres for 2, "secondary"/"several"/"range"/"variety"/"whole history" for 4, "every"/"all"
 *       for 6.
 *   <li>{@code recency}: 0 every history item counts the same; 1 ("recent", "lately", "latest",
 *       "update ... in turn") recent items count more; 2 ("focus on the last few", "much more
 *       weight", "mostly") they count much more.
 *   <li>{@code era}: state the preferred decades ("era", "decade", "period", "release year").
 *   <li>{@code avoid}: state what the user avoids ("avoid", "dislike", "steer clear").
 *   <li>{@code careful}: rank deliberately ("step by step", "think", "reason", "review", "refine"):
 *       half the pull of the list's order.
 *   <li>{@code trustList}: defer to the list ("priority", "recommender system"): 1.5 times the
 *       pull of the list's order.
 *   <li>{@code window}: "the last N" items only (0: all shown).
 *   <li>{@code named}: tags the text names, which the ranking favours.
 * </ul>
 *
 * A sentence with "do not", "don't", "ignore", "stop", "no longer" or "without" turns off what it
 * mentions. {@link #render} writes the canonical sentences the simulated optimiser uses; reading
 * them back gives the same instruction.
 */
record Instruction(
    int focus, int recency, boolean era, boolean avoid, boolean careful, boolean trustList, int window,
    List<String> named) {

  /** Favourite tags stated per focus level. */
  static final int[] FOCUS_TAGS = {1, 2, 4, 6};
  /** The reading of a prompt that asks for nothing in particular. */
  static final Instruction DEFAULT = new Instruction(1, 0, false, false, false, false, 0, List.of());

  private static final String TAG = "(?:genres?|categor(?:y|ies)|shel(?:f|ves)|kinds?|types?|themes?|styles?|tags?|topics?)";
  private static final Pattern TAG_WORD = words(TAG);
  private static final Pattern NARROW = words("single|only the main|main " + TAG + "|top " + TAG + "|one " + TAG);
  private static final Pattern BROAD = words("secondary|several|range|variety|diverse|broad|whole history");
  private static final Pattern EVERY = words("every|all");
  private static final Pattern RECENT = words("recent|recently|lately|latest|drifts?|in turn|update|updated");
  private static final Pattern VERY_RECENT = words("last few|focus on the last|much more weight|mostly the|most of all");
  private static final Pattern ERA = words("eras?|decades?|periods?|release years?");
  private static final Pattern AVOID = words("avoids?|dislikes?|steers? clear");
  private static final Pattern CAREFUL = words("step by step|think|thinks|reason|reasoning|review|refine|carefully");
  private static final Pattern TRUST = words("priority|recommender system");
  private static final Pattern NEGATION = words("do not|don't|ignore|stop|no longer|without");
  private static final Pattern LAST_N = Pattern.compile(
      "(?i)\\b(?:last|latest)\\s+(\\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\\s+\\w+");
  private static final List<String> NUMBER_WORDS =
      List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");

  Instruction {
    named = List.copyOf(named);
  }

  private static Pattern words(String alternatives) {
    return Pattern.compile("(?i)\\b(?:" + alternatives + ")\\b");
  }

  /** Reads {@code text} sentence by sentence; tags of {@code known} that it names are kept in {@code named}. */
  static Instruction read(String text, List<String> known) {
    int focus = DEFAULT.focus;
    int recency = DEFAULT.recency;
    boolean era = false;
    boolean avoid = false;
    boolean careful = false;
    boolean trust = false;
    int window = 0;
    for (String sentence : sentences(text)) {
      boolean off = NEGATION.matcher(sentence).find();
      if (ERA.matcher(sentence).find()) {
        era = !off;
      }
      if (AVOID.matcher(sentence).find()) {
        avoid = !off;
      }
      if (VERY_RECENT.matcher(sentence).find()) {
        recency = off ? 0 : 2;
      } else if (RECENT.matcher(sentence).find()) {
        recency = off ? 0 : Math.max(recency, 1);
      }
      if (CAREFUL.matcher(sentence).find() && !off) {
        careful = true;
      }
      if (TRUST.matcher(sentence).find() && !off) {
        trust = true;
      }
      boolean tags = TAG_WORD.matcher(sentence).find();
      if (NARROW.matcher(sentence).find()) {
        focus = off ? DEFAULT.focus : 0;
      } else if (BROAD.matcher(sentence).find()) {
        focus = off ? DEFAULT.focus : 2;
      } else if (tags && EVERY.matcher(sentence).find()) {
        focus = off ? DEFAULT.focus : 3;
      }
      Matcher last = LAST_N.matcher(sentence);
      if (last.find() && !off) {
        window = number(last.group(1));
      }
    }
    List<String> named = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    for (String tag : known) {
      String t = tag.toLowerCase(Locale.ROOT);
      int at = lower.indexOf(t);
      while (at >= 0) {
        boolean startOk = at == 0 || !Character.isLetterOrDigit(lower.charAt(at - 1));
        int end = at + t.length();
        boolean endOk = end >= lower.length() || !Character.isLetterOrDigit(lower.charAt(end));
        if (startOk && endOk) {
          named.add(tag);
          break;
        }
        at = lower.indexOf(t, at + 1);
      }
    }
    return new Instruction(focus, recency, era, avoid, careful, trust, window, named);
  }

  private static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sb.append(c);
      boolean end = c == '\n' || ((c == '.' || c == '!' || c == '?' || c == ';')
          && (i + 1 >= text.length() || Character.isWhitespace(text.charAt(i + 1))));
      if (end) {
        out.add(sb.toString());
        sb.setLength(0);
      }
    }
    if (sb.length() > 0) {
      out.add(sb.toString());
    }
    return out;
  }

  private static int number(String s) {
    int i = NUMBER_WORDS.indexOf(s.toLowerCase(Locale.ROOT));
    return i >= 0 ? i : Integer.parseInt(s);
  }

  /** Favourite tags to state. */
  int favourites() {
    return FOCUS_TAGS[focus];
  }

  /** The decay per step of age of a history item's weight: 1 (none), 0.7, 0.4. */
  double decay() {
    return recency == 0 ? 1.0 : recency == 1 ? 0.7 : 0.4;
  }

  // ---------------------------------------------------------------- edits

  /** The aspects the simulated optimiser edits. */
  enum Aspect { FOCUS, RECENCY, ERA, AVOID }

  /** One change: set {@code aspect} to {@code level} (booleans: 0 off, 1 on). */
  record Edit(Aspect aspect, int level) {

    /** The guideline sentence for this edit; {@link #parse} reads it back. */
    String sentence(String domain, String tags) {
      String tag = tags.endsWith("ies") ? tags.substring(0, tags.length() - 3) + "y" : tags.substring(0, tags.length() - 1);
      return switch (aspect) {
        case FOCUS -> switch (level) {
          case 0 -> "Reword: name only the user's single favourite " + tag + ".";
          case 1 -> "Reword: name the user's favourite " + tags + ", without secondary ones.";
          case 2 -> "Reword: also list the secondary " + tags + " the user returns to.";
          default -> "Reword: list every " + tag + " in the user's history.";
        };
        case RECENCY -> switch (level) {
          case 0 -> "Remove: count every " + domain + " of the history the same, not the recent ones more.";
          case 1 -> "Reword: give more weight to the most recent " + domain + "s.";
          default -> "Reword: focus on the last few " + domain + "s the user chose.";
        };
        case ERA -> level == 1 ? "Add: note the decades or eras of the " + domain + "s the user prefers."
            : "Remove: stop describing decades or eras.";
        case AVOID -> level == 1 ? "Add: state which " + tags + " the user seems to avoid."
            : "Remove: stop listing what the user avoids.";
      };
    }

    /** The edit a guideline or critique line asks for, when it is one of {@link #sentence}'s. */
    static java.util.Optional<Edit> parse(String line, String domain, String tags) {
      String l = line.strip();
      int colon = l.indexOf(": ");
      for (Aspect a : Aspect.values()) {
        for (int level = 0; level < levels(a); level++) {
          Edit e = new Edit(a, level);
          String s = e.sentence(domain, tags);
          if (l.endsWith(s) || (colon >= 0 && l.substring(colon + 2).startsWith(s))) {
            return java.util.Optional.of(e);
          }
        }
      }
      return java.util.Optional.empty();
    }

    static int levels(Aspect a) {
      return switch (a) {
        case FOCUS -> FOCUS_TAGS.length;
        case RECENCY -> 3;
        case ERA, AVOID -> 2;
      };
    }
  }

  /** The level of {@code a} in this instruction. */
  int level(Aspect a) {
    return switch (a) {
      case FOCUS -> focus;
      case RECENCY -> recency;
      case ERA -> era ? 1 : 0;
      case AVOID -> avoid ? 1 : 0;
    };
  }

  /** This instruction with {@code e} applied. */
  Instruction with(Edit e) {
    return switch (e.aspect()) {
      case FOCUS -> new Instruction(e.level(), recency, era, avoid, careful, trustList, window, named);
      case RECENCY -> new Instruction(focus, e.level(), era, avoid, careful, trustList, window, named);
      case ERA -> new Instruction(focus, recency, e.level() == 1, avoid, careful, trustList, window, named);
      case AVOID -> new Instruction(focus, recency, era, e.level() == 1, careful, trustList, window, named);
    };
  }

  /** Every single edit that changes this instruction by one step, in a fixed order. */
  List<Edit> neighbours() {
    List<Edit> out = new ArrayList<>();
    for (Aspect a : Aspect.values()) {
      int l = level(a);
      if (l > 0) {
        out.add(new Edit(a, l - 1));
      }
      if (l + 1 < Edit.levels(a)) {
        out.add(new Edit(a, l + 1));
      }
    }
    return out;
  }

  /**
   * The canonical instruction: one sentence per aspect, the style sentence last. Reading it back
   * gives this instruction's focus, recency, era and avoid.
   */
  String render(String domain, String tags) {
    String tag = tags.endsWith("ies") ? tags.substring(0, tags.length() - 3) + "y" : tags.substring(0, tags.length() - 1);
    List<String> s = new ArrayList<>();
    s.add(switch (focus) {
      case 0 -> "Name only the user's single favourite " + tag + ".";
      case 1 -> "Name the user's favourite " + tags + ", most important first.";
      case 2 -> "List the user's favourite " + tags + " and the secondary " + tags + " they return to.";
      default -> "List every " + tag + " in the user's history, most frequent first.";
    });
    if (recency == 1) {
      s.add("Give more weight to the most recent " + domain + "s.");
    } else if (recency == 2) {
      s.add("Focus on the last few " + domain + "s the user chose.");
    }
    if (era) {
      s.add("Note the decades or eras of the " + domain + "s the user prefers.");
    }
    if (avoid) {
      s.add("State which " + tags + " the user seems to avoid.");
    }
    s.add("Write at most 120 words.");
    return String.join(" ", s);
  }
}
