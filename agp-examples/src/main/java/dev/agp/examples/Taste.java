package dev.agp.examples;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated LLM's reading of a user: what a profile it writes states, and what its ranker
 * reads back from a profile. Rendered as short labelled lines, for example {@code "Favourite
 * genres: Drama, Crime."}.
 */
record Taste(
    List<String> favourites,
    List<Double> shares,
    List<String> lately,
    OptionalInt decade,
    List<String> avoided,
    List<String> recentTitles) {

  static final int FAVOURITES = 2;
  static final int FAVOURITES_WITH_BREADTH = 4;
  static final int LATELY_ITEMS = 2;
  static final int AVOIDED = 2;
  static final int COMMON_GENRES_CONSIDERED = 8;
  static final double RECENCY_DECAY = 0.6;

  private static final Pattern FAVOURITES_LINE = Pattern.compile("(?im)^\\s*favourite genres?:\\s*(.+?)\\.?\\s*$");
  private static final Pattern LATELY_LINE = Pattern.compile("(?im)^\\s*lately:\\s*(.+?)\\.?\\s*$");
  private static final Pattern ERA_LINE = Pattern.compile("(?im)^\\s*preferred era:\\s*(\\d{4})s");
  private static final Pattern AVOIDS_LINE = Pattern.compile("(?im)^\\s*avoids:\\s*(.+?)\\.?\\s*$");
  private static final Pattern SHARE = Pattern.compile("\\s*\\((\\d{1,3})%\\)\\s*$");
  private static final Pattern WATCHED_LINE = Pattern.compile("(?im)^\\s*recently watched:\\s*(.+?)\\s*$");

  Taste {
    favourites = List.copyOf(favourites);
    shares = List.copyOf(shares);
    lately = List.copyOf(lately);
    avoided = List.copyOf(avoided);
    recentTitles = List.copyOf(recentTitles);
  }

  /** What a profile written under {@code directives} says about a user with {@code history}. */
  static Taste of(List<Catalogue.Facts> history, Set<Directive> directives, Catalogue catalogue) {
    if (!directives.contains(Directive.GENRES)) {
      List<String> titles = new ArrayList<>();
      for (int i = Math.max(0, history.size() - LATELY_ITEMS); i < history.size(); i++) {
        titles.add(history.get(i).title());
      }
      return new Taste(List.of(), List.of(), List.of(), OptionalInt.empty(), List.of(), titles);
    }
    double[] weights = new double[history.size()];
    for (int i = 0; i < history.size(); i++) {
      int age = history.size() - 1 - i;
      weights[i] = directives.contains(Directive.RECENCY) ? Math.pow(RECENCY_DECAY, age) : 1.0;
    }
    Map<String, Double> shares = Catalogue.genreShares(history, weights);
    List<String> ranked = new ArrayList<>(shares.keySet());
    ranked.sort((a, b) -> shares.get(b).equals(shares.get(a)) ? a.compareTo(b) : Double.compare(shares.get(b), shares.get(a)));
    int k = directives.contains(Directive.BREADTH) ? FAVOURITES_WITH_BREADTH : FAVOURITES;
    List<String> favourites = ranked.subList(0, Math.min(k, ranked.size()));
    List<Double> favouriteShares = new ArrayList<>();
    favourites.forEach(g -> favouriteShares.add(shares.get(g)));

    List<String> lately = new ArrayList<>();
    if (directives.contains(Directive.RECENCY)) {
      for (int i = Math.max(0, history.size() - LATELY_ITEMS); i < history.size(); i++) {
        for (String g : history.get(i).genres()) {
          if (!lately.contains(g)) {
            lately.add(g);
          }
        }
      }
    }
    OptionalInt decade = OptionalInt.empty();
    if (directives.contains(Directive.ERA)) {
      Map<Integer, Integer> decades = new LinkedHashMap<>();
      for (Catalogue.Facts f : history) {
        f.decade().ifPresent(d -> decades.merge(d, 1, Integer::sum));
      }
      decade = decades.entrySet().stream()
          .max((a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey()) : a.getValue() - b.getValue())
          .map(e -> OptionalInt.of(e.getKey())).orElse(OptionalInt.empty());
    }
    List<String> avoided = new ArrayList<>();
    if (directives.contains(Directive.AVOID)) {
      List<String> common = catalogue.commonGenres();
      for (int i = 0; i < Math.min(COMMON_GENRES_CONSIDERED, common.size()) && avoided.size() < AVOIDED; i++) {
        if (!shares.containsKey(common.get(i))) {
          avoided.add(common.get(i));
        }
      }
    }
    return new Taste(favourites, favouriteShares, lately, decade, avoided, List.of());
  }

  /** The profile text. */
  String render() {
    StringBuilder sb = new StringBuilder();
    if (!recentTitles.isEmpty()) {
      sb.append("Recently watched: ").append(String.join("; ", recentTitles)).append('\n');
    }
    if (!favourites.isEmpty()) {
      sb.append("Favourite genres: ");
      for (int i = 0; i < favourites.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(favourites.get(i));
        if (i < shares.size()) {
          sb.append(String.format(java.util.Locale.ROOT, " (%d%%)", Math.round(shares.get(i) * 100)));
        }
      }
      sb.append(".\n");
    }
    if (!lately.isEmpty()) {
      sb.append("Lately: ").append(String.join(", ", lately)).append(".\n");
    }
    decade.ifPresent(d -> sb.append("Preferred era: ").append(d).append("s.\n"));
    if (!avoided.isEmpty()) {
      sb.append("Avoids: ").append(String.join(", ", avoided)).append(".\n");
    }
    if (sb.length() == 0) {
      sb.append("Not enough history to describe this user.");
    }
    return sb.toString().strip();
  }

  /** What a profile text states, as the simulated ranker reads it. */
  static Taste parse(String profile) {
    List<String> favourites = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    for (String entry : list(FAVOURITES_LINE, profile, ",")) {
      Matcher share = SHARE.matcher(entry);
      if (share.find()) {
        favourites.add(entry.substring(0, share.start()).strip());
        shares.add(Integer.parseInt(share.group(1)) / 100.0);
      } else {
        favourites.add(entry);
      }
    }
    if (shares.size() != favourites.size()) {
      shares.clear();
    }
    List<String> lately = list(LATELY_LINE, profile, ",");
    List<String> avoided = list(AVOIDS_LINE, profile, ",");
    List<String> titles = list(WATCHED_LINE, profile, ";");
    Matcher era = ERA_LINE.matcher(profile);
    OptionalInt decade = era.find() ? OptionalInt.of(Integer.parseInt(era.group(1))) : OptionalInt.empty();
    return new Taste(favourites, shares, lately, decade, avoided, titles);
  }

  private static List<String> list(Pattern p, String text, String separator) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String part : m.group(1).split(separator)) {
      String t = part.strip();
      if (!t.isEmpty() && seen.add(t.toLowerCase(Locale.ROOT))) {
        out.add(t);
      }
    }
    return out;
  }
}
