package dev.agp.examples;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/** Progress bars for the long steps, on standard error; silent when turned off. */
final class Progress {

  private final boolean enabled;
  private final PrintStream err;
  private @Nullable ProgressBar bar;

  Progress(boolean enabled, PrintStream err) {
    this.enabled = enabled;
    this.err = err;
  }

  /** Starts a bar for {@code task} of {@code max} steps (0: unknown), closing the previous one. */
  synchronized void start(String task, long max) {
    finish();
    if (enabled) {
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(max <= 0 ? -1 : max)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(err))
          .continuousUpdate()
          .build();
    }
  }

  synchronized void step() {
    if (bar != null) {
      bar.step();
    }
  }

  synchronized void stepTo(long n) {
    if (bar != null) {
      bar.stepTo(n);
    }
  }

  synchronized void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
