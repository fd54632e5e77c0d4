package dev.agp.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that only moves when something sleeps on it, recording every sleep. */
final class FakeTime implements Ticker, Sleeper {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<Duration> sleeps = new ArrayList<>();

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public synchronized void sleep(Duration duration) {
    sleeps.add(duration);
    nanos.addAndGet(Math.max(0, duration.toNanos()));
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  synchronized List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }
}
