package dev.agp.eval.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Amazon reviews 2014, 2018 and 2023, reviews and metadata. */
final class AmazonLoader {

  /** An ASIN or ISBN-10: ten digits or capitals. */
  private static final Pattern ASIN = Pattern.compile("[0-9A-Z]{9}[0-9A-Z]");
  private static final int SNIFF_LINES = 1000;
  private static final Set<String> OLD_REVIEW_FIELDS = Set.of("reviewerID", "asin", "overall", "unixReviewTime");
  private static final Set<String> NEW_REVIEW_FIELDS = Set.of("user_id", "parent_asin", "asin", "rating", "timestamp");
  private static final Set<String> META_FIELDS =
      Set.of("asin", "parent_asin", "title", "categories", "category", "main_category", "brand", "store");

  private enum Layout {
    JSON_SECONDS, JSON_2023, CSV_HEADER, CSV_USER_FIRST, CSV_ITEM_FIRST
  }

  private AmazonLoader() {}

  static Dataset load(Path reviews, Path metadata, LoadOptions options) {
    List<String> head = RecordFiles.head(reviews, StandardCharsets.UTF_8, SNIFF_LINES);
    if (head.isEmpty()) {
      throw new DatasetFormatException(reviews, "the reviews file is empty", List.of());
    }
    Layout layout = layout(reviews, head, options);
    boolean v2023 = layout == Layout.JSON_2023 || layout == Layout.CSV_HEADER;
    Assembler a = new Assembler();
    int[] cols = {0, 1, 2, 3}; // user, item, rating, time
    if (layout == Layout.CSV_ITEM_FIRST) {
      cols = new int[] {1, 0, 2, 3};
    }
    int[] c = cols;
    boolean[] started = {false};
    a.file(RecordFiles.read(reviews, StandardCharsets.UTF_8, options, (line, n) -> {
      switch (layout) {
        case JSON_SECONDS -> {
          Map<String, @Nullable Object> r = JsonRecords.fields(line, OLD_REVIEW_FIELDS);
          a.interaction(
              JsonRecords.requiredText(r, "reviewerID"), JsonRecords.requiredText(r, "asin"),
              JsonRecords.requiredNumber(r, "overall"), Instant.ofEpochSecond(JsonRecords.requiredLong(r, "unixReviewTime")));
        }
        case JSON_2023 -> {
          Map<String, @Nullable Object> r = JsonRecords.fields(line, NEW_REVIEW_FIELDS);
          String item = JsonRecords.optionalText(r, "parent_asin");
          a.interaction(
              JsonRecords.requiredText(r, "user_id"),
              item != null && !item.isBlank() ? item.strip() : JsonRecords.requiredText(r, "asin"),
              JsonRecords.requiredNumber(r, "rating"), Instant.ofEpochMilli(JsonRecords.requiredLong(r, "timestamp")));
        }
        default -> {
          if (!started[0] && layout == Layout.CSV_HEADER) {
            started[0] = true;
            headerColumns(reviews, line, c);
            return false;
          }
          List<String> f = Csv.split(line, ',');
          if (f.size() != 4) {
            throw new MalformedRecord("expected 4 comma-separated fields but found " + f.size());
          }
          String user = f.get(c[0]).strip();
          String item = f.get(c[1]).strip();
          if (user.isEmpty() || item.isEmpty()) {
            throw new MalformedRecord("empty " + (user.isEmpty() ? "user" : "item") + " id");
          }
          double rating = MovieLensLoader.number(f.get(c[2]), "rating");
          long t = MovieLensLoader.seconds(f.get(c[3]));
          a.interaction(user, item, rating, v2023 ? Instant.ofEpochMilli(t) : Instant.ofEpochSecond(t));
        }
      }
      return true;
    }));
    a.file(RecordFiles.read(metadata, StandardCharsets.UTF_8, options, (line, n) -> {
      Map<String, @Nullable Object> r = metadataRecord(line);
      String id = JsonRecords.optionalText(r, v2023 ? "parent_asin" : "asin");
      if (id == null && v2023) {
        id = JsonRecords.optionalText(r, "asin");
      }
      if (id == null || id.isBlank()) {
        throw new MalformedRecord("missing field \"" + (v2023 ? "parent_asin" : "asin") + "\"");
      }
      a.item(id.strip(), Titles.clean(JsonRecords.optionalText(r, "title")), attributes(r));
      return true;
    }));
    return a.build();
  }

