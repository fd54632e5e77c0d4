package dev.agp.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class RerankTaskTest {

  private static Iterator<Row> rows(int n) {
    return IntStream.range(0, n).mapToObj(i -> RowFactory.create("u" + i)).iterator();
  }

  @Test
  void ordered_workFinishingInAnyOrder_comesBackInInputOrder() {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    RerankTask.Ordered ordered = new RerankTask.Ordered(rows(40), pool, row -> {
      sleep((31L * row.getString(0).hashCode()) & 15);
      return row;
    }, 8);

    List<String> out = new ArrayList<>();
    ordered.forEachRemaining(r -> out.add(r.getString(0)));

    assertThat(out).containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "u" + i).toList());
    assertThat(pool.isShutdown()).isTrue();
  }

  @Test
  void close_callsInFlightFinishAndRowsNotStartedAreDropped() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    List<String> finished = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch twoRunning = new CountDownLatch(2);
    CountDownLatch answer = new CountDownLatch(1);
    RerankTask.Ordered ordered = new RerankTask.Ordered(rows(10), pool, row -> {
      started.add(row.getString(0));
      twoRunning.countDown();
      try {
        answer.await(); // a call in flight until the test lets it answer
      } catch (InterruptedException e) {
        throw new IllegalStateException("interrupted before answering", e);
      }
      finished.add(row.getString(0));
      return row;
    }, 6);
    ordered.hasNext();
    twoRunning.await(10, TimeUnit.SECONDS);
    Thread answering = new Thread(() -> {
      sleep(200);
      answer.countDown();
    });
    answering.start();

    Thread.currentThread().interrupt(); // as when Spark kills the task
    ordered.close(Duration.ofSeconds(10));

    assertThat(Thread.interrupted()).as("the interrupt is kept for Spark").isTrue();
    assertThat(finished).containsExactlyInAnyOrder("u0", "u1");
    assertThat(started).containsExactlyInAnyOrder("u0", "u1");
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void borrowLimited_releasedLimiter_isHandedToTheNextTaskNotRebuilt() {
    SparkLlmConfig config = SparkLlmConfig.compatible("http://127.0.0.1:9/v1", "limiter-test").build();

    dev.agp.llm.LlmClient first = ExecutorClients.borrowLimited(config, 600, 0);
    dev.agp.llm.LlmClient second = ExecutorClients.borrowLimited(config, 600, 0);
    ExecutorClients.release(config, 600, 0, first);
    dev.agp.llm.LlmClient third = ExecutorClients.borrowLimited(config, 600, 0);
    dev.agp.llm.LlmClient otherShare = ExecutorClients.borrowLimited(config, 300, 0);

    assertThat(second).as("two tasks at once, two limiters").isNotSameAs(first);
    assertThat(third).as("the next task takes over the bucket").isSameAs(first);
    assertThat(otherShare).isNotSameAs(first).isNotSameAs(second);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
