package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Ranked candidate lists produced elsewhere (a Python SASRec, a production system), read from a
 * file so the same candidates can be reranked here.
 *
 * <p>Two formats, detected per file from its first record (gzip or plain):
 *
 * <ul>
 *   <li><b>TSV</b>: {@code user<TAB>item1<TAB>item2...}, or {@code user<TAB>item1,item2,...}; an
 *       optional header line whose first field is {@code user} or {@code user_id}.
 *   <li><b>JSON lines</b>: {@code {"user": "u1", "items": ["i9", "i3", ...]}} ({@code user_id}
 *       and {@code item_ids} or {@code candidates} are accepted too).
 * </ul>
 *
 * Lists are best first. A list that repeats an item, an empty list, or a user listed twice is a
 * malformed line (counted against {@link LoadOptions#maxMalformedRate()}).
 *
 * @param lists each user's ranked item ids, in file order
 * @param report the reading of the file
 */
public record CandidateLists(Map<String, List<String>> lists, LoadReport.FileReport report) {

  /**
   * @param lists each user's ranked item ids, in file order
   * @param report the reading of the file
   * @throws NullPointerException if an argument, key or list is null
   */
  public CandidateLists {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    requireNonNull(lists, "lists").forEach((k, v) -> copy.put(requireNonNull(k), List.copyOf(v)));
    lists = Collections.unmodifiableMap(copy);
    requireNonNull(report, "report");
  }

  /**
   * Reads a TSV or JSON-lines file of candidate lists.
   *
   * @param file the file: TSV or JSON lines, plain or gzipped (told from its first record)
   * @param options the tolerance of malformed lines and the line cap
   * @return the lists per user with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws DatasetFormatException if too many lines are malformed
   */
  public static CandidateLists read(Path file, LoadOptions options) {
    requireNonNull(file, "file");
    requireNonNull(options, "options");
    Map<String, List<String>> out = new LinkedHashMap<>();
    boolean[] started = {false};
    LoadReport.FileReport report = RecordFiles.read(file, StandardCharsets.UTF_8, options, (line, n) -> {
      String s = line.strip();
      String user;
      List<String> items;
      if (s.startsWith("{")) {
        Map<String, @Nullable Object> r = JsonRecords.fields(s, Set.of("user", "user_id", "items", "item_ids", "candidates"));
        user = r.containsKey("user") ? JsonRecords.requiredText(r, "user") : JsonRecords.requiredText(r, "user_id");
        Object list = r.containsKey("items") ? r.get("items") : r.containsKey("item_ids") ? r.get("item_ids") : r.get("candidates");
        if (!(list instanceof List<?> l)) {
          throw new MalformedRecord("missing list field \"items\"");
        }
        items = new ArrayList<>();
        for (Object o : l) {
          if (!(o instanceof String) && !(o instanceof Number)) {
            throw new MalformedRecord("\"items\" must hold strings");
          }
          items.add(o.toString().strip());
        }
      } else {
        String[] f = line.split("\t", -1);
        if (!started[0] && (f[0].strip().equals("user") || f[0].strip().equals("user_id"))) {
          started[0] = true;
          return false;
        }
        user = f[0].strip();
        if (f.length < 2) {
          throw new MalformedRecord("no tab: a line is user<TAB>item<TAB>item... or user<TAB>item,item,... (the user id"
              + " and the list are tab-separated; commas only between items), or a JSON object"
              + " {\"user\": ..., \"items\": [...]}");
        }
        items = new ArrayList<>();
        if (f.length == 2 && f[1].contains(",")) {
          for (String i : f[1].split(",", -1)) {
            items.add(i.strip());
          }
        } else {
          for (int k = 1; k < f.length; k++) {
            items.add(f[k].strip());
          }
        }
      }
      started[0] = true;
      if (user.isEmpty()) {
        throw new MalformedRecord("empty user id");
      }
      items.removeIf(String::isEmpty);
      if (items.isEmpty()) {
        throw new MalformedRecord("user " + user + " has an empty list");
      }
      if (new HashSet<>(items).size() != items.size()) {
        throw new MalformedRecord("user " + user + "'s list repeats an item");
      }
      if (out.putIfAbsent(user, items) != null) {
        throw new MalformedRecord("user " + user + " is listed twice");
      }
      return true;
    });
    return new CandidateLists(out, report);
  }

  /**
   * {@link #read(Path, LoadOptions)} with the default options.
   *
   * @param file the file: TSV or JSON lines, plain or gzipped (told from its first record)
   * @return the lists per user with the load report
   * @throws NullPointerException if file is null
   * @throws UncheckedIOException if the file cannot be read
   * @throws DatasetFormatException if too many lines are malformed
   */
  public static CandidateLists read(Path file) {
    return read(file, LoadOptions.defaults());
  }
}
