package dev.agp.eval.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Yelp and Goodreads: JSON lines on both sides. */
final class JsonLinesLoaders {

  private static final Set<String> YELP_REVIEW = Set.of("user_id", "business_id", "stars", "date");
  private static final Set<String> YELP_BUSINESS = Set.of("business_id", "name", "categories", "city", "state");
  private static final Set<String> GOODREADS_INTERACTION = Set.of("user_id", "book_id", "rating", "date_added", "date_updated");
  private static final Set<String> GOODREADS_BOOK =
      Set.of("book_id", "title", "title_without_series", "publication_year", "popular_shelves");
  /** Shelves kept per book, the most used first. */
  static final int SHELVES = 8;
  /** Shelves that say how a reader files a book, not what it is about. */
  private static final Set<String> BOOKKEEPING_SHELVES = Set.of(
      "to-read", "currently-reading", "read", "favorites", "favourites", "owned", "books-i-own", "owned-books",
      "default", "library", "kindle", "ebook", "ebooks", "e-book", "e-books", "my-books", "wish-list", "wishlist",
      "to-buy", "my-library", "audiobook", "audiobooks", "audio", "borrowed", "re-read", "did-not-finish", "dnf",
      "tbr", "books", "book-club", "home-library", "abandoned", "unfinished", "on-hold", "maybe", "i-own", "own",
      "owned-tbr", "physical-tbr", "to-read-owned");

  private static final DateTimeFormatter YELP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  /** {@code Thu Aug 17 15:15:28 -0700 2017}. */
  static final DateTimeFormatter GOODREADS_TIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss Z yyyy", Locale.ENGLISH);

  private JsonLinesLoaders() {}

  static Dataset yelp(Path reviews, Path businesses, LoadOptions options) {
    Assembler a = new Assembler();
    a.file(RecordFiles.read(reviews, StandardCharsets.UTF_8, options, (line, n) -> {
      Map<String, @Nullable Object> r = JsonRecords.fields(line, YELP_REVIEW);
      a.interaction(
          JsonRecords.requiredText(r, "user_id"), JsonRecords.requiredText(r, "business_id"),
          JsonRecords.requiredNumber(r, "stars"), yelpTime(JsonRecords.requiredText(r, "date")));
      return true;
    }));
    a.file(RecordFiles.read(businesses, StandardCharsets.UTF_8, options, (line, n) -> {
      Map<String, @Nullable Object> r = JsonRecords.fields(line, YELP_BUSINESS);
      String id = JsonRecords.requiredText(r, "business_id");
      Map<String, String> attrs = new HashMap<>();
      Titles.clean(JsonRecords.optionalText(r, "categories")).ifPresent(v -> attrs.put("categories", v));
      Titles.clean(JsonRecords.optionalText(r, "city")).ifPresent(v -> attrs.put("city", v));
      Titles.clean(JsonRecords.optionalText(r, "state")).ifPresent(v -> attrs.put("state", v));
      a.item(id, Titles.clean(JsonRecords.optionalText(r, "name")), attrs);
      return true;
    }));
    return a.build();
  }

  static Instant yelpTime(String s) throws MalformedRecord {
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return LocalDateTime.parse(s, YELP_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new MalformedRecord("field \"date\" is not \"YYYY-MM-DD HH:MM:SS\": \"" + s + "\"");
    }
  }

  static Dataset goodreads(Path interactions, Path books, LoadOptions options) {
    Assembler a = new Assembler();
    a.file(RecordFiles.read(interactions, StandardCharsets.UTF_8, options, (line, n) -> {
      Map<String, @Nullable Object> r = JsonRecords.fields(line, GOODREADS_INTERACTION);
      String user = JsonRecords.requiredText(r, "user_id");
      String book = JsonRecords.requiredText(r, "book_id");
      double rating = JsonRecords.requiredNumber(r, "rating");
      String added = JsonRecords.optionalText(r, "date_added");
      String field = "date_added";
      if (added == null || added.isBlank()) {
        added = JsonRecords.optionalText(r, "date_updated");
        field = "date_updated";
      }
      if (added == null || added.isBlank()) {
        a.drop(LoadReport.NO_TIMESTAMP);
        return true;
      }
      a.interaction(user, book, rating, goodreadsTime(added.strip(), field));
      return true;
    }));
    a.file(RecordFiles.read(books, StandardCharsets.UTF_8, options, (line, n) -> {
      Map<String, @Nullable Object> r = JsonRecords.fields(line, GOODREADS_BOOK);
      String id = JsonRecords.requiredText(r, "book_id");
      Map<String, String> attrs = new HashMap<>();
      Titles.clean(JsonRecords.optionalText(r, "publication_year")).ifPresent(v -> attrs.put("year", v));
      String shelves = shelves(r.get("popular_shelves"));
      if (!shelves.isEmpty()) {
        attrs.put("shelves", shelves);
      }
      var title = Titles.clean(JsonRecords.optionalText(r, "title"));
      if (title.isEmpty()) {
        title = Titles.clean(JsonRecords.optionalText(r, "title_without_series"));
      }
      a.item(id, title, attrs);
      return true;
    }));
    return a.build();
  }

  /**
   * The {@value #SHELVES} most used shelves of a book ({@code [{"count": "3", "name": "fantasy"}]},
   * counts as strings), comma separated, without bookkeeping shelves such as "to-read"; "" when
   * there are none or the field has another shape.
   */
  static String shelves(@Nullable Object field) {
    if (!(field instanceof java.util.List<?> list)) {
      return "";
    }
    java.util.List<java.util.Map.Entry<String, Long>> named = new java.util.ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map<?, ?> m && m.get("name") instanceof String name && !name.isBlank()) {
        String shelf = name.strip().toLowerCase(Locale.ROOT);
        if (BOOKKEEPING_SHELVES.contains(shelf) || shelf.contains(",")) {
          continue;
        }
        long count = 0;
        Object c = m.get("count");
        try {
          count = c instanceof Number n ? n.longValue() : c instanceof String cs ? Long.parseLong(cs.strip()) : 0;
        } catch (NumberFormatException e) {
          count = 0;
        }
        named.add(java.util.Map.entry(shelf, count));
      }
    }
    named.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : Long.compare(b.getValue(), a.getValue()));
    java.util.List<String> out = new java.util.ArrayList<>();
    for (java.util.Map.Entry<String, Long> e : named) {
      if (out.size() < SHELVES && !out.contains(e.getKey())) {
        out.add(e.getKey());
      }
    }
    return String.join(", ", out);
  }

  static Instant goodreadsTime(String s, String field) throws MalformedRecord {
    try {
      return ZonedDateTime.parse(s, GOODREADS_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedRecord(
          "field \"" + field + "\" is not like \"Thu Aug 17 15:15:28 -0700 2017\": \"" + s + "\"");
    }
  }
}
