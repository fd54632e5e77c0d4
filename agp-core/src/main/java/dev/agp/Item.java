package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A catalogue item as the LLM sees it.
 *
 * @param id the item's identifier in the caller's catalogue; never shown to the LLM
 * @param title a human-readable title, non-blank
 * @param attributes extra facts (for example {@code genres}, {@code year}); may be empty
 */
public record Item(String id, String title, Map<String, String> attributes) {

  /**
   * @param id the item's identifier in the caller's catalogue; never shown to the LLM
   * @param title a human-readable title, non-blank
   * @param attributes extra facts (for example {@code genres}, {@code year}); may be empty
   * @throws NullPointerException if an argument, key or value is null
   * @throws IllegalArgumentException if the id or the title is blank
   */
  public Item {
    requireNonNull(id, "id");
    requireNonNull(title, "title");
    if (id.isBlank()) {
      throw new IllegalArgumentException("item id must not be blank");
    }
    if (title.isBlank()) {
      throw new IllegalArgumentException("item " + id + ": title must not be blank");
    }
    attributes = Map.copyOf(requireNonNull(attributes, "attributes"));
  }

  /**
   * An item without attributes.
   *
   * @param id the item's id
   * @param title the item's title
   * @return the item
   */
  public static Item of(String id, String title) {
    return new Item(id, title, Map.of());
  }
}
