package dev.agp.spark;

import dev.agp.AgpModel;
import dev.agp.ProfileKey;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.UserProfile;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.LlmResponseCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One task of the reranking job: reranks its partition's users with up to {@code concurrency}
 * calls in flight and writes their rows in input order, holding at most {@code 2 x concurrency}
 * users in memory.
 *
 * <p>When the task ends — done, failed or killed — rows not started are dropped and the calls in
 * flight may finish (up to one attempt's timeout, at most 30 s) so that the answers they paid for
 * reach the cache; a retried attempt then pays only for what a killed JVM had in flight.
 *
 * <p>Its client: the executor's backend ({@link ExecutorClients}), then this task's share of the
 * job's rate limits (a limiter the executor's tasks hand on to each other, so that starting a task
 * grants no new burst), retries with backoff, and — with a cache directory — the partition's cache
 * shard {@code <dir>/rerank-<partitions>/part-<index>}, loaded when the task starts and refreshed
 * from the file before every call, so a retried or speculative attempt of the partition, on any
 * executor, pays for no answer an earlier or concurrent attempt already wrote.
 */
final class RerankTask implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;
  private static final Duration MAX_GRACE = Duration.ofSeconds(30);

  /** What a task does with each row. */
  enum Work {
    /** Rerank the case (with its written profile when it still fits). */
    RERANK,
    /** Write the user's profile. */
    PROFILES
  }

  private final Work work;
  private final SparkLlmConfig config;
  private final Broadcast<ServingModel> model;
  private final CaseRows rows;
  private final int partitions;
  private final long requestsPerMinute;
  private final long tokensPerMinute;

  RerankTask(
      Work work, SparkLlmConfig config, Broadcast<ServingModel> model, CaseRows rows, int partitions,
      long requestsPerMinute, long tokensPerMinute) {
    this.work = work;
    this.config = config;
    this.model = model;
    this.rows = rows;
    this.partitions = partitions;
    this.requestsPerMinute = requestsPerMinute;
    this.tokensPerMinute = tokensPerMinute;
  }

  /** The shard of the response cache that partition {@code index} of {@code partitions} uses. */
  static Path shard(String cacheDirectory, Work work, int partitions, int index) {
    return Path.of(cacheDirectory, (work == Work.RERANK ? "rerank-" : "profiles-") + partitions, "part-" + index);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    ServingModel served = model.value();
    LlmClient limited = ExecutorClients.borrowLimited(config, requestsPerMinute, tokensPerMinute);
    LlmClient client = client(partition, limited);
    Function<Row, Row> each = work == Work.RERANK ? row -> rerank(row, client, served) : row -> profile(row, client, served);
    ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), r -> {
      Thread t = new Thread(r, "agp-spark-p" + partition);
      t.setDaemon(true);
      return t;
    });
    Ordered rows = new Ordered(input, pool, each, 2 * config.concurrency());
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> {
        rows.close(grace());
        ExecutorClients.release(config, requestsPerMinute, tokensPerMinute, limited);
      });
    }
    return rows;
  }

  /** How long a failed or killed task lets its calls in flight finish: one attempt's timeout, at most 30 s. */
  private Duration grace() {
    return config.timeout().compareTo(MAX_GRACE) < 0 ? config.timeout() : MAX_GRACE;
  }

  private LlmClient client(int partition, LlmClient limited) {
    LlmClients.Builder b = LlmClients.builder(limited)
        .model(config.model())
        .maxAttempts(config.maxAttempts())
        .maxConcurrentCalls(config.concurrency());
    if (config.cacheDirectory() == null) {
      return b.build();
    }
    LlmResponseCache cache = LlmResponseCache.onDisk(shard(config.cacheDirectory(), work, partitions, partition));
    LlmClient stack = b.cache(cache).build();
    return request -> {
      cache.refresh();
      return stack.complete(request);
    };
  }

  /** One output row: a ranking, or the reason the input row is not a case. */
  private Row rerank(Row row, LlmClient client, ServingModel served) {
    UserCase user;
    try {
      user = rows.toCase(row);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CaseRows.invalid(rows.userOf(row), e.getMessage());
    }
    Metered metered = new Metered(client);
    if (rows.hasProfiles() && served.isAgp()) {
      AgpModel agp = served.agp(metered);
      UserProfile written = rows.profile(row, agp.profileKey(user));
      if (written != null) {
        return CaseRows.ranked(agp.rerank(user, written), metered.usage(), true);
      }
      return CaseRows.ranked(agp.rerank(user), metered.usage(), false);
    }
    Ranking ranking = served.reranker(metered).rerank(user);
    return CaseRows.ranked(ranking, metered.usage(), false);
  }

  /** One output row of the profile job: the profile, or why there is none. */
  private Row profile(Row row, LlmClient client, ServingModel served) {
    UserCase user;
    try {
      user = rows.toCase(row);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CaseRows.invalidProfile(rows.userOf(row), e.getMessage());
    }
    Metered metered = new Metered(client);
    AgpModel agp = served.agp(metered);
    ProfileKey key = agp.profileKey(user);
    try {
      return CaseRows.profiled(key, agp.profile(user), metered.usage(), null);
    } catch (LlmException e) {
      return CaseRows.profiled(key, null, metered.usage(), "the LLM failed: " + e.getMessage());
    }
  }

  /** Counts one user's calls. */
  private static final class Metered implements LlmClient {
    private final LlmClient delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cached = new AtomicInteger();
    private final AtomicLong input = new AtomicLong();
    private final AtomicLong output = new AtomicLong();

    Metered(LlmClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public LlmResponse complete(LlmRequest request) {
      calls.incrementAndGet();
      LlmResponse r = delegate.complete(request);
      if (r.cached()) {
        cached.incrementAndGet();
      }
      input.addAndGet(r.usage().inputTokens());
      output.addAndGet(r.usage().outputTokens());
      return r;
    }

    CaseRows.Usage usage() {
      return new CaseRows.Usage(calls.get(), cached.get(), input.get(), output.get());
    }
  }

  /**
   * Runs {@code work} on the pool for a window of input rows and hands the results back in input
   * order. The input iterator is read on the task's thread only.
   */
  static final class Ordered implements Iterator<Row> {
    private final Iterator<Row> input;
    private final ExecutorService pool;
    private final Function<Row, Row> work;
    private final int window;
    private final ArrayDeque<Future<Row>> pending = new ArrayDeque<>();

    Ordered(Iterator<Row> input, ExecutorService pool, Function<Row, Row> work, int window) {
      this.input = input;
      this.pool = pool;
      this.work = work;
      this.window = window;
    }

    private void fill() {
      while (pending.size() < window && input.hasNext()) {
        Row row = input.next();
        pending.add(pool.submit(() -> work.apply(row)));
      }
    }

    @Override
    public boolean hasNext() {
      fill();
      if (pending.isEmpty()) {
        pool.shutdown();
        return false;
      }
      return true;
    }

    /**
     * Ends the task's work: rows not started are dropped; calls in flight may finish within {@code
     * grace} — so that the answers they pay for reach the cache even when the task failed (a lost
     * shuffle block, a killed speculative copy) — then the pool is interrupted.
     */
    void close(Duration grace) {
      for (Future<Row> f : pending) {
        f.cancel(false);
      }
      pending.clear();
      pool.shutdown();
      boolean interrupted = Thread.interrupted(); // a killed task still lets its paid calls land
      try {
        if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        interrupted = true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Future<Row> f = pending.poll();
      Row row = await(f);
      fill();
      return row;
    }

    private static Row await(Future<Row> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the task was interrupted while reranking", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }
}
