package dev.agp.examples;

import java.io.PrintStream;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * Progress of {@code agp rerank} on standard error: a bar with the ETA, spend and fallbacks on a
 * terminal; otherwise a line every {@link #LINE_INTERVAL} (users, rate, ETA, spend).
 */
final class RerankProgress {

  static final Duration LINE_INTERVAL = Duration.ofSeconds(10);

  private final @Nullable ProgressBar bar;
  private final PrintStream err;
  private final long total;
  private final long already;
  private final ServingLlm llm;
  private final long start = System.nanoTime();
  private long lastLine = System.nanoTime();
  private String status = "";

  RerankProgress(AgpCli cli, long total, long already, ServingLlm llm) {
    this.err = cli.err();
    this.total = total;
    this.already = already;
    this.llm = llm;
    this.bar = cli.console() ? new ProgressBarBuilder()
        .setTaskName("Reranking")
        .setInitialMax(Math.max(1, total))
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(err))
        .startsFrom(already, Duration.ZERO)
        .showSpeed()
        .build() : null;
  }

  synchronized void update(long written, long fallbacks, String batchStatus) {
    if (!batchStatus.isEmpty()) {
      status = batchStatus;
    }
    if (bar != null) {
      bar.stepTo(already + written);
      bar.setExtraMessage(extra(fallbacks));
      return;
    }
    long now = System.nanoTime();
    if (now - lastLine >= LINE_INTERVAL.toNanos()) {
      lastLine = now;
      err.println(line(written, fallbacks, now));
    }
  }

  private String extra(long fallbacks) {
    StringBuilder sb = new StringBuilder();
    if (llm.priced()) {
      sb.append('$').append(llm.spent().setScale(4, RoundingMode.HALF_UP).toPlainString()).append(' ');
    }
    sb.append(fallbacks).append(" fallbacks");
    if (!status.isEmpty()) {
      sb.append(", batch ").append(status);
    }
    return sb.toString();
  }

  private String line(long written, long fallbacks, long now) {
    double seconds = (now - start) / 1e9;
    double rate = seconds > 0 ? written / seconds : 0;
    long left = Math.max(0, total - already - written);
    String eta = rate > 0 ? format(Duration.ofSeconds((long) Math.ceil(left / rate))) : "unknown";
    return String.format(Locale.ROOT, "rerank: %,d/%,d users (%.1f%%), %.1f users/s, ETA %s, %s", already + written, total,
        total == 0 ? 100.0 : 100.0 * (already + written) / total, rate, eta, extra(fallbacks));
  }

  private static String format(Duration d) {
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    return h > 0 ? String.format(Locale.ROOT, "%dh%02dm", h, m) : String.format(Locale.ROOT, "%dm%02ds", m, s);
  }

  synchronized void finish(long written, long fallbacks) {
    if (bar != null) {
      bar.stepTo(already + written);
      bar.setExtraMessage(extra(fallbacks));
      bar.close();
    } else if (written > 0) {
      err.println(line(written, fallbacks, System.nanoTime()));
    }
  }
}
