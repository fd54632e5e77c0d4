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
    List<Interaction> checked = interactions instanceof CheckedInteractions c && c.items == items ? c.list : null;
    interactions = checked != null ? checked : List.copyOf(interactions);
    Map<String, Item> byId = sortedById(items);
    requireNonNull(report, "report");
    for (Map.Entry<String, Item> e : byId.entrySet()) {
      if (!e.getKey().equals(e.getValue().id())) {
        throw new IllegalArgumentException("item " + e.getValue().id() + " is filed under id " + e.getKey());
      }
    }
    if (checked == null) {
      requireKnownItems(interactions, byId);
    }
    items = java.util.Collections.unmodifiableMap(byId);
  }

  /**
   * A dataset whose interactions the caller has already checked against {@code items}: every
   * interaction's item id is a key of {@code items}. The loaders' assembler builds its datasets
   * this way, sparing a second look-up of every interaction (a million of them in a large file);
   * every other check of the constructor still runs.
   */
  static Dataset ofCheckedItems(List<Interaction> interactions, Map<String, Item> items, LoadReport report) {
    return new Dataset(new CheckedInteractions(List.copyOf(interactions), items), items, report);
  }

  /** Interactions checked against one map of items, as only this class can make them. */
  private static final class CheckedInteractions extends java.util.AbstractList<Interaction>
      implements java.util.RandomAccess {
    private final List<Interaction> list;
    private final Map<String, Item> items;

    CheckedInteractions(List<Interaction> list, Map<String, Item> items) {
      this.list = list;
      this.items = items;
    }

    @Override
    public Interaction get(int index) {
      return list.get(index);
    }

    @Override
    public int size() {
      return list.size();
    }
  }

  /**
   * Checks that every interaction's item is among the items. Loaders give one string per id, so
   * the id objects already found are kept in a small open-addressing table compared by identity:
   * most interactions cost one probe there instead of a map lookup.
   */
  private static void requireKnownItems(List<Interaction> interactions, Map<String, Item> byId) {
    String[] found = new String[Integer.highestOneBit(Math.max(16, byId.size())) * 4];
    int mask = found.length - 1;
    int shift = Integer.numberOfLeadingZeros(mask); // the top bits of a multiplicative hash index the table
    int size = 0;
    for (int i = 0; i < interactions.size(); i++) {
      Interaction x = interactions.get(i);
      String item = x.itemId();
      int slot = (item.hashCode() * 0x9E3779B9) >>> shift; // ids such as "1", "2", ... would cluster
      boolean seen = false;
      for (String s; (s = found[slot]) != null; slot = (slot + 1) & mask) {
        if (s == item) {
          seen = true;
          break;
        }
      }
      if (seen) {
        continue;
      }
      if (!byId.containsKey(item)) {
        throw new IllegalArgumentException(
            "interactions[" + i + "] (user " + x.userId() + ") refers to item " + item + ", which is not among the items");
      }
      if (size < found.length / 2) { // equal ids in other objects are looked up each time once it is half full
        found[slot] = item;
        size++;
      }
    }
  }

  /** A copy of {@code items} that iterates by id. */
  private static Map<String, Item> sortedById(Map<String, Item> items) {
    @SuppressWarnings("unchecked") // an array of the entries' own type
    Map.Entry<String, Item>[] entries = items.entrySet().toArray(new Map.Entry[0]);
    for (Map.Entry<String, Item> e : entries) {
      requireNonNull(e.getKey(), "item id");
      requireNonNull(e.getValue(), "item");
    }
    java.util.Arrays.sort(entries, Map.Entry.comparingByKey()); // a map's ids are distinct
    Map<String, Item> sorted = new java.util.LinkedHashMap<>(Math.max(16, (int) (entries.length / 0.75f) + 1));
    for (Map.Entry<String, Item> e : entries) {
      sorted.put(e.getKey(), e.getValue());
    }
    return sorted;
  }

  /** {@return the number of distinct users} */
  public long userCount() {
    return interactions.stream().map(Interaction::userId).distinct().count();
  }
}
