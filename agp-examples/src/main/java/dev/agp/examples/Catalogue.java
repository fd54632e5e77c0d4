package dev.agp.examples;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.UntrustedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulated LLM knows about items: their genres and release year, looked up by the title
 * as it appears in a prompt. Genres come from an item's {@code genres} attribute ({@code |} or
 * comma separated), the year from a {@code year} attribute or a trailing {@code (1995)} in the
 * title.
 */
public final class Catalogue {

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
  private static final String NO_GENRES = "(no genres listed)";

  private final Map<String, Facts> byTitle;
  private final List<String> commonGenres;

  private Catalogue(Map<String, Facts> byTitle, List<String> commonGenres) {
    this.byTitle = byTitle;
    this.commonGenres = commonGenres;
  }

  /** A catalogue of {@code items}. */
  public static Catalogue of(Collection<Item> items) {
    Map<String, Facts> byTitle = new HashMap<>();
    Map<String, Integer> genreCounts = new HashMap<>();
    for (Item item : items) {
      Facts f = facts(item);
      byTitle.putIfAbsent(key(UntrustedText.line(item.title(), AgpOptimizer.DEFAULT_MAX_TITLE_CHARS)), f);
      f.genres().forEach(g -> genreCounts.merge(g, 1, Integer::sum));
    }
    List<String> common = new ArrayList<>(genreCounts.keySet());
    common.sort((a, b) -> genreCounts.get(b).equals(genreCounts.get(a)) ? a.compareTo(b) : genreCounts.get(b) - genreCounts.get(a));
    return new Catalogue(Collections.unmodifiableMap(byTitle), List.copyOf(common));
  }

  static Facts facts(Item item) {
    List<String> genres = new ArrayList<>();
    String raw = item.attributes().getOrDefault("genres", "");
    for (String g : raw.split("[|,]")) {
      String t = g.strip();
      if (!t.isEmpty() && !t.equalsIgnoreCase(NO_GENRES)) {
        genres.add(t);
      }
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
    return new Facts(item.title(), genres, year);
  }

  /** The facts of the item shown under {@code title} in a prompt. */
  public Optional<Facts> lookup(String title) {
    return Optional.ofNullable(byTitle.get(key(title)));
  }

  /** Genres ordered from the most to the least common in the catalogue. */
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

  /** Genre shares of {@code facts}, weighted by position: {@code weights[i]} for the i-th item. */
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

  static double[] uniform(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }
}
