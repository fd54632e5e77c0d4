package dev.agp.examples;

import dev.agp.Item;
import dev.agp.UserCase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic world with structure planted in it, for testing that a learning mechanism finds
 * what the data holds, and that a broken one does not.
 *
 * <p>800 films, each of one or two of ten genres, released between 1950 and 2019. Each user has
 * two long-run genres, a current one and a favourite decade: the first six of ten history items
 * come from the long-run genres, the last four from the current one, and 70% of the user's films
 * are from the favourite decade. The next film (the relevant one) is of the current genre for a
 * share {@code drift} of users, else of a long-run genre, and from the favourite decade 70% of the
 * time. Candidates are the next film and nine others at random; the base order is informative as
 * real base models are: the next film's place is drawn from a geometric-like law that favours the
 * top (mean place about 2.5).
 *
 * <p>So some instructions help (stating the preferred era, for one) and others do not, for reasons
 * in the data only; the simulated LLM knows nothing about how the world was made.
 */
final class DriftWorld {

  static final List<String> GENRES = List.of(
      "Drama", "Comedy", "Action", "Horror", "Sci-Fi", "Romance", "Thriller", "Animation", "Documentary", "Western");

  final List<Item> items;
  final Catalogue catalogue;

  DriftWorld() {
    Random r = new Random(11);
    List<Item> all = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      String g1 = GENRES.get(r.nextInt(GENRES.size()));
      String g2 = GENRES.get(r.nextInt(GENRES.size()));
      String genres = g1.equals(g2) || r.nextBoolean() ? g1 : g1 + "|" + g2;
      int year = 1950 + r.nextInt(70);
      all.add(new Item("m" + i, "Film " + i + " (" + year + ")", Map.of("genres", genres)));
    }
    this.items = List.copyOf(all);
    this.catalogue = Catalogue.of(items);
  }

  SimulatedLlm llm() {
    return SimulatedLlm.of(catalogue, "movie");
  }

  /** {@code n} users named {@code prefix0..}, drawn with {@code seed}. */
  List<UserCase> users(String prefix, int n, long seed, double drift) {
    Random r = new Random(seed);
    List<UserCase> out = new ArrayList<>();
    while (out.size() < n) {
      List<String> shuffled = new ArrayList<>(GENRES);
      Collections.shuffle(shuffled, r);
      List<String> longRun = shuffled.subList(0, 2);
      String current = shuffled.get(2);
      int decade = 1950 + 10 * r.nextInt(7);
      Set<String> used = new HashSet<>();
      List<Item> history = new ArrayList<>();
      for (int h = 0; h < 10; h++) {
        history.add(pick(r, h < 6 ? longRun.get(r.nextInt(2)) : current, decade, used));
      }
      Item next = pick(r, r.nextDouble() < drift ? current : longRun.get(r.nextInt(2)), decade, used);
      List<Item> candidates = new ArrayList<>();
      while (candidates.size() < 9) {
        Item c = items.get(r.nextInt(items.size()));
        if (used.add(c.id())) {
          candidates.add(c);
        }
      }
      candidates.add(Math.min(9, (int) Math.floor(-Math.log(1 - r.nextDouble()) * 2.5)), next);
      out.add(new UserCase(prefix + out.size(), history, candidates, Set.of(next.id())));
    }
    return out;
  }

  private Item pick(Random r, String genre, int decade, Set<String> used) {
    boolean inDecade = r.nextDouble() < 0.7;
    for (int tries = 0; tries < 100_000; tries++) {
      Item i = items.get(r.nextInt(items.size()));
      String primary = i.attributes().get("genres").split("\\|")[0];
      int year = Integer.parseInt(i.title().substring(i.title().length() - 5, i.title().length() - 1));
      if (primary.equals(genre) && (!inDecade || year / 10 * 10 == decade) && used.add(i.id())) {
        return i;
      }
    }
    throw new IllegalStateException("no film of " + genre + " left");
  }
}
