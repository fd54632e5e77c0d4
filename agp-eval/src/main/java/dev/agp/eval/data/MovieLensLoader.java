package dev.agp.eval.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The three MovieLens layouts. */
final class MovieLensLoader {

  /** ml-100k's genre flag columns of {@code u.item}, in order (its {@code u.genre}). */
  static final List<String> ML100K_GENRES =
      List.of("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
          "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
          "Western");

  private static final Pattern YEAR = Pattern.compile("\\((\\d{4})(?:[-–]\\d{0,4})?\\)\\s*$");
  private static final String NO_GENRES = "(no genres listed)";
  /** Bytes read from the start of a file to estimate its number of lines. */
  private static final int SAMPLE_BYTES = 1 << 16;

  private MovieLensLoader() {}

  static Dataset load(Path dir, LoadOptions options) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a folder: pass the MovieLens folder");
    }
    Optional<Path> ratingsCsv = find(dir, "ratings.csv");
    Optional<Path> moviesCsv = find(dir, "movies.csv");
    if (ratingsCsv.isPresent() && moviesCsv.isPresent()) {
      return csv(ratingsCsv.get(), moviesCsv.get(), options);
    }
    Optional<Path> ratingsDat = find(dir, "ratings.dat");
    Optional<Path> moviesDat = find(dir, "movies.dat");
    if (ratingsDat.isPresent() && moviesDat.isPresent()) {
      return dat(ratingsDat.get(), moviesDat.get(), options);
    }
    Optional<Path> uData = find(dir, "u.data");
    Optional<Path> uItem = find(dir, "u.item");
    if (uData.isPresent() && uItem.isPresent()) {
      return ml100k(uData.get(), uItem.get(), options);
    }
    throw new IllegalArgumentException(
        dir + " holds no MovieLens layout: expected ratings.csv + movies.csv, ratings.dat + movies.dat, or"
            + " u.data + u.item (each optionally .gz)");
  }

  private static Optional<Path> find(Path dir, String name) {
    for (String n : List.of(name, name + ".gz")) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  // ---- ratings.csv + movies.csv

  private static Dataset csv(Path ratings, Path movies, LoadOptions options) {
    Assembler a = new Assembler();
    int[] cols = {0, 1, 2, 3};
    int[] from = new int[8];
    int[] to = new int[8];
    String layout = "userId,movieId,rating,timestamp";
    a.expect(estimatedLines(ratings));
    a.file(RecordFiles.read(ratings, StandardCharsets.UTF_8, options, (line, n) -> {
      if (n == 1 && line.startsWith("userId")) {
        header(line, List.of("userId", "movieId", "rating", "timestamp"), cols, ratings);
        return false;
      }
      int fields = Csv.bounds(line, ',', from, to);
      if (fields < 0) { // quotes, or many fields: the general path
        rating(a, Csv.split(line, ','), cols, layout);
      } else {
        rating(a, line, fields, from, to, cols, layout);
      }
      return true;
    }));
    int[] mcols = {0, 1, 2};
    a.file(RecordFiles.read(movies, StandardCharsets.UTF_8, options, (line, n) -> {
      if (n == 1 && line.startsWith("movieId")) {
        header(line, List.of("movieId", "title", "genres"), mcols, movies);
        return false;
      }
      List<String> f = Csv.split(line, ',');
      if (f.size() != 3) {
        throw new MalformedRecord("expected 3 fields (movieId,title,genres) but found " + f.size());
      }
      movie(a, f.get(mcols[0]), f.get(mcols[1]), genres(f.get(mcols[2]).split("\\|")));
      return true;
    }));
    return a.build();
  }

  /**
   * About how many lines {@code file} has, from its size and the line length of its first 64 KB,
   * 10% over; 0 for a gzipped file or one that cannot be read (the load then reports the error).
   */
  static long estimatedLines(Path file) {
    try {
      if (RecordFiles.isGzip(file)) {
        return 0;
      }
      long size = Files.size(file);
      byte[] head = new byte[(int) Math.min(size, SAMPLE_BYTES)];
      try (java.io.InputStream in = Files.newInputStream(file)) {
        int n = in.readNBytes(head, 0, head.length);
        long lines = 0;
        for (int i = 0; i < n; i++) {
          lines += head[i] == '\n' ? 1 : 0;
        }
        return lines == 0 ? 0 : (long) (size * 1.1 * lines / n);
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** Maps a header's column names to positions, so reordered columns still read right. */
  private static void header(String line, List<String> names, int[] cols, Path file) throws MalformedRecord {
    List<String> h = Csv.split(line, ',');
    for (int i = 0; i < names.size(); i++) {
      int at = h.indexOf(names.get(i));
      if (at < 0) {
        throw new DatasetFormatException(file, "the header lacks column \"" + names.get(i) + "\": " + line, List.of());
      }
      cols[i] = at;
    }
  }

  private static void rating(Assembler a, List<String> f, int[] cols, String layout) throws MalformedRecord {
    if (f.size() != 4) {
      throw new MalformedRecord("expected 4 fields (" + layout + ") but found " + f.size());
    }
    String user = f.get(cols[0]).strip();
    String item = f.get(cols[1]).strip();
    if (user.isEmpty()) {
      throw new MalformedRecord("empty user id");
    }
    if (item.isEmpty()) {
      throw new MalformedRecord("empty movie id");
    }
    a.interaction(user, item, number(f.get(cols[2]), "rating"), Instant.ofEpochSecond(seconds(f.get(cols[3]))));
  }

  /**
   * {@link #rating(Assembler, List, int[], String)} on the fields' ranges: the same checks in the
   * same order and the same messages, without a list or a substring per field.
   */
  private static void rating(Assembler a, String line, int fields, int[] from, int[] to, int[] cols, String layout)
      throws MalformedRecord {
    if (fields != 4) {
      throw new MalformedRecord("expected 4 fields (" + layout + ") but found " + fields);
    }
    int uf = stripStart(line, from[cols[0]], to[cols[0]]);
    int ut = stripEnd(line, uf, to[cols[0]]);
    int itf = stripStart(line, from[cols[1]], to[cols[1]]);
    int itt = stripEnd(line, itf, to[cols[1]]);
    if (uf == ut) {
      throw new MalformedRecord("empty user id");
    }
    if (itf == itt) {
      throw new MalformedRecord("empty movie id");
    }
    double rating = number(line, from[cols[2]], to[cols[2]], "rating");
    long seconds = seconds(line, from[cols[3]], to[cols[3]]);
    a.canonicalInteraction(a.userId(line, uf, ut), a.itemId(line, itf, itt), rating, Instant.ofEpochSecond(seconds));
  }

  private static int stripStart(String s, int from, int to) {
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int stripEnd(String s, int from, int to) {
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  /** {@link #number(String, String)} of {@code line[from, to)}. */
  static double number(String line, int from, int to, String field) throws MalformedRecord {
    double fast = simpleDecimal(line, from, to);
    return Double.isNaN(fast) ? number(line.substring(from, to), field) : fast;
  }

  /** {@link #seconds(String)} of {@code line[from, to)}: plain digits read in place, anything else the slow way. */
  static long seconds(String line, int from, int to) throws MalformedRecord {
    int n = to - from;
    if (n > 0 && n <= 18) {
      long v = 0;
      int k = from;
      for (; k < to; k++) {
        char c = line.charAt(k);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
      }
      if (k == to) {
        return v;
      }
    }
    return seconds(line.substring(from, to));
  }

  static double number(String s, String field) throws MalformedRecord {
    double fast = simpleDecimal(s);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    try {
      double d = Double.parseDouble(s.strip());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MalformedRecord(field + " is not a number: \"" + s + "\"");
  }

  /**
   * {@code digits} or {@code digits.digits} (at most 9 and 6 digits, so the value is exact before
   * the one rounding division), exactly as {@link
   * Double#parseDouble} would read it; NaN for anything else, which then goes the slow way.
   */
  static double simpleDecimal(String s) {
    return simpleDecimal(s, 0, s.length());
  }

  /** {@link #simpleDecimal(String)} of {@code s[from, to)}. */
  static double simpleDecimal(String s, int from, int to) {
    int n = to - from;
    if (n == 0 || n > 19) {
      return Double.NaN;
    }
    long whole = 0;
    int i = 0;
    for (; i < n && s.charAt(from + i) != '.'; i++) {
      char c = s.charAt(from + i);
      if (c < '0' || c > '9' || i >= 9) {
        return Double.NaN;
      }
      whole = whole * 10 + (c - '0');
    }
    if (i == 0) {
      return Double.NaN;
    }
    if (i == n) {
      return whole;
    }
    long frac = 0;
    long scale = 1;
    for (int j = i + 1; j < n; j++) {
      char c = s.charAt(from + j);
      if (c < '0' || c > '9' || j - i > 6) {
        return Double.NaN;
      }
      frac = frac * 10 + (c - '0');
      scale *= 10;
    }
    if (scale == 1) {
      return Double.NaN; // "4." goes the slow way
    }
    // whole + frac/scale, correctly rounded: both are exact doubles and the division rounds once
    return (whole * scale + frac) / (double) scale;
  }

  static long seconds(String s) throws MalformedRecord {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new MalformedRecord("timestamp is not an integer: \"" + s + "\"");
    }
  }

  private static void movie(Assembler a, String id, String rawTitle, Map<String, String> attributes) throws MalformedRecord {
    String movieId = id.strip();
    if (movieId.isEmpty()) {
      throw new MalformedRecord("empty movie id");
    }
    Optional<String> title = Titles.clean(rawTitle);
    Map<String, String> attrs = new HashMap<>(attributes);
    title.ifPresent(t -> {
      Matcher m = YEAR.matcher(t);
      if (m.find()) {
        attrs.put("year", m.group(1));
      }
    });
    a.item(movieId, title, attrs);
  }

  private static Map<String, String> genres(String[] names) {
    StringBuilder sb = new StringBuilder();
    for (String g : names) {
      String s = g.strip();
      if (!s.isEmpty() && !s.equals(NO_GENRES)) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(s);
      }
    }
    return sb.length() == 0 ? Map.of() : Map.of("genres", sb.toString());
  }

  // ---- ratings.dat + movies.dat, u.data + u.item

  /** Reads the fields of one line of a movie file into the assembler. */
  private interface MovieLine {
    void read(Assembler a, List<String> fields) throws MalformedRecord;
  }

  /**
   * A ratings file split on {@code separator} (ISO-8859-1; its fields are ASCII), then a movie file
   * split on {@code movieSeparator} in UTF-8 or ISO-8859-1 as {@link RecordFiles#utf8OrLatin1} finds.
   */
  private static Dataset separated(
      Path ratings, String separator, String layout, Path movies, String movieSeparator, LoadOptions options,
      MovieLine movie) {
    Assembler a = new Assembler();
    int[] cols = {0, 1, 2, 3};
    a.file(RecordFiles.read(ratings, StandardCharsets.ISO_8859_1, options, (line, n) -> {
      rating(a, Csv.split(line, separator), cols, layout);
      return true;
    }));
    Charset cs = RecordFiles.utf8OrLatin1(movies);
    a.file(RecordFiles.read(movies, cs, options, (line, n) -> {
      movie.read(a, Csv.split(line, movieSeparator));
      return true;
    }));
    return a.build();
  }

  private static Dataset dat(Path ratings, Path movies, LoadOptions options) {
    return separated(ratings, "::", "UserID::MovieID::Rating::Timestamp", movies, "::", options, (a, f) -> {
      if (f.size() != 3) {
        throw new MalformedRecord("expected 3 fields (MovieID::Title::Genres) but found " + f.size());
      }
      movie(a, f.get(0), f.get(1), genres(f.get(2).split("\\|")));
    });
  }

  private static Dataset ml100k(Path data, Path item, LoadOptions options) {
    return separated(data, "\t", "user id<TAB>item id<TAB>rating<TAB>timestamp", item, "|", options, (a, f) -> {
      if (f.size() != 5 + ML100K_GENRES.size()) {
        throw new MalformedRecord(
            "expected " + (5 + ML100K_GENRES.size()) + " |-separated fields (id|title|release|video|url|19 genre flags)"
                + " but found " + f.size());
      }
      String[] names = new String[ML100K_GENRES.size()];
      for (int g = 0; g < ML100K_GENRES.size(); g++) {
        String flag = f.get(5 + g).strip();
        if (!flag.equals("0") && !flag.equals("1")) {
          throw new MalformedRecord("genre flag " + ML100K_GENRES.get(g) + " is not 0 or 1: \"" + flag + "\"");
        }
        names[g] = flag.equals("1") ? ML100K_GENRES.get(g) : "";
      }
      movie(a, f.get(0), f.get(1), genres(names));
    });
  }
}
