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
 * @param items the items of those interactions, by id; each has a usable title. Iteration goes by
 *     id, the same on every run (a plain {@code Map.copyOf} iterates in an order that changes from
 *     one JVM to the next, which made results that depend on it, such as which of two items with
 *     the same title a simulated LLM knows, change between runs)
 * @param report what was read, kept and left out, and why
 */
public record Dataset(List<Interaction> interactions, Map<String, Item> items, LoadReport report) {

  /**
   * @param interactions every kept interaction, in file order
   * @param items the items of those interactions, by id; each has a usable title. Iteration goes by
   *     id, the same on every run (a plain {@code Map.copyOf} iterates in an order that changes
   *     from one JVM to the next, which made results that depend on it, such as which of two items
   *     with the same title a simulated LLM knows, change between runs)
   * @param report what was read, kept and left out, and why
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if an interaction refers to an item not in {@code items},
   *     or an item is filed under another id
   */
  public Dataset {
    interactions = List.copyOf(interactions);
    Map<String, Item> byId = sortedById(items);
    requireNonNull(report, "report");
    for (Map.Entry<String, Item> e : byId.entrySet()) {
      if (!e.getKey().equals(e.getValue().id())) {
        throw new IllegalArgumentException("item " + e.getValue().id() + " is filed under id " + e.getKey());
      }
    }
    String known = null; // the item of the previous interaction, found among the items
    for (int i = 0; i < interactions.size(); i++) {
      Interaction x = interactions.get(i);
      String item = x.itemId();
      if (item != known && !byId.containsKey(item)) {
        throw new IllegalArgumentException(
            "interactions[" + i + "] (user " + x.userId() + ") refers to item " + item + ", which is not among the items");
      }
      known = item;
    }
    items = java.util.Collections.unmodifiableMap(byId);
  }

  /** A copy of {@code items} that iterates by id. */
  private static Map<String, Item> sortedById(Map<String, Item> items) {
    java.util.TreeMap<String, Item> sorted = new java.util.TreeMap<>();
    for (Map.Entry<String, Item> e : items.entrySet()) {
      sorted.put(requireNonNull(e.getKey(), "item id"), requireNonNull(e.getValue(), "item"));
    }
    return new java.util.LinkedHashMap<>(sorted);
  }

  /** {@return the number of distinct users} */
  public long userCount() {
    return interactions.stream().map(Interaction::userId).distinct().count();
  }
}
