package dev.agp.internal;

import dev.agp.CandidateLabels;
import dev.agp.Item;
import dev.agp.PromptTemplate;
import dev.agp.Ranking;
import dev.agp.UntrustedText;
import dev.agp.UserCase;
import java.util.List;

/** Renders items and rankings for the delimited blocks of a prompt. */
public final class PromptBlocks {

  public static final String NO_HISTORY = "(no history)";

  private PromptBlocks() {}

  /** {@code "1. Title"} lines, oldest first. */
  public static String history(List<Item> items, int maxTitleChars) {
    if (items.isEmpty()) {
      return NO_HISTORY;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : "\n").append(i + 1).append(". ")
          .append(UntrustedText.line(items.get(i).title(), maxTitleChars));
    }
    return sb.toString();
  }

  /** {@code "[A] Title"} lines in the order shown. */
  public static String candidates(List<Item> shown, int maxTitleChars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shown.size(); i++) {
      sb.append(i == 0 ? "" : "\n").append('[').append(CandidateLabels.label(i)).append("] ")
          .append(UntrustedText.line(shown.get(i).title(), maxTitleChars));
    }
    return sb.toString();
  }

  /** {@code "1. Title"} lines in ranking order. */
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

  /** Renders {@code template} with the values it has placeholders for (optional ones may be absent). */
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
