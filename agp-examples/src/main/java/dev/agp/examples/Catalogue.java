package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.prompt.UntrustedText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulated LLM knows about items: their tags and release year, looked up by the title as
 * it appears in a prompt (its "world knowledge").
 *
 * <p>Tags come from whatever attributes a dataset provides: MovieLens {@code genres}, Amazon
 * {@code categories} (a path such as {@code "Movies & TV > Comedy"}) and {@code category}, Yelp
 * {@code categories}, Goodreads {@code shelves}; values are split on {@code |}, {@code ,} and
 * {@code >}. A tag carried by more than {@value #MAX_TAG_SHARE} of the items (such as Amazon's
 * {@code "Movies & TV"}) says nothing about a user and is left out. The year comes from a {@code
 * year} attribute or a trailing {@code (1995)} in the title.
 *
 * <p>Two items with the same title are ambiguous to a reader of titles: the item with the
 * smallest id is the one known, whatever order the items come in.
 */
public final class Catalogue {

  /** The attributes tags are read from. */
  public static final List<String> TAG_ATTRIBUTES = List.of("genres", "categories", "category", "shelves");
  /** A tag on more than this share of the items is dropped as uninformative. */
  public static final double MAX_TAG_SHARE = 0.5;

  /** What the simulation knows about one item. */
  public record Facts(String title, List<String> genres, OptionalInt year) {
    /** @throws NullPointerException if an argument is null */
    public Facts {
      requireNonNull(title, "title");
      genres = List.copyOf(genres);
      requireNonNull(year, "year");
    }

    /** The decade, such as 1990, when the year is known. */
    public OptionalInt decade() {
      return year.isPresent() ? OptionalInt.of(year.getAsInt() / 10 * 10) : OptionalInt.empty();
    }
  }

  private static final Pattern YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");
  private static final Pattern SEPARATORS = Pattern.compile("[|,>]");
  private static final Set<String> NO_TAG = Set.of("(no genres listed)", "");

  private final Map<String, Facts> byTitle;
  private final List<String> commonGenres;

  private Catalogue(Map<String, Facts> byTitle, List<String> commonGenres) {
    this.byTitle = byTitle;
    this.commonGenres = commonGenres;
  }

  /** A catalogue of {@code items}; the same catalogue whatever their order. */
  public static Catalogue of(Collection<Item> items) {
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    Map<String, Integer> tagCounts = new HashMap<>();
    List<Facts> all = new ArrayList<>(sorted.size());
    for (Item item : sorted) {
      Facts f = rawFacts(item);
      all.add(f);
      f.genres().forEach(g -> tagCounts.merge(g, 1, Integer::sum));
    }
    Set<String> tooCommon = new java.util.HashSet<>();
    tagCounts.forEach((tag, n) -> {
      if (n > MAX_TAG_SHARE * Math.max(1, sorted.size())) {
        tooCommon.add(tag);
      }
    });
    Map<String, Facts> byTitle = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      Facts f = all.get(i);
      List<String> kept = f.genres().stream().filter(g -> !tooCommon.contains(g)).toList();
      byTitle.putIfAbsent(key(UntrustedText.line(sorted.get(i).title(), AgpOptimizer.DEFAULT_MAX_TITLE_CHARS)),
          new Facts(f.title(), kept, f.year()));
    }
    List<String> common = new ArrayList<>(tagCounts.keySet());
    common.removeAll(tooCommon);
    common.sort((a, b) -> tagCounts.get(b).equals(tagCounts.get(a)) ? a.compareTo(b) : tagCounts.get(b) - tagCounts.get(a));
    return new Catalogue(Collections.unmodifiableMap(byTitle), List.copyOf(common));
  }

  /** The item's tags (from every tag attribute, in {@link #TAG_ATTRIBUTES} order) and year. */
  static Facts facts(Item item) {
    return rawFacts(item);
  }

  private static Facts rawFacts(Item item) {
    Set<String> tags = new LinkedHashSet<>();
    for (String key : TAG_ATTRIBUTES) {
      tags.addAll(tags(item.attributes().getOrDefault(key, "")));
    }
    OptionalInt year = OptionalInt.empty();
    String y = item.attributes().get("year");
    if (y != null && y.strip().matches("\\d{4}")) {
      year = OptionalInt.of(Integer.parseInt(y.strip()));
    } else {
      Matcher m = YEAR.matcher(item.title());
      if (m.find()) {
        year = OptionalInt.of(Integer.parseInt(m.group(1)));
      }
    }
    return new Facts(item.title(), List.copyOf(tags), year);
  }

  /** The tags of one attribute value, split on {@code | , >}, trimmed, without empty ones. */
  static List<String> tags(String value) {
    List<String> out = new ArrayList<>();
    for (String part : SEPARATORS.split(value)) {
      String t = part.strip();
      if (!NO_TAG.contains(t.toLowerCase(Locale.ROOT)) && !out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** The facts of the item shown under {@code title} in a prompt. */
  public Optional<Facts> lookup(String title) {
    return Optional.ofNullable(byTitle.get(key(title)));
  }

  /** Tags ordered from the most to the least common in the catalogue (uninformative ones left out). */
  public List<String> commonGenres() {
    return commonGenres;
  }

  /** The number of items known. */
  public int size() {
    return byTitle.size();
  }

  static String key(String title) {
    return title.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Tag shares of {@code facts}, weighted by position: {@code weights[i]} for the i-th item, each
   * item's weight spread evenly over its tags; in first-seen order.
   */
  static Map<String, Double> genreShares(List<Facts> facts, double[] weights) {
    Map<String, Double> shares = new LinkedHashMap<>();
    double total = 0;
    for (int i = 0; i < facts.size(); i++) {
      List<String> gs = facts.get(i).genres();
      for (String g : gs) {
        shares.merge(g, weights[i] / gs.size(), Double::sum);
      }
      if (!gs.isEmpty()) {
        total += weights[i];
      }
    }
    if (total > 0) {
      double t = total;
      shares.replaceAll((g, v) -> v / t);
    }
    return shares;
  }
}
