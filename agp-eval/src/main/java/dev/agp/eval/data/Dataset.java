package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import dev.agp.Item;
import dev.agp.eval.Interaction;
import java.util.List;
import java.util.Map;

/**
 * Interactions and the items they refer to, as loaded from a dataset's files.
 *
 * @param interactions every kept interaction, in file order
 * @param items the items of those interactions, by id; each has a usable title
 * @param report what was read, kept and left out, and why
 */
public record Dataset(List<Interaction> interactions, Map<String, Item> items, LoadReport report) {

  /**
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if an interaction refers to an item not in {@code items},
   *     or an item is filed under another id
   */
  public Dataset {
    interactions = List.copyOf(interactions);
    items = Map.copyOf(items);
    requireNonNull(report, "report");
    for (Map.Entry<String, Item> e : items.entrySet()) {
      if (!e.getKey().equals(e.getValue().id())) {
        throw new IllegalArgumentException("item " + e.getValue().id() + " is filed under id " + e.getKey());
      }
    }
    for (int i = 0; i < interactions.size(); i++) {
      Interaction x = interactions.get(i);
      if (!items.containsKey(x.itemId())) {
        throw new IllegalArgumentException(
            "interactions[" + i + "] (user " + x.userId() + ") refers to item " + x.itemId() + ", which is not among the items");
      }
    }
  }

  /** Distinct users. */
  public long userCount() {
    return interactions.stream().map(Interaction::userId).distinct().count();
  }
}
