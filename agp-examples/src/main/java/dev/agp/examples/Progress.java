package dev.agp.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * How long steps show on standard error. On a terminal: a progress bar per phase, brought to 100%
 * when the phase ends early (an early stop makes fewer steps than planned) and marked when it
 * stops. Without one (a pipe, a CI log, {@code --no-progress}): a line when a phase starts, a line
 * when it ends with its duration, and a line every {@value #HEARTBEAT_SECONDS} s in between, so that
 * a long phase never looks like a hang.
 */
final class Progress {

  /** Seconds between two progress lines of one phase without a terminal. */
  static final int HEARTBEAT_SECONDS = 30;

  private final boolean bars;
  private final PrintStream err;
  private final LongSupplier nanos;
  private final long origin;
  private @Nullable ProgressBar bar;
  private @Nullable Phase phase;

  Progress(boolean bars, PrintStream err) {
    this(bars, err, System::nanoTime);
  }

  Progress(boolean bars, PrintStream err, LongSupplier nanos) {
    this.bars = bars;
    this.err = err;
    this.nanos = nanos;
    this.origin = nanos.getAsLong();
  }

  /** Starts phase {@code task} of exactly {@code max} {@code unit}s (0: unknown), ending the previous one. */
  synchronized void start(String task, long max, String unit) {
    start(task, max, unit, false);
  }

  /**
   * Starts phase {@code task} of {@code max} {@code unit}s (0: unknown; {@code upTo}: at most that
   * many, as when a training may stop early), ending the previous one.
   */
  synchronized void start(String task, long max, String unit, boolean upTo) {
    finish();
    phase = new Phase(task, max, unit, upTo, nanos.getAsLong());
    if (bars) {
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(max <= 0 ? -1 : max)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(err))
          .continuousUpdate()
          .build();
    } else {
      line(task + (max > 0 ? String.format(Locale.ROOT, " (%s%,d %s)", upTo ? "at most " : "", max, unit) : ""));
    }
  }

  /** Starts a phase without a count of steps. */
  synchronized void start(String task) {
    start(task, 0, "", false);
  }

  synchronized void step() {
    if (phase != null) {
      stepTo(phase.done + 1);
    }
  }

  synchronized void stepTo(long n) {
    if (phase == null) {
      return;
    }
    phase.done = n;
    if (bar != null) {
      bar.stepTo(n);
    } else if (!bars) {
      long now = nanos.getAsLong();
      if (now - phase.lastLine >= Duration.ofSeconds(HEARTBEAT_SECONDS).toNanos()) {
        phase.lastLine = now;
        line(phase.task + ": " + count(phase) + " so far, " + seconds(now - phase.start));
      }
    }
  }

  /** Ends the current phase as done: its bar shows 100% of the steps it made. */
  synchronized void finish() {
    end(null);
  }

  /** Ends the current phase as stopped by {@code why}: its bar says so where it stopped. */
  synchronized void stop(String why) {
    end(why);
  }

  private void end(@Nullable String stopped) {
    Phase p = phase;
    phase = null;
    if (bar != null) {
      if (stopped == null) {
        bar.maxHint(Math.max(1, bar.getCurrent()));
        bar.stepTo(Math.max(1, bar.getCurrent()));
      } else {
        bar.setExtraMessage(" stopped: " + stopped);
      }
      bar.close();
      bar = null;
    } else if (p != null && !bars) {
      String took = seconds(nanos.getAsLong() - p.start);
      line(p.task + (stopped == null ? ": done in " + took : ": stopped after " + took + " (" + stopped + ")")
          + (p.done > 0 ? ", " + count(p) : ""));
    }
  }

  private static String count(Phase p) {
    return p.max > 0 && p.done != p.max
        ? String.format(Locale.ROOT, "%,d of %s%,d %s", p.done, p.upTo ? "at most " : "", p.max, p.unit)
        : String.format(Locale.ROOT, "%,d %s", p.done, p.unit);
  }

  private void line(String text) {
    long s = Duration.ofNanos(nanos.getAsLong() - origin).toSeconds();
    err.printf(Locale.ROOT, "[agp %02d:%02d] %s%n", s / 60, s % 60, text);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static final class Phase {
    final String task;
    final long max;
    final String unit;
    final boolean upTo;
    final long start;
    long lastLine;
    long done;

    Phase(String task, long max, String unit, boolean upTo, long start) {
      this.task = task;
      this.max = max;
      this.unit = unit;
      this.upTo = upTo;
      this.start = start;
      this.lastLine = start;
    }
  }
}
