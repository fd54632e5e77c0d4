package dev.agp.eval.data;

import dev.agp.Item;
import dev.agp.eval.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects a dataset in the loaders' order: interactions first (their item ids decide which
 * metadata is kept), then items; then drops interactions whose item has no usable title, and
 * counts every drop.
 */
final class Assembler {

  private final Map<String, String> userIds = new HashMap<>();
  private final Map<String, String> itemIds = new HashMap<>();
  private final List<Interaction> interactions = new ArrayList<>();
  private final Map<String, Item> items = new HashMap<>();
  private final Set<String> untitled = new HashSet<>();
  private final Map<String, Long> dropped = new LinkedHashMap<>();
  private final List<LoadReport.FileReport> files = new ArrayList<>();

  void interaction(String user, String item, double rating, Instant time) {
    String u = userIds.computeIfAbsent(user, k -> k);
    String i = itemIds.computeIfAbsent(item, k -> k);
    interactions.add(new Interaction(u, i, rating, time));
  }

  void drop(String reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  /** Whether some interaction refers to {@code id}. */
  boolean referenced(String id) {
    return itemIds.containsKey(id);
  }

  /** Files an item read from metadata; counts unused, repeated and untitled records. */
  void item(String id, Optional<String> title, Map<String, String> attributes) {
    String known = itemIds.get(id);
    if (known == null) {
      drop(LoadReport.METADATA_UNUSED);
      return;
    }
    if (items.containsKey(known) || untitled.contains(known)) {
      drop(LoadReport.METADATA_DUPLICATE);
      return;
    }
    if (title.isEmpty()) {
      untitled.add(known);
      drop(LoadReport.METADATA_WITHOUT_TITLE);
      return;
    }
    items.put(known, new Item(known, title.get(), attributes));
  }

  void file(LoadReport.FileReport report) {
    files.add(report);
  }

  Dataset build() {
    List<Interaction> kept = new ArrayList<>(interactions.size());
    for (Interaction x : interactions) {
      if (items.containsKey(x.itemId())) {
        kept.add(x);
      } else if (untitled.contains(x.itemId())) {
        drop(LoadReport.ITEM_WITHOUT_TITLE);
      } else {
        drop(LoadReport.ITEM_NOT_IN_METADATA);
      }
    }
    // every filed item is referenced by some interaction (unreferenced metadata is never filed)
    return new Dataset(kept, items, new LoadReport(files, kept.size(), items.size(), dropped));
  }
}
