package dev.agp;

/**
 * Receives an event per served rerank request, for metrics (the {@code agp-micrometer} module
 * implements it) or logs. Called on the serving thread, after the answer is decided: keep it quick
 * and thread-safe. An exception it throws is logged and never reaches the caller.
 *
 * <p>LLM calls themselves are reported as {@link dev.agp.llm.LlmCallEvent}s by the {@link
 * dev.agp.llm.LlmUsageMeter} in front of the client ({@code LlmClients.Builder.meter}).
 */
@FunctionalInterface
public interface ServingListener {

  /**
   * A request was served.
   *
   * @param event what was returned, from which profile, how fast
   */
  void onServed(ServingEvent event);
}