  private static Layout layout(Path reviews, List<String> head, LoadOptions options) {
    String first = head.get(0).strip();
    if (first.startsWith("{")) {
      Map<String, @Nullable Object> r;
      try {
        r = JsonRecords.fields(first, Set.of("reviewerID", "user_id", "parent_asin"));
      } catch (MalformedRecord e) {
        throw new DatasetFormatException(reviews, "the first record is not JSON: " + e.getMessage(), List.of());
      }
      if (r.containsKey("reviewerID")) {
        return Layout.JSON_SECONDS;
      }
      if (r.containsKey("user_id")) {
        return Layout.JSON_2023;
      }
      throw new DatasetFormatException(
          reviews, "JSON reviews without \"reviewerID\" (2014/2018) or \"user_id\" (2023)", List.of());
    }
    if (first.contains("user_id") && (first.contains("parent_asin") || first.contains("asin"))) {
      return Layout.CSV_HEADER;
    }
    Optional<AmazonVersion> given = options.amazonVersion();
    if (given.isPresent()) {
      return switch (given.get()) {
        case Y2014 -> Layout.CSV_USER_FIRST;
        case Y2018 -> Layout.CSV_ITEM_FIRST;
        case Y2023 -> throw new DatasetFormatException(
            reviews, "a 2023 ratings CSV has a header user_id,parent_asin,rating,timestamp; this one has none", List.of());
      };
    }
    boolean firstAsin = true;
    boolean secondAsin = true;
    for (String line : head) {
      String[] f = line.split(",", -1);
      if (f.length != 4) {
        continue;
      }
      firstAsin &= ASIN.matcher(f[0].strip()).matches();
      secondAsin &= ASIN.matcher(f[1].strip()).matches();
    }
    if (firstAsin != secondAsin) {
      return firstAsin ? Layout.CSV_ITEM_FIRST : Layout.CSV_USER_FIRST;
    }
    throw new DatasetFormatException(
        reviews,
        "cannot tell whether this headerless ratings CSV is 2014's user,item,rating,time or 2018's"
            + " item,user,rating,time: pass LoadOptions.defaults().withAmazonVersion(...)",
        List.of());
  }

  private static void headerColumns(Path file, String line, int[] cols) throws MalformedRecord {
    List<String> h = Csv.split(line, ',').stream().map(String::strip).toList();
    String item = h.contains("parent_asin") ? "parent_asin" : "asin";
    List<String> names = List.of("user_id", item, "rating", "timestamp");
    for (int i = 0; i < names.size(); i++) {
      int at = h.indexOf(names.get(i));
      if (at < 0) {
        throw new DatasetFormatException(file, "the header lacks column \"" + names.get(i) + "\": " + line, List.of());
      }
      cols[i] = at;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> metadataRecord(String line) throws MalformedRecord {
    if (JsonRecords.looksLikeJson(line)) {
      return JsonRecords.fields(line, META_FIELDS);
    }
    Object v = PythonLiteral.parse(line.strip());
    if (!(v instanceof Map<?, ?> m)) {
      throw new MalformedRecord("a metadata record must be a dict");
    }
    return (Map<String, @Nullable Object>) m;
  }

  private static Map<String, String> attributes(Map<String, @Nullable Object> r) {
    Map<String, String> out = new HashMap<>();
    // 2014: [['Movies & TV', 'Movies']]; 2018: ['Movies & TV', 'Comedy']; 2023: ['Movies & TV', 'Comedy']
    Object categories = r.containsKey("categories") ? r.get("categories") : r.get("category");
    List<String> path;
    if (categories instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof List<?> firstPath) {
      path = JsonRecords.strings(firstPath);
    } else {
      path = JsonRecords.strings(categories);
    }
    String joined = String.join(" > ", path.stream().map(s -> Titles.clean(s).orElse("")).filter(s -> !s.isEmpty()).toList());
    if (!joined.isEmpty()) {
      out.put("categories", joined);
    }
    put(out, "category", JsonRecords.optionalText(r, "main_category"));
    put(out, "brand", JsonRecords.optionalText(r, "brand"));
    put(out, "store", JsonRecords.optionalText(r, "store"));
    return out;
  }

  private static void put(Map<String, String> out, String key, @Nullable String raw) {
    Titles.clean(raw).ifPresent(v -> out.put(key, v));
  }
}
