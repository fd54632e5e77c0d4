package dev.agp;

import dev.agp.internal.Ndcg;
import dev.agp.prompt.UntrustedText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The default {@link FeedbackCalculator}: for each relevant item, its position, its target (its
 * place among the relevant items: 1 for a single held-out item) and the items ranked above it.
 */
final class PositionFeedbackCalculator implements FeedbackCalculator {

  /** How many items ranked above a relevant one the feedback names. */
  static final int NAMED_ABOVE = 5;

  private final int cutoff;
  private final int maxTitleChars;
  private final String domain;

  PositionFeedbackCalculator(int cutoff, int maxTitleChars, String domain) {
    this.cutoff = cutoff;
    this.maxTitleChars = maxTitleChars;
    this.domain = domain;
  }

  @Override
  public PositionFeedback feedback(UserCase user, Ranking ranking) {
    Set<String> relevant = user.relevantItemIds();
    if (relevant.isEmpty()) {
      throw new IllegalArgumentException(
          "user " + user.userId() + " has no relevant items: training and validation users need ground truth");
    }
    if (!ranking.isPermutationOf(user)) {
      throw new IllegalArgumentException(
          "user " + user.userId() + ": the ranking is not a permutation of the candidates");
    }
    Map<String, String> titles = new HashMap<>();
    for (Item c : user.candidates()) {
      titles.put(c.id(), UntrustedText.line(c.title(), maxTitleChars));
    }
    List<ItemPlacement> placements = new ArrayList<>();
    List<String> above = new ArrayList<>();
    double positionSum = 0;
    List<String> ids = ranking.itemIds();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (relevant.contains(id)) {
        placements.add(new ItemPlacement(id, titles.get(id), i + 1, placements.size() + 1, above));
        positionSum += i + 1;
      } else {
        above.add(titles.get(id));
      }
    }
    double averagePosition = positionSum / placements.size();
    double ndcg = Ndcg.at(ids, relevant, cutoff);
    return new PositionFeedback(
        user.userId(), placements, averagePosition, ndcg, render(placements, ids.size()));
  }

  private String render(List<ItemPlacement> placements, int listSize) {
    StringBuilder sb = new StringBuilder();
    for (ItemPlacement p : placements) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append("The user chose the ").append(domain).append(" \"").append(p.title())
          .append("\": the ranking placed it ").append(p.position()).append(" of ").append(listSize);
      if (p.atTarget()) {
        sb.append(", on target.");
        continue;
      }
      sb.append("; it should have been at position ").append(p.targetPosition()).append('.');
      List<String> shown = p.rankedAbove().subList(0, Math.min(NAMED_ABOVE, p.rankedAbove().size()));
      if (!shown.isEmpty()) {
        sb.append(" Ranked above it: ");
        for (int i = 0; i < shown.size(); i++) {
          sb.append(i == 0 ? "" : ", ").append('"').append(shown.get(i)).append('"');
        }
        int more = p.rankedAbove().size() - shown.size();
        if (more > 0) {
          sb.append(String.format(Locale.ROOT, " and %d more", more));
        }
        sb.append('.');
      }
    }
    return sb.toString();
  }
}
