package dev.agp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.agp.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint files of the fits: atomic writes carrying a SHA-256 checksum of their content, reads
 * with clear errors, configuration checks, field checks that name the file and the field, and the
 * removal of temporary files an interrupted write left behind.
 *
 * <p>The checksum is the SHA-256 of the document's compact JSON (every field but {@code checksum},
 * in the order written, numbers as Jackson reads them back): any edit of a value changes it, and
 * reformatting the file does not.
 */
public final class Checkpoints {

  /** The field holding the checksum. */
  public static final String CHECKSUM = "checksum";

  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  private static final ObjectMapper COMPACT = JsonMapper.builder().build();

  private Checkpoints() {}

  /** A document read from a checkpoint file, with the file's tree for the checksum check. */
  public record Read<T>(T document, JsonNode tree) {}

  /**
   * Writes {@code document} to {@code path} atomically, with its checksum.
   *
   * @param path the checkpoint file, replaced atomically
   * @param document the fit's state
   * @throws UncheckedIOException if it cannot be written
   */
  public static void write(Path path, Object document) {
    try {
      ObjectNode tree = AgpJson.MAPPER.valueToTree(document);
      tree.remove(CHECKSUM);
      tree.put(CHECKSUM, checksum(COMPACT.readTree(COMPACT.writeValueAsBytes(tree))));
      AgpJson.writeAtomically(path, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + path, e);
    }
  }

