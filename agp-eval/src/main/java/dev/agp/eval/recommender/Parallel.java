package dev.agp.eval.recommender;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs row ranges on a fixed number of threads: the calling thread and {@code threads - 1}
 * helpers take the next range from a shared counter until none is left. Ranges do not depend on
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
      this.pool = Executors.newFixedThreadPool(threads - 1, r -> {
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

  /** Rows {@code [0, n)} in ranges of at least {@value #CHUNK} rows. */
  void forRows(int n, Range body) {
    if (pool == null || n <= CHUNK) {
      body.run(0, n);
      return;
    }
    int chunks = Math.min((n + CHUNK - 1) / CHUNK, threads * 8);
    int per = (n + chunks - 1) / chunks;
    int parts = (n + per - 1) / per;
    int[] bounds = new int[parts + 1];
    for (int p = 0; p < parts; p++) {
      bounds[p] = p * per;
    }
    bounds[parts] = n;
    forParts(bounds, body);
  }

  /** The ranges {@code [bounds[p], bounds[p + 1])}, each run once. */
  void forParts(int[] bounds, Range body) {
    int parts = bounds.length - 1;
    if (pool == null || parts <= 1) {
      for (int p = 0; p < parts; p++) {
        body.run(bounds[p], bounds[p + 1]);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      try {
        int p;
        while ((p = next.getAndIncrement()) < parts) {
          body.run(bounds[p], bounds[p + 1]);
        }
      } catch (RuntimeException | Error e) {
        next.set(parts); // the others stop after their current range
        throw e;
      }
    };
    int helpers = Math.min(threads - 1, parts - 1);
    List<Future<?>> futures = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      futures.add(pool.submit(worker));
    }
    Throwable failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          next.set(parts);
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null) {
        throw new IllegalStateException("interrupted");
      }
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error er) {
      throw er;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
