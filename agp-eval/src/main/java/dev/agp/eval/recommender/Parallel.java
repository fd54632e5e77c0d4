package dev.agp.eval.recommender;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs row ranges on a fixed number of threads. Work is split into ranges that do not depend on
 * the thread count and every output element is written by one range, so results are identical
 * at any thread count.
 */
final class Parallel implements AutoCloseable {

  /** A body over rows [from, to). */
  interface Range {
    void run(int from, int to);
  }

  private static final int CHUNK = 256;

  private final int threads;
  private final ExecutorService pool;

  Parallel(int threads, String name) {
    this.threads = threads;
    if (threads > 1) {
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, name + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.pool = null;
    }
  }

  int threads() {
    return threads;
  }

  void forRows(int n, Range body) {
    if (pool == null || n <= CHUNK) {
      body.run(0, n);
      return;
    }
    int chunks = Math.min((n + CHUNK - 1) / CHUNK, threads * 8);
    int per = (n + chunks - 1) / chunks;
    List<Future<?>> futures = new ArrayList<>(chunks);
    for (int from = 0; from < n; from += per) {
      int f = from;
      int to = Math.min(n, from + per);
      futures.add(pool.submit(() -> body.run(f, to)));
    }
    try {
      for (Future<?> fu : futures) {
        fu.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(fu -> fu.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      futures.forEach(fu -> fu.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(c);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
