package dev.agp.internal;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The default executor of requests with a deadline: daemon threads made on demand and ended after a
 * minute idle, so nothing runs until the first such request and nothing needs closing. Created on
 * first use, never on class load of the API.
 */
public final class ServingThreads {

  private ServingThreads() {}

  private static final class Holder {
    static final Executor POOL =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
            new ThreadFactoryBuilder().setDaemon(true).setNameFormat("agp-serving-%d").build());
  }

  /** {@return the shared on-demand pool} */
  public static Executor shared() {
    return Holder.POOL;
  }
}
