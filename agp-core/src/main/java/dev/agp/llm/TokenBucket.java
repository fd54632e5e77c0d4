package dev.agp.llm;

/**
 * A token bucket refilled at {@code perMinute / 60} units a second and holding at most one
 * second's worth (at least one unit). A reservation waits until the units it needs (at most the
 * capacity) have accrued and is then debited in full, possibly into debt that later reservations
 * wait for; so over any long interval at most {@code perMinute} units a minute go out, in bursts
 * no larger than one second's worth. Time comes from the caller; the caller does the waiting.
 */
final class TokenBucket {

  private static final double NANOS_PER_MINUTE = 60e9;

  private final double perMinute;
  private final double capacity;
  private double available;
  private long last;

  TokenBucket(long perMinute, long now) {
    this.perMinute = perMinute;
    this.capacity = Math.max(1.0, perMinute / 60.0);
    this.available = capacity;
    this.last = now;
  }

  /** Debits {@code units} and returns the nanoseconds the caller must wait before going ahead. */
  synchronized long reserve(long units, long now) {
    refill(now);
    double needed = Math.min(units, capacity);
    long wait = available >= needed ? 0 : (long) Math.ceil((needed - available) * NANOS_PER_MINUTE / perMinute);
    available -= units;
    return wait;
  }

  /** Debits {@code units} more (or credits them back when negative), never above capacity. */
  synchronized void adjust(long units) {
    available = Math.min(capacity, available - units);
  }

  /** Units available now (negative while in debt), for tests. */
  synchronized double available(long now) {
    refill(now);
    return available;
  }

  private void refill(long now) {
    if (now > last) {
      available = Math.min(capacity, available + (now - last) * perMinute / NANOS_PER_MINUTE);
      last = now;
    }
  }
}
