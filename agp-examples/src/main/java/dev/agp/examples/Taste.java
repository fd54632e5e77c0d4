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
 * The simulated LLM's picture of a user: favourite tags with their shares, a preferred decade with
 * its share, and tags the user avoids. Written from a history under an {@link Instruction}
 * ({@link #of}), rendered as a profile ({@link #render}) and read back from one ({@link #parse}),
 * for example:
 *
 * <pre>
 * Favourite genres: Drama (40%), Crime (25%).
 * Preferred era: 1990s (60%).
 * Avoids: Children, Animation.
 * </pre>
 *
 * Every share is computed from the history, so what an instruction does for a user depends on
 * that user's data: a recency-weighted profile helps a user whose tastes drift and misleads one
 * whose next choice goes back to an old favourite.
 */
record Taste(List<String> favourites, List<Double> shares, OptionalInt decade, double decadeShare, List<String> avoided) {

  /** Avoided tags stated at most. */
  static final int AVOIDED = 2;
  /** The most common catalogue tags looked at for avoided ones. */
  static final int COMMON_TAGS_CONSIDERED = 8;

  private static final Pattern FAVOURITES_LINE =
      Pattern.compile("(?im)^\\s*favourite [a-z]+:\\s*([^\\n]*?)\\.?\\s*$");
  private static final Pattern ERA_LINE = Pattern.compile("(?im)^\\s*preferred era:\\s*(\\d{4})s(?:\\s*\\((\\d{1,3})%\\))?");
  private static final Pattern AVOIDS_LINE = Pattern.compile("(?im)^\\s*avoids:\\s*([^\\n]*?)\\.?\\s*$");
  private static final Pattern SHARE = Pattern.compile("\\s*\\((\\d{1,3})%\\)\\s*$");

  Taste {
    favourites = List.copyOf(favourites);
    shares = List.copyOf(shares);
    avoided = List.copyOf(avoided);
  }

  /** Nothing known about the user. */
  static final Taste EMPTY = new Taste(List.of(), List.of(), OptionalInt.empty(), 0, List.of());

  /** What a profile written under {@code instruction} says about a user with {@code history}. */
  static Taste of(List<Catalogue.Facts> history, Instruction instruction, Catalogue catalogue) {
    List<Catalogue.Facts> seen = history;
    if (instruction.window() > 0 && instruction.window() < history.size()) {
      seen = history.subList(history.size() - instruction.window(), history.size());
    }
    double[] weights = new double[seen.size()];
    for (int i = 0; i < seen.size(); i++) {
      weights[i] = Math.pow(instruction.decay(), seen.size() - 1 - i);
    }
    Map<String, Double> all = Catalogue.genreShares(seen, weights);
    List<String> ranked = new ArrayList<>(all.keySet());
    ranked.sort((a, b) -> all.get(b).equals(all.get(a)) ? a.compareTo(b) : Double.compare(all.get(b), all.get(a)));
    List<String> favourites = ranked.subList(0, Math.min(instruction.favourites(), ranked.size()));
    List<Double> shares = new ArrayList<>();
    favourites.forEach(g -> shares.add(all.get(g)));

    OptionalInt decade = OptionalInt.empty();
    double decadeShare = 0;
    if (instruction.era()) {
      Map<Integer, Double> decades = new LinkedHashMap<>();
      double total = 0;
      for (int i = 0; i < seen.size(); i++) {
        int w = i;
        seen.get(i).decade().ifPresent(d -> decades.merge(d, weights[w], Double::sum));
        if (seen.get(i).decade().isPresent()) {
          total += weights[i];
        }
      }
      Map.Entry<Integer, Double> best = null;
      for (Map.Entry<Integer, Double> e : decades.entrySet()) {
        if (best == null || e.getValue() > best.getValue() || (e.getValue().equals(best.getValue()) && e.getKey() < best.getKey())) {
          best = e;
        }
      }
      if (best != null && total > 0) {
        decade = OptionalInt.of(best.getKey());
        decadeShare = best.getValue() / total;
      }
    }
    List<String> avoided = new ArrayList<>();
    if (instruction.avoid()) {
      List<String> common = catalogue.commonGenres();
      for (int i = 0; i < Math.min(COMMON_TAGS_CONSIDERED, common.size()) && avoided.size() < AVOIDED; i++) {
        if (!all.containsKey(common.get(i))) {
          avoided.add(common.get(i));
        }
      }
    }
    return new Taste(favourites, shares, decade, decadeShare, avoided);
  }

  /** The profile text; {@code tags} is the word for tags ("genres", "categories"). */
  String render(String tags) {
    StringBuilder sb = new StringBuilder();
    if (!favourites.isEmpty()) {
      sb.append("Favourite ").append(tags).append(": ");
      for (int i = 0; i < favourites.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(favourites.get(i))
            .append(String.format(Locale.ROOT, " (%d%%)", Math.round(shares.get(i) * 100)));
      }
      sb.append(".\n");
    }
    decade.ifPresent(d -> sb.append(String.format(Locale.ROOT, "Preferred era: %ds (%d%%).%n", d, Math.round(decadeShare * 100))));
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
    Matcher f = FAVOURITES_LINE.matcher(profile);
    if (f.find()) {
      Set<String> seen = new HashSet<>();
      for (String entry : f.group(1).split(",")) {
        String e = entry.strip();
        Matcher share = SHARE.matcher(e);
        double s = 0.5;
        if (share.find()) {
          s = Integer.parseInt(share.group(1)) / 100.0;
          e = e.substring(0, share.start()).strip();
        }
        if (!e.isEmpty() && seen.add(e.toLowerCase(Locale.ROOT))) {
          favourites.add(e);
          shares.add(s);
        }
      }
    }
    OptionalInt decade = OptionalInt.empty();
    double decadeShare = 0;
    Matcher era = ERA_LINE.matcher(profile);
    if (era.find()) {
      decade = OptionalInt.of(Integer.parseInt(era.group(1)));
      decadeShare = era.group(2) == null ? 0.5 : Integer.parseInt(era.group(2)) / 100.0;
    }
    List<String> avoided = new ArrayList<>();
    Matcher a = AVOIDS_LINE.matcher(profile);
    if (a.find()) {
      for (String entry : a.group(1).split(",")) {
        if (!entry.isBlank()) {
          avoided.add(entry.strip());
        }
      }
    }
    return new Taste(favourites, shares, decade, decadeShare, avoided);
  }
}
