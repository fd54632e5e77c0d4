package dev.agp.prompt;

import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.prompt.CandidateLabels;
import dev.agp.prompt.PromptTemplate;
import dev.agp.prompt.UntrustedText;
import java.util.List;

/** Renders items and rankings for the delimited blocks of a prompt. */
public final class PromptBlocks {

  /** What a prompt shows for an empty history. */
  public static final String NO_HISTORY = "(no history)";
  /** Separates a title from the attributes shown after it. */
  public static final String ATTRIBUTES_SEPARATOR = " | ";
  /** The most characters of attributes shown for one item. */
  public static final int MAX_ATTRIBUTE_CHARS = 160;

  private PromptBlocks() {}

  /**
   * {@code "1. Title"} lines, oldest first.
   *
   * @param items the history items
   * @param maxTitleChars the longest title shown
   * @return the lines, or {@link #NO_HISTORY}
   */
  public static String history(List<Item> items, int maxTitleChars) {
    return history(items, maxTitleChars, List.of());
  }

  /**
   * {@code "1. Title"} lines, oldest first, each followed by the item's {@code attributes} that it
   * has ({@link #item}).
   *
   * @param items the history items
   * @param maxTitleChars the longest title shown
   * @param attributes the attribute keys to show
   * @return the lines, or {@link #NO_HISTORY}
   */
  public static String history(List<Item> items, int maxTitleChars, List<String> attributes) {
    if (items.isEmpty()) {
      return NO_HISTORY;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : "\n").append(i + 1).append(". ").append(item(items.get(i), maxTitleChars, attributes));
    }
    return sb.toString();
  }

  /**
   * {@code "[A] Title"} lines in the order shown.
   *
   * @param shown the candidates, in the order shown
   * @param maxTitleChars the longest title shown
   * @return the lines
   */
  public static String candidates(List<Item> shown, int maxTitleChars) {
    return candidates(shown, maxTitleChars, List.of());
  }

  /**
   * {@code "[A] Title"} lines in the order shown, with the items' {@code attributes} ({@link
   * #item}).
   *
   * @param shown the candidates, in the order shown
   * @param maxTitleChars the longest title shown
   * @param attributes the attribute keys to show
   * @return the lines
   */
  public static String candidates(List<Item> shown, int maxTitleChars, List<String> attributes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shown.size(); i++) {
      sb.append(i == 0 ? "" : "\n").append('[').append(CandidateLabels.label(i)).append("] ")
          .append(item(shown.get(i), maxTitleChars, attributes));
    }
    return sb.toString();
  }

  /**
   * One item as a prompt shows it: the neutralised title, then, when {@code attributes} names
   * some the item has, {@code " | genres: Comedy, Drama; year: 1995"} in the order named, at most
   * {@value #MAX_ATTRIBUTE_CHARS} characters, neutralised like the title (so no value can pose as
   * a label or close a block).
   *
   * @param item the item shown
   * @param maxTitleChars the longest title shown
   * @param attributes the attribute keys to show
   * @return the item's text
   */
  public static String item(Item item, int maxTitleChars, List<String> attributes) {
    String title = UntrustedText.line(item.title(), maxTitleChars);
    if (attributes.isEmpty()) {
      return title;
    }
    StringBuilder a = new StringBuilder();
    for (String key : attributes) {
      String value = item.attributes().get(key);
      if (value == null || value.isBlank()) {
        continue;
      }
      a.append(a.length() == 0 ? "" : "; ").append(key).append(": ").append(value.replace("|", ", "));
    }
    if (a.length() == 0) {
      return title;
    }
    return title + ATTRIBUTES_SEPARATOR + UntrustedText.line(a.toString().replace(" | ", ", "), MAX_ATTRIBUTE_CHARS);
  }

  /**
   * {@code "1. Title"} lines in ranking order.
   *
   * @param user the user whose candidates are ranked
   * @param ranking a permutation of the user's candidates
   * @param maxTitleChars the longest title shown
   * @return the lines
   */
  public static String ranking(UserCase user, Ranking ranking, int maxTitleChars) {
    java.util.Map<String, Item> byId = new java.util.HashMap<>();
    user.candidates().forEach(c -> byId.put(c.id(), c));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ranking.itemIds().size(); i++) {
      Item item = byId.get(ranking.itemIds().get(i));
      sb.append(i == 0 ? "" : "\n").append(i + 1).append(". ")
          .append(UntrustedText.line(item == null ? ranking.itemIds().get(i) : item.title(), maxTitleChars));
    }
    return sb.toString();
  }

  /**
   * Renders {@code template} with the values it has placeholders for (optional ones may be absent).
   *
   * @param template the template rendered
   * @param values the values by placeholder name
   * @return the messages
   */
  public static List<dev.agp.llm.LlmMessage> fill(PromptTemplate template, java.util.Map<String, String> values) {
    java.util.Map<String, String> used = new java.util.HashMap<>();
    for (String p : template.placeholders()) {
      String v = values.get(p);
      if (v == null) {
        throw new IllegalArgumentException("template " + template.name() + ": no value for {{" + p + "}}");
      }
      used.put(p, v);
    }
    return template.render(used);
  }
}