  /**
   * The document at {@code path}, or empty when there is no file. Temporary files an interrupted
   * write left beside it ({@code name.*.tmp}) are removed first.
   *
   * @param <T> the document's type
   * @param path the checkpoint file
   * @param type the document's class
   * @return the document with its JSON tree, or empty when there is no file
   * @throws CheckpointException if the file cannot be read as {@code type}
   */
  public static <T> Optional<Read<T>> read(Path path, Class<T> type) {
    removeStrayTemporaries(path);
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    JsonNode tree;
    T doc;
    try {
      tree = COMPACT.readTree(Files.readAllBytes(path));
      if (tree == null || !tree.isObject()) {
        throw new CheckpointException(path, null,
            "cannot read the checkpoint " + path + " (it is not a JSON object); move it away to start a new fit", null);
      }
      doc = AgpJson.MAPPER.treeToValue(tree, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException(path, null,
          "cannot read the checkpoint " + path + " (" + e.getMessage() + "); move it away to start a new fit", e);
    }
    return Optional.of(new Read<>(doc, tree));
  }

  /**
   * Refuses a checkpoint whose content no longer matches its checksum: it was changed after it was
   * written, by hand or by a damaged disk.
   *
   * @param path the checkpoint file, for the message
   * @param tree the document as read, checksum included
   * @throws CheckpointException naming the file
   */
  public static void requireIntact(Path path, JsonNode tree) {
    JsonNode saved = tree.get(CHECKSUM);
    if (saved == null || !saved.isTextual()) {
      throw new CheckpointException(path, CHECKSUM,
          "the checkpoint " + path + " has no checksum: it was not written by this release or was edited; move it"
              + " away to start a new fit", null);
    }
    ObjectNode copy = ((ObjectNode) tree).deepCopy();
    copy.remove(CHECKSUM);
    String now;
    try {
      now = checksum(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!now.equals(saved.asText())) {
      throw new CheckpointException(path, CHECKSUM,
          "the checkpoint " + path + " was changed after it was written (its checksum does not match its content);"
              + " resuming it could skip or repeat work: restore the file or move it away to start a new fit", null);
    }
  }

  private static String checksum(JsonNode tree) throws IOException {
    return "sha256:" + Hashing.sha256().hashBytes(COMPACT.writeValueAsBytes(tree)).toString();
  }

  /** Deletes {@code name.*.tmp} files beside {@code path}: left by a write the process did not finish. */
  static void removeStrayTemporaries(Path path) {
    Path absolute = path.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    String prefix = absolute.getFileName().toString() + ".";
    try (DirectoryStream<Path> stray = Files.newDirectoryStream(dir, p -> {
      String n = p.getFileName().toString();
      return n.startsWith(prefix) && n.endsWith(".tmp") && Files.isRegularFile(p);
    })) {
      for (Path p : stray) {
        Files.deleteIfExists(p);
        log.info("Removed {}, left beside the checkpoint by a write that was interrupted", p);
      }
    } catch (IOException e) {
      log.warn("Cannot remove temporary files beside the checkpoint {}: {}", path, e.toString());
    }
  }

  /**
   * Refuses to resume a checkpoint written under another configuration.
   *
   * @param path the checkpoint file, for the message
   * @param saved the settings the checkpoint was written with; null in a document that has none
   * @param now the settings of this fit
   * @throws CheckpointException naming every setting that differs
   */
  public static void requireSameConfiguration(Path path, @Nullable Map<String, String> saved, Map<String, String> now) {
    List<String> differences = differences(saved == null ? Map.of() : saved, now);
    if (!differences.isEmpty()) {
      throw new CheckpointException(path, "config",
          "the checkpoint " + path + " was written by a fit with another configuration: "
              + String.join("; ", differences)
              + ". Restore the configuration to resume, or use another checkpoint path to start over.", null);
    }
  }

  /**
   * {@code "key: saved in the checkpoint, now now"} for every key whose value differs, sorted by
   * key.
   *
   * @param saved the settings the checkpoint was written with
   * @param now the settings of this fit
   * @return one line per difference, empty when the settings agree
   */
  public static List<String> differences(Map<String, String> saved, Map<String, String> now) {
    TreeSet<String> keys = new TreeSet<>(saved.keySet());
    keys.addAll(now.keySet());
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      String was = saved.get(key);
      String is = now.get(key);
      if (was == null || !was.equals(is)) {
        out.add(key + ": " + shorten(was) + " in the checkpoint, " + shorten(is) + " now");
      }
    }
    return out;
  }

  private static String shorten(@Nullable String v) {
    if (v == null) {
      return "(absent)";
    }
    return v.length() > 80 ? v.substring(0, 77) + "..." : v;
  }

  /**
   * Field checks of a checkpoint being restored: each throws a {@link CheckpointException} that
   * names the file, the field and the value, and says what it should be.
   */
  public static final class Fields {
    private final Path path;

    /**
     * Checks of the checkpoint at {@code path}.
     *
     * @param path the checkpoint file the failures name
     */
    public Fields(Path path) {
      this.path = path;
    }

    /**
     * @param field the field's JSON path
     * @param value the value read
     * @param min the least allowed value
     * @param max the greatest allowed value
     * @return the value
     * @throws CheckpointException if {@code value} is outside {@code [min, max]}
     */
    public int range(String field, int value, int min, int max) {
      if (value < min || value > max) {
        throw fail(field, "is " + value + ", outside [" + min + ", " + max + "]");
      }
      return value;
    }

    /**
     * @param field the field's JSON path
     * @param value the value read
     * @param min the least allowed value
     * @param max the greatest allowed value
     * @return the value
     * @throws CheckpointException if {@code value} is not finite or outside {@code [min, max]}
     */
    public double range(String field, double value, double min, double max) {
      if (!(value >= min && value <= max)) {
        throw fail(field, "is " + value + ", outside [" + min + ", " + max + "]");
      }
      return value;
    }

    /**
     * @param <V> the value's type
     * @param field the field's JSON path
     * @param value the value read, null when the field is absent
     * @return the value
     * @throws CheckpointException if {@code value} is null
     */
    public <V> V present(String field, @Nullable V value) {
      if (value == null) {
        throw fail(field, "is missing");
      }
      return value;
    }

    /**
     * @param ok the outcome of the check
     * @param field the field's JSON path
     * @param why what is wrong, when the check failed
     * @throws CheckpointException saying why, when {@code ok} is false
     */
    public void require(boolean ok, String field, String why) {
      if (!ok) {
        throw fail(field, why);
      }
    }

    /**
     * A failure of {@code field}: the file, the field and what is wrong.
     *
     * @param field the field's JSON path
     * @param what what is wrong with it
     * @return the exception, for the caller to throw
     */
    public CheckpointException fail(String field, String what) {
      return new CheckpointException(path, field,
          "the checkpoint " + path + " cannot be resumed: " + field + " " + what
              + "; no fit writes that. Restore the file or move it away to start a new fit", null);
    }
  }
}
