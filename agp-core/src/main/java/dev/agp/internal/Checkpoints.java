package dev.agp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Checkpoint files of the fits: atomic writes, reads with clear errors, configuration checks. */
public final class Checkpoints {

  private Checkpoints() {}

  /**
   * Writes {@code document} to {@code path} atomically.
   *
   * @throws UncheckedIOException if it cannot be written
   */
  public static void write(Path path, Object document) {
    try {
      AgpJson.writeAtomically(path, document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + path, e);
    }
  }

  /**
   * The document at {@code path}, or empty when there is no file.
   *
   * @throws IllegalStateException if the file cannot be read as {@code type}
   */
  public static <T> Optional<T> read(Path path, Class<T> type) {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(AgpJson.MAPPER.readValue(path.toFile(), type));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the checkpoint " + path + " (" + e.getMessage() + "); move it away to start a new fit", e);
    }
  }

  /**
   * Refuses to resume a checkpoint written under another configuration.
   *
   * @throws IllegalStateException naming every setting that differs
   */
  public static void requireSameConfiguration(Path path, @Nullable Map<String, String> saved, Map<String, String> now) {
    List<String> differences = differences(saved == null ? Map.of() : saved, now);
    if (!differences.isEmpty()) {
      throw new IllegalStateException(
          "the checkpoint " + path + " was written by a fit with another configuration: "
              + String.join("; ", differences)
              + ". Restore the configuration to resume, or use another checkpoint path to start over.");
    }
  }

  /** {@code "key: saved in the checkpoint, now now"} for every key whose value differs, sorted by key. */
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
}
