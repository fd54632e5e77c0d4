package dev.agp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agp.Ranking;
import dev.agp.RepairStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The output of {@code agp rerank}: one JSON line per input record, in input order — a ranking
 * ({@code user}, {@code ranking}, {@code fallback}, {@code repair}) or an {@code error} for a line
 * that could not be read or reranked — each with the input's {@code line} number and {@code
 * input_checksum}. {@link #resume} checks what an earlier run wrote against the input, record by
 * record in constant memory, so that a rerun appends after it.
 */
final class RerankOutput {

  private RerankOutput() {}

  static String ranking(CaseFiles.Record in, Ranking r) {
    ObjectNode n = head(in);
    n.put("user", r.userId());
    var list = n.putArray("ranking");
    r.itemIds().forEach(list::add);
    n.put("fallback", r.fallback());
    RepairStats s = r.repair();
    n.putObject("repair").put("method", s.method().name()).put("recognised", s.recognised())
        .put("duplicates", s.duplicates()).put("unknown", s.unknown()).put("appended", s.appended());
    return n.toString();
  }

  static String error(CaseFiles.Record in, String message) {
    ObjectNode n = head(in);
    if (!in.userId().isEmpty()) {
      n.put("user", in.userId());
    }
    n.put("error", message);
    return n.toString();
  }

  private static ObjectNode head(CaseFiles.Record in) {
    ObjectNode n = CaseFiles.JSON.createObjectNode();
    n.put("line", in.line());
    n.put("input_checksum", in.checksum());
    return n;
  }

  /**
   * How many input records {@code output} already holds, after checking each against the input
   * (same line, same checksum) and cutting a torn last line left by a crash.
   *
   * @throws UsageException naming the output and input lines when they do not match
   */
  static long resume(Path input, Path output) {
    if (!Files.exists(output)) {
      return 0;
    }
    try {
      cutTornTail(output);
      long written = 0;
      try (BufferedReader out = Files.newBufferedReader(output, StandardCharsets.UTF_8);
          CaseFiles.Reader in = CaseFiles.open(input, CaseFiles.ItemTitles.empty())) {
        String line;
        while ((line = out.readLine()) != null) {
          written++;
          JsonNode n;
          try {
            n = CaseFiles.JSON.readTree(line);
          } catch (IOException e) {
            n = null;
          }
          if (n == null || !n.path("line").canConvertToLong() || !n.path("input_checksum").isTextual()) {
            throw new UsageException("--output: " + output + " line " + written + " is not a record of agp rerank;"
                + " give a new --output file");
          }
          if (!in.hasNextRaw()) {
            throw new UsageException("--output: " + output + " has more records (" + written + "+) than " + input
                + " has lines to rerank; the input changed since: give a new --output file");
          }
          long[] raw = in.nextRaw();
          String checksum = in.lastChecksum();
          if (raw[0] != n.get("line").asLong() || !checksum.equals(n.get("input_checksum").asText())) {
            throw new UsageException("--output: record " + written + " of " + output + " was written for input line "
                + n.get("line").asLong() + " with checksum " + n.get("input_checksum").asText() + ", but input line "
                + raw[0] + " of " + input + " has checksum " + checksum + ": the input changed since the output was "
                + "written; restore it or give a new --output file");
          }
        }
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + output + ": " + e.getMessage(), e);
    }
  }

  private static void cutTornTail(Path output) throws IOException {
    try (FileChannel ch = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        ch.read(one, end - 1);
        if (one.get(0) == '\n') {
          break;
        }
        end--;
      }
      if (end < size) {
        ch.truncate(end);
      }
    }
  }
}
