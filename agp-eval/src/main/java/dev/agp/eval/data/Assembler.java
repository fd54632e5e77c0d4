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
import org.jspecify.annotations.Nullable;

/**
 * Collects a dataset in the loaders' order: interactions first (their item ids decide which
 * metadata is kept), then items; then drops interactions whose item has no usable title, and
 * counts every drop.
 */
final class Assembler {

  private Map<String, String> userIds = new HashMap<>();
  private final Map<String, String> itemIds = new HashMap<>();
  private final ArrayList<Interaction> interactions = new ArrayList<>();
  private final Map<String, Item> items = new HashMap<>();
  private final Set<String> untitled = new HashSet<>();
  private final Map<String, Long> dropped = new LinkedHashMap<>();
  private final List<LoadReport.FileReport> files = new ArrayList<>();

  private final RangeInterner itemRanges = new RangeInterner();
  private @Nullable String lastUser;

  /**
   * Makes room for about {@code n} interactions at once: a list grown step by step copies a large
   * array again and again (a "humongous" allocation each time for the collector).
   */
  void expect(long n) {
    interactions.ensureCapacity((int) Math.min(n, Integer.MAX_VALUE - 16));
    if (userIds.isEmpty()) {
      // room for a user per 8 lines at first, so that the map is not rebuilt again and again
      userIds = new HashMap<>((int) Math.min(n / 8, 1 << 24));
    }
  }

  void interaction(String user, String item, double rating, Instant time) {
    String u = userIds.computeIfAbsent(user, k -> k);
    String i = itemIds.computeIfAbsent(item, k -> k);
    interactions.add(new Interaction(u, i, rating, time));
  }

  /**
   * An interaction whose ids came from {@link #userId} and {@link #itemId} (already canonical):
   * the loaders' hot path, with no lookup left to do.
   */
  void canonicalInteraction(String user, String item, double rating, Instant time) {
    interactions.add(new Interaction(user, item, rating, time));
  }

  /**
   * The canonical user id spelled by ASCII {@code bytes[from, to)}. Files list a user's
   * interactions together, so the previous line's user is checked first, without hashing or a
   * string.
   */
  String userId(byte[] bytes, int from, int to) {
    String last = lastUser;
    if (last != null && spells(bytes, from, to, last)) {
      return last;
    }
    String id = userIds.computeIfAbsent(ascii(bytes, from, to), k -> k);
    lastUser = id;
    return id;
  }

  /** Whether ASCII {@code bytes[from, to)} has the characters of {@code s}. */
  private static boolean spells(byte[] bytes, int from, int to, String s) {
    int n = to - from;
    if (s.length() != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (bytes[from + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The canonical item id spelled by ASCII {@code bytes[from, to)}; a string only for an id not seen before. */
  String itemId(byte[] bytes, int from, int to) {
    return itemRanges.get(bytes, from, to, itemIds);
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
    if (untitled.isEmpty() && items.size() == itemIds.size()) {
      // every item some interaction refers to has metadata with a title: nothing to drop
      return Dataset.ofCheckedItems(interactions, items, new LoadReport(files, interactions.size(), items.size(), dropped));
    }
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
    return Dataset.ofCheckedItems(kept, items, new LoadReport(files, kept.size(), items.size(), dropped));
  }

  /**
   * Canonical strings found by a range of an ASCII line's bytes: an open-addressing table keyed by the range's
   * characters, so ids already seen cost a hash over the characters and one comparison, no
   * substring. Ids written as plain decimal numbers (most datasets' ids) are keyed by their value
   * in a table of their own, compared as numbers. New ids also go to {@code canonical}, the map
   * the other paths use.
   */
  private static final class RangeInterner {
    private String[] table = new String[1 << 10];
    private int[] hashes = new int[1 << 10];
    private int size;
    private long[] numbers = new long[1 << 10];
    private String[] numbered = new String[1 << 10];
    private int numberedSize;

    String get(byte[] bytes, int from, int to, Map<String, String> canonical) {
      long value = decimal(bytes, from, to);
      if (value >= 0) {
        return number(value, bytes, from, to, canonical);
      }
      int h = 0;
      for (int k = from; k < to; k++) {
        h = 31 * h + bytes[k]; // String.hashCode's formula (ASCII: the byte is the character)
      }
      int mask = table.length - 1;
      int slot = spread(h) & mask;
      for (String s; (s = table[slot]) != null; slot = (slot + 1) & mask) {
        if (hashes[slot] == h && spells(bytes, from, to, s)) {
          return s;
        }
      }
      String id = canonical.computeIfAbsent(ascii(bytes, from, to), k -> k);
      table[slot] = id;
      hashes[slot] = h;
      if (++size * 2 > table.length) {
        grow();
      }
      return id;
    }

    /** The value of {@code bytes[from, to)} when it is a decimal number as written by {@code Long.toString}, else -1. */
    private static long decimal(byte[] bytes, int from, int to) {
      return to - from > 1 && bytes[from] == '0' ? -1 : Csv.digits(bytes, from, to);
    }

    private String number(long value, byte[] bytes, int from, int to, Map<String, String> canonical) {
      int mask = numbered.length - 1;
      int slot = spread(Long.hashCode(value)) & mask;
      for (; numbered[slot] != null; slot = (slot + 1) & mask) {
        if (numbers[slot] == value) {
          return numbered[slot]; // the same digits: a value has one decimal spelling
        }
      }
      String id = canonical.computeIfAbsent(ascii(bytes, from, to), k -> k);
      numbers[slot] = value;
      numbered[slot] = id;
      if (++numberedSize * 2 > numbered.length) {
        long[] oldNumbers = numbers;
        String[] old = numbered;
        numbers = new long[old.length * 2];
        numbered = new String[old.length * 2];
        int m = numbered.length - 1;
        for (int k = 0; k < old.length; k++) {
          if (old[k] != null) {
            int s = spread(Long.hashCode(oldNumbers[k])) & m;
            while (numbered[s] != null) {
              s = (s + 1) & m;
            }
            numbers[s] = oldNumbers[k];
            numbered[s] = old[k];
          }
        }
      }
      return id;
    }

    private static int spread(int h) {
      return h ^ (h >>> 16) * 0x45d9f3b;
    }

    private void grow() {
      String[] old = table;
      table = new String[old.length * 2];
      hashes = new int[old.length * 2];
      int mask = table.length - 1;
      for (String s : old) {
        if (s != null) {
          int h = s.hashCode();
          int slot = spread(h) & mask;
          while (table[slot] != null) {
            slot = (slot + 1) & mask;
          }
          table[slot] = s;
          hashes[slot] = h;
        }
      }
    }
  }
}
