package dev.agp.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec$;

/** Spark's event logs as text, decompressed with Spark's own codec when written compressed (Spark 4's default). */
final class EventLogs {

  private EventLogs() {}

  /** The text of every event log file under {@code dir}. */
  static List<String> read(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith(".") || name.endsWith(".crc")) {
          continue;
        }
        int dot = name.lastIndexOf('.');
        String suffix = dot < 0 ? "" : name.substring(dot + 1);
        if (List.of("zstd", "lz4", "lzf", "snappy").contains(suffix)) {
          try (InputStream in = CompressionCodec$.MODULE$.createCodec(new SparkConf(), suffix)
              .compressedInputStream(Files.newInputStream(f))) {
            out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        } else {
          out.add(Files.readString(f, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return out;
  }
}
