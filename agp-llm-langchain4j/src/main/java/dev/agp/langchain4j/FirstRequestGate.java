package dev.agp.langchain4j;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Lets the first request of a JVM go ahead alone until its body is written, then lets every other
 * request through.
 *
 * <p>The first request through LangChain4j's OpenAI client loads and initialises its JSON mapping
 * (several hundred Jackson classes and the serializers of the request types, all kept for the
 * life of the JVM) and the JDK HTTP client's exchange classes. A fit starts with a whole round of
 * requests at once: without this gate every one of them builds the same serializers at the same
 * time on a machine with few cores, and the whole round waits for the slowest. Measured on 2
 * cores with 20 concurrent first requests and 100 ms of server latency, the round ended about
 * 0.1 s sooner when the others started after the first request's body was written (BENCHMARKS.md,
 * section 1). After that first request the gate costs one volatile read per request.
 *
 * <p>While that first request waits for its answer, a daemon thread reads one canned answer
 * through a twin of the client that never touches the network ({@link #whileWaiting}), so that
 * the answer-side mapping is ready when the round's answers arrive instead of being built then,
 * with every answer of the round waiting on it.
 *
 * <p>The others wait at most {@link #MOST_WAIT_MS} (for {@link #JVM}) for it: a first request that is held up before
 * its body is written (a listener that blocks, say) delays nobody for longer than that. The gate
 * opens for good when the first request's body is handed to the HTTP client, or when that request
 * ends in any way before it got there.
 */
final class FirstRequestGate {

  /** Longest wait for the first request, in milliseconds. */
  static final long MOST_WAIT_MS = 2_000;

  /**
   * The gate of the clients {@link LlmBackends} builds: one per JVM, since what the first request
   * initialises (LangChain4j's JSON mapper and its serializers) is held in static fields.
   */
  static final FirstRequestGate JVM = new FirstRequestGate(MOST_WAIT_MS, CannedAnswer::readOne);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FirstRequestGate.class);

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean opened = new AtomicBoolean();
  private final CountDownLatch open = new CountDownLatch(1);
  private final long mostWaitMs;
  private final @Nullable Runnable whileWaiting;

  FirstRequestGate(long mostWaitMs) {
    this(mostWaitMs, null);
  }

  /**
   * @param whileWaiting run once on a daemon thread when the gate opens (its failure is logged at
   *     DEBUG and changes nothing else), or null
   */
  FirstRequestGate(long mostWaitMs, @Nullable Runnable whileWaiting) {
    this.mostWaitMs = mostWaitMs;
    this.whileWaiting = whileWaiting;
  }

  /**
   * Called before a request: returns true for the first request, which must call {@link #open()}
   * when its body is written or it ends; the others return false, after the gate opened or the
   * wait ran out.
   */
  boolean enter() {
    if (open.getCount() == 0) {
      return false;
    }
    if (started.compareAndSet(false, true)) {
      return true;
    }
    try {
      open.await(mostWaitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the request itself then reports the interrupt
    }
    return false;
  }

  /** Opens the gate (again is harmless). */
  void open() {
    if (!opened.compareAndSet(false, true)) {
      return;
    }
    open.countDown();
    if (whileWaiting != null) {
      Thread t = new Thread(() -> {
        try {
          whileWaiting.run();
        } catch (RuntimeException e) {
          LOG.debug("Reading a canned answer to prepare the answer mapping failed; the first answers prepare it", e);
        }
      }, "agp-llm-answer-mapping");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Whether the gate is open. */
  boolean isOpen() {
    return open.getCount() == 0;
  }
}
