package dev.agp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.hash.Hashing;
import dev.agp.Item;
import dev.agp.UserCase;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Files of users' cases, read one line at a time in constant memory: what {@code agp fit} trains
 * on (with labels) and {@code agp rerank} reranks.
 *
 * <ul>
 *   <li><b>JSON lines</b>: {@code {"user": "u1", "history": [...], "candidates": [...], "relevant":
 *       [...]}}, items as ids ({@code "i9"}) or objects ({@code {"id": "i9", "title": "Heat
 *       (1995)", "attributes": {"genres": "Crime"}}}); {@code user_id}, {@code items} (for the
 *       candidates) and {@code labels} (for the relevant ids) are accepted too; history and
 *       relevant are optional.
 *   <li><b>TSV</b>: {@code user<TAB>history ids<TAB>candidate ids[<TAB>relevant ids]}, lists
 *       comma-separated, history oldest first, candidates best first; an optional header line
 *       whose first field is {@code user} or {@code user_id}.
 * </ul>
 *
 * Titles of items given as bare ids come from the {@link ItemTitles item file} ({@code id<TAB>title}
 * lines, or JSON lines with {@code id} and {@code title}); without one an item's title is its id.
 * Gzipped files are read as such. A line that cannot be read is a {@link Record} with its error,
 * never silently skipped.
 */
final class CaseFiles {

  /** Characters of one line; a longer line is a malformed record. */
  static final int MAX_LINE_CHARS = 1 << 20;

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private CaseFiles() {}

  /**
   * One record of a case file.
   *
   * @param line the 1-based physical line number
   * @param checksum the hex SHA-256 (first 16 digits) of the line's text
   * @param user the case, when the line could be read
   * @param error why it could not, "" when it could
   * @param userId the user id when it could be read even though the case could not, else ""
   */
  record Record(long line, String checksum, @Nullable UserCase user, String error, String userId) {}

  /** Item titles and attributes by id. */
  static final class ItemTitles {
    private final Map<String, Item> items;

    private ItemTitles(Map<String, Item> items) {
      this.items = items;
    }

    static ItemTitles empty() {
      return new ItemTitles(Map.of());
    }

    /**
     * Reads {@code id<TAB>title} lines or JSON lines with {@code id}, {@code title} and optional
     * {@code attributes}.
     *
     * @throws UsageException naming the line that cannot be read
     */
    static ItemTitles read(Path file, String flag) {
      Map<String, Item> items = new HashMap<>();
      try (BufferedReader r = reader(file)) {
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          Item item;
          try {
            if (line.stripLeading().startsWith("{")) {
              item = CaseFiles.item(JSON.readTree(line));
            } else {
              String[] f = line.split("\t", -1);
              if (n == 1 && (f[0].strip().equals("id") || f[0].strip().equals("item_id"))) {
                continue;
              }
              if (f.length < 2 || f[0].isBlank()) {
                throw new IllegalArgumentException("expected id<TAB>title");
              }
              item = new Item(f[0].strip(), f[1].strip(), Map.of());
            }
          } catch (IOException | RuntimeException e) {
            throw new UsageException(flag + ": " + file + " line " + n + ": " + message(e));
          }
          items.putIfAbsent(item.id(), item);
        }
      } catch (IOException e) {
        throw new UsageException(flag + ": cannot read " + file + ": " + e.getMessage());
      }
      return new ItemTitles(Map.copyOf(items));
    }

    int size() {
      return items.size();
    }

    Item item(String id, long[] untitled) {
      Item known = items.get(id);
      if (known != null) {
        return known;
      }
      untitled[0]++;
      return Item.of(id, id);
    }
  }

  /** Reads {@code file} record by record; close it when done. */
  static Reader open(Path file, ItemTitles catalogue) {
    try {
      return new Reader(reader(file), catalogue);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Counts the records of {@code file} (for progress), without parsing them. */
  static long countRecords(Path file) {
    try (BufferedReader r = reader(file)) {
      long n = 0;
      String line;
      boolean first = true;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank() && !(first && isHeader(line))) {
          n++;
        }
        first = first && line.isBlank();
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static BufferedReader reader(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  static String checksum(String line) {
    return Hashing.sha256().hashString(line, StandardCharsets.UTF_8).toString().substring(0, 16);
  }

  private static boolean isHeader(String line) {
    String first = line.split("\t", 2)[0].strip();
    return !line.stripLeading().startsWith("{") && (first.equals("user") || first.equals("user_id"));
  }

  /** The records of one file, in order. */
  static final class Reader implements Iterator<Record>, Closeable {
    private final BufferedReader in;
    private final ItemTitles catalogue;
    private final long[] untitled = {0};
    private long lineNumber;
    private boolean sawRecord;
    private @Nullable String pending;
    private long pendingLine;
    private String lastChecksum = "";

    private Reader(BufferedReader in, ItemTitles catalogue) {
      this.in = in;
      this.catalogue = catalogue;
    }

    /** Items that had no title in the catalogue so far. */
    long untitledItems() {
      return untitled[0];
    }

    @Override
    public boolean hasNext() {
      return hasNextRaw();
    }

    /** Whether another record follows (without reading it). */
    boolean hasNextRaw() {
      if (pending != null) {
        return true;
      }
      try {
        String line;
        while ((line = in.readLine()) != null) {
          lineNumber++;
          if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
            line = line.substring(1);
          }
          if (line.isBlank()) {
            continue;
          }
          if (!sawRecord && isHeader(line)) {
            sawRecord = true;
            continue;
          }
          sawRecord = true;
          pending = line;
          pendingLine = lineNumber;
          return true;
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read line " + (lineNumber + 1) + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Record next() {
      if (!hasNextRaw()) {
        throw new NoSuchElementException();
      }
      String line = pending;
      pending = null;
      return parse(line, pendingLine);
    }

    /** Passes over the next record without reading it: its line number ({@link #lastChecksum()} its checksum). */
    long[] nextRaw() {
      if (!hasNextRaw()) {
        throw new NoSuchElementException();
      }
      lastChecksum = checksum(pending);
      pending = null;
      return new long[] {pendingLine};
    }

    /** The checksum of the record {@link #nextRaw()} passed over last. */
    String lastChecksum() {
      return lastChecksum;
    }

    /** Passes over {@code n} records; false when the file has fewer. */
    boolean skip(long n) {
      for (long i = 0; i < n; i++) {
        if (!hasNextRaw()) {
          return false;
        }
        pending = null;
      }
      return true;
    }

    private Record parse(String line, long n) {
      String sum = checksum(line);
      if (line.length() > MAX_LINE_CHARS) {
        return new Record(n, sum, null, "the line has " + line.length() + " characters, more than " + MAX_LINE_CHARS, "");
      }
      String user = "";
      try {
        if (line.stripLeading().startsWith("{")) {
          JsonNode r = JSON.readTree(line);
          if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
          }
          JsonNode u = r.has("user") ? r.get("user") : r.path("user_id");
          if (!u.isTextual() && !u.isNumber()) {
            throw new IllegalArgumentException("missing \"user\"");
          }
          user = u.asText().strip();
          JsonNode candidates = r.has("candidates") ? r.get("candidates") : r.path("items");
          if (!candidates.isArray()) {
            throw new IllegalArgumentException("missing list \"candidates\"");
          }
          JsonNode relevant = r.has("relevant") ? r.get("relevant") : r.path("labels");
          return new Record(n, sum, new UserCase(user, items(r.path("history"), "history"), items(candidates, "candidates"),
              ids(relevant)), "", user);
        }
        String[] f = line.split("\t", -1);
        if (f.length < 3 || f.length > 4) {
          throw new IllegalArgumentException("expected user<TAB>history<TAB>candidates[<TAB>relevant], found "
              + f.length + " fields");
        }
        user = f[0].strip();
        return new Record(n, sum, new UserCase(user, list(f[1]), list(f[2]), f.length == 4 ? new LinkedHashSet<>(split(f[3]))
            : Set.of()), "", user);
      } catch (IOException | RuntimeException e) {
        return new Record(n, sum, null, message(e), user);
      }
    }

    private List<Item> items(JsonNode node, String field) {
      if (node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw new IllegalArgumentException("\"" + field + "\" must be a list");
      }
      List<Item> out = new ArrayList<>(node.size());
      for (JsonNode i : node) {
        if (i.isTextual() || i.isNumber()) {
          out.add(catalogue.item(i.asText().strip(), untitled));
        } else if (i.isObject()) {
          out.add(item(i));
        } else {
          throw new IllegalArgumentException("\"" + field + "\" holds something other than an id or an item object");
        }
      }
      return out;
    }

    private List<Item> list(String ids) {
      List<Item> out = new ArrayList<>();
      for (String id : split(ids)) {
        out.add(catalogue.item(id, untitled));
      }
      return out;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static List<String> split(String ids) {
    List<String> out = new ArrayList<>();
    for (String s : ids.split(",", -1)) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private static Set<String> ids(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("\"relevant\" must be a list of ids");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode i : node) {
      out.add((i.isObject() ? i.path("id") : i).asText().strip());
    }
    return out;
  }

  private static Item item(JsonNode i) {
    JsonNode id = i.path("id");
    if (!id.isTextual() && !id.isNumber()) {
      throw new IllegalArgumentException("an item has no \"id\"");
    }
    String title = i.path("title").isTextual() ? i.get("title").asText() : id.asText();
    Map<String, String> attributes = new LinkedHashMap<>();
    i.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    return new Item(id.asText().strip(), title, attributes);
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
      m = "not valid JSON (" + j.getOriginalMessage() + ")";
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
