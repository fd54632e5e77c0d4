package dev.agp.benchmarks;

import dev.agp.eval.data.Datasets;
import dev.agp.examples.Catalogue;
import dev.agp.examples.SampleData;
import dev.agp.examples.SimulatedLlm;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Serves the simulated LLM (on the bundled MovieLens catalogue) as an OpenAI-compatible endpoint
 * on loopback until killed, for trying {@code agp run --backend compatible} without a model:
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.ServeSimulated [latency-ms]
 * </pre>
 *
 * It prints the base URL (a free port) on its first line. Answers report token usage as a real
 * server does; each waits {@code latency-ms} (default 0).
 */
public final class ServeSimulated {

  private ServeSimulated() {}

  /**
   * Starts the server and waits until the process is stopped.
   *
   * @param args an optional latency in milliseconds
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    long latency = args.length > 0 ? Long.parseLong(args[0]) : 0;
    SimulatedLlm llm = SimulatedLlm.of(Catalogue.of(Datasets.movieLens(SampleData.movieLens()).items().values()), "movie");
    LatencyServer server = LatencyServer.start(llm, LatencyServer.Latency.fixed(Duration.ofMillis(latency)), 0, 42);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println(server.baseUrl());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
