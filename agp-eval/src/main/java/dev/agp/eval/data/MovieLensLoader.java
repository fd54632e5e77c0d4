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
import org.jspecify.annotations.Nullable;

/** The three MovieLens layouts. */
final class MovieLensLoader {

  /** ml-100k's genre flag columns of {@code u.item}, in order (its {@code u.genre}). */
  static final List<String> ML100K_GENRES =
      List.of("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
          "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
          "Western");

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
      return csv(ratingsCsv.get(), moviesCsv.get(), options, true);
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

  /**
   * @param asciiPath whether ASCII ratings lines are read from their bytes (the handler's {@code acceptAscii}); false
   *     reads every line from its text, the reference the ASCII path is tested against
   */
  static Dataset csv(Path ratings, Path movies, LoadOptions options, boolean asciiPath) {
    Assembler a = new Assembler();
    int[] cols = {0, 1, 2, 3};
    String layout = "userId,movieId,rating,timestamp";
    a.expect(estimatedLines(ratings));
    a.file(RecordFiles.read(ratings, StandardCharsets.UTF_8, options, new RecordFiles.LineHandler() {
      private final int[] from = new int[8];
      private final int[] to = new int[8];

      @Override
      public boolean accept(String line, long n) throws MalformedRecord {
        if (n == 1 && line.startsWith("userId")) {
          header(line, List.of("userId", "movieId", "rating", "timestamp"), cols, ratings);
          return false;
        }
        rating(a, Csv.split(line, ','), cols, layout);
        return true;
      }

      /**
       * What {@code rating} reads from an ASCII line, read from its bytes, without its text, a list or a
       * substring per field: {@link RecordFiles#AS_TEXT} (having filed nothing) for the header and
       * for anything but four plain fields with ids, a simple decimal rating and digits for a
       * timestamp; the text path then reads it or says what is wrong with it. One method for the
       * whole line: a fresh JVM compiles it once.
       */
      @Override
      public int acceptAscii(byte[] b, int start, int end, long n) {
        if (n == 1 || !asciiPath || Csv.bounds(b, start, end, (byte) ',', from, to) != 4) {
          return RecordFiles.AS_TEXT;
        }
        int uf = stripStart(b, from[cols[0]], to[cols[0]]);
        int ut = stripEnd(b, uf, to[cols[0]]);
        int itf = stripStart(b, from[cols[1]], to[cols[1]]);
        int itt = stripEnd(b, itf, to[cols[1]]);
        double rating = simpleDecimal(b, from[cols[2]], to[cols[2]]);
        long seconds = Csv.digits(b, from[cols[3]], to[cols[3]]);
        if (uf == ut || itf == itt || Double.isNaN(rating) || seconds < 0) {
          return RecordFiles.AS_TEXT;
        }
        a.canonicalInteraction(a.userId(b, uf, ut), a.itemId(b, itf, itt), rating, Instant.ofEpochSecond(seconds));
        return RecordFiles.RECORD;
      }
    }));
    int[] mcols = {0, 1, 2};
    String[] three = new String[3];
    a.file(RecordFiles.read(movies, StandardCharsets.UTF_8, options, (line, n) -> {
      if (n == 1 && line.startsWith("movieId")) {
        header(line, List.of("movieId", "title", "genres"), mcols, movies);
        return false;
      }
      if (Csv.threeFields(line, three)) {
        movie(a, three[mcols[0]], three[mcols[1]], genres(three[mcols[2]]));
        return true;
      }
      List<String> f = Csv.split(line, ',');
      if (f.size() != 3) {
        throw new MalformedRecord("expected 3 fields (movieId,title,genres) but found " + f.size());
      }
      movie(a, f.get(mcols[0]), f.get(mcols[1]), genres(f.get(mcols[2])));
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

  /** Where {@code b[from, to)} starts after ASCII white space ({@link Character#isWhitespace}'s). */
  private static int stripStart(byte[] b, int from, int to) {
    while (from < to && whitespace(b[from])) {
      from++;
    }
    return from;
  }

  private static int stripEnd(byte[] b, int from, int to) {
    while (to > from && whitespace(b[to - 1])) {
      to--;
    }
    return to;
  }

  private static boolean whitespace(byte c) {
    return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  }

  static double number(String s, String field) throws MalformedRecord {
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
   * The value of ASCII {@code b[from, to)} when it is {@code digits} or {@code digits.digits}
   * (at most 9 and 6 digits, so the value is exact before the one rounding division), exactly as
   * {@link Double#parseDouble} would read it; NaN for anything else, which then goes the slow way.
   */
  static double simpleDecimal(byte[] b, int from, int to) {
    int n = to - from;
    if (n == 0 || n > 19) {
      return Double.NaN;
    }
    long whole = 0;
    int i = 0;
    for (; i < n && b[from + i] != '.'; i++) {
      int c = b[from + i] - '0';
      if (c < 0 || c > 9 || i >= 9) {
        return Double.NaN;
      }
      whole = whole * 10 + c;
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
      int c = b[from + j] - '0';
      if (c < 0 || c > 9 || j - i > 6) {
        return Double.NaN;
      }
      frac = frac * 10 + c;
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
    String year = title.isPresent() ? year(title.get()) : null;
    a.item(movieId, title, year == null ? attributes : withYear(attributes, year));
  }

  /** {@code attributes} and the year; no intermediate map for the usual one or no attribute. */
  private static Map<String, String> withYear(Map<String, String> attributes, String year) {
    if (attributes.isEmpty()) {
      return Map.of("year", year);
    }
    String genres = attributes.get("genres");
    if (attributes.size() == 1 && genres != null) {
      return Map.of("genres", genres, "year", year);
    }
    Map<String, String> attrs = new HashMap<>(attributes);
    attrs.put("year", year);
    return attrs;
  }

  /**
   * The year a MovieLens title ends with: the four digits of a final {@code (1995)}, or of a
   * range such as {@code (2005-2010)}, {@code (2005–)}, followed only by white space; null when
   * there is none. What {@code find()} of {@code \((\d{4})(?:[-–]\d{0,4})?\)\s*$} gives as its
   * group, read from the end of the title without a regular expression.
   */
  static @Nullable String year(String t) {
    int end = t.length();
    if (end > 0 && (t.charAt(end - 1) == '\u0085' || t.charAt(end - 1) == '\u2028' || t.charAt(end - 1) == '\u2029')) {
      end--; // `$` also matches before one line terminator that ends the input
    }
    while (end > 0 && regexSpace(t.charAt(end - 1))) {
      end--;
    }
    int close = end - 1;
    if (close < 5 || t.charAt(close) != ')') {
      return null;
    }
    // (dddd), or (dddd followed by - or – and up to 4 digits)
    for (int length = 4; length <= 9; length++) {
      int open = close - 1 - length;
      if (open < 0) {
        return null;
      }
      if (t.charAt(open) == '(' && yearRange(t, open + 1, close)) {
        return t.substring(open + 1, open + 5);
      }
    }
    return null;
  }

  /** Whether {@code t[from, to)} is 4 digits, optionally followed by - or – and 0 to 4 digits. */
  private static boolean yearRange(String t, int from, int to) {
    for (int i = from; i < from + 4; i++) {
      if (!asciiDigit(t.charAt(i))) {
        return false;
      }
    }
    if (to == from + 4) {
      return true;
    }
    char dash = t.charAt(from + 4);
    if (dash != '-' && dash != '–') {
      return false;
    }
    for (int i = from + 5; i < to; i++) {
      if (!asciiDigit(t.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean asciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code \s} of a Java regular expression: {@code [ \t\n\x0B\f\r]}. */
  private static boolean regexSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  /** The {@code genres} attribute of a {@code |}-separated genre field. */
  private static Map<String, String> genres(String field) {
    if (field.indexOf('|') < 0) {
      String s = field.strip();
      return s.isEmpty() || s.equals(NO_GENRES) ? Map.of() : Map.of("genres", s);
    }
    return genres(field.split("\\|"));
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
      movie(a, f.get(0), f.get(1), genres(f.get(2)));
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
