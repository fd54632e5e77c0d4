package dev.agp.examples;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The small vocabulary the simulated LLM understands in a profile instruction, in critiques and in
 * guidelines. Each directive is recognised by its keywords (whole words, any case) and has one
 * canonical sentence, which is what the simulated optimizer writes into a prompt.
 */
enum Directive {
  /** State the favourite genres, most important first. */
  GENRES("genres?", "Name the user's favourite genres, most important first."),
  /** List secondary genres too, not only the main one. */
  BREADTH("secondary|variety|range of|diverse|several genres|mix of",
      "Also list the secondary genres the user returns to, not only the main one."),
  /** Note the preferred decades. */
  ERA("eras?|decades?|periods?|release years?",
      "Note the decades or eras of the %ss the user prefers."),
  /** Weigh recent items more. */
  RECENCY("recent|recently|latest|lately|drifts?",
      "Give more weight to the most recent %ss, since tastes drift."),
  /** Say which genres the user avoids. */
  AVOID("avoids?|dislikes?|steers? clear|never watch(?:es)?",
      "State which genres the user seems to avoid.");

  private final Pattern keywords;
  private final String sentence;

  Directive(String keywords, String sentence) {
    this.keywords = Pattern.compile("\\b(?:" + keywords + ")\\b", Pattern.CASE_INSENSITIVE);
    this.sentence = sentence;
  }

  /** The canonical instruction sentence for {@code domain}. */
  String sentence(String domain) {
    return sentence.contains("%s") ? String.format(Locale.ROOT, sentence, domain) : sentence;
  }

  boolean foundIn(String text) {
    return keywords.matcher(text).find();
  }

  /** The directives {@code text} asks for. */
  static Set<Directive> in(String text) {
    EnumSet<Directive> found = EnumSet.noneOf(Directive.class);
    for (Directive d : values()) {
      if (d.foundIn(text)) {
        found.add(d);
      }
    }
    return found;
  }

  /**
   * The directives a critique or guideline line asks for, without {@link #GENRES} when a more
   * specific directive (whose sentence mentions genres too) is there.
   */
  static Set<Directive> specificIn(String text) {
    Set<Directive> found = in(text);
    if (found.size() > 1) {
      found.remove(GENRES);
    }
    return found;
  }
}
