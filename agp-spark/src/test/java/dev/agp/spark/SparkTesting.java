package dev.agp.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code local[2]} session the tests of this JVM share, with event logging into {@link
 * #EVENT_LOGS} (the secrets test reads it), adaptive execution and whole-stage code generation off
 * (they cost more than they save on test-sized tables). A test may {@link #stop()} it; the next one gets a new
 * session.
 */
final class SparkTesting {

  /** Where the shared sessions write their event logs. */
  static final Path EVENT_LOGS = Path.of("target", "spark-events").toAbsolutePath();

  private static SparkSession session;

  private SparkTesting() {}

  static synchronized SparkSession session() {
    if (session == null) {
      try {
        Files.createDirectories(EVENT_LOGS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      session = SparkSession.builder()
          .appName("agp-spark-tests")
          .master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "2")
          // small tables: planning and code generation cost more than running; the results do not
          // depend on either (the standalone-cluster test runs with Spark's defaults)
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.sql.codegen.wholeStage", "false")
          .config("spark.eventLog.enabled", "true")
          .config("spark.eventLog.dir", EVENT_LOGS.toUri().toString())
          .getOrCreate();
    }
    return session;
  }

  /** Stops the shared session, flushing its event log. */
  static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }
}
