/**
 * agp-core: learned-prompt LLM reranking (AGP, RPP/RPP+) behind a one-method LLM port.
 *
 * <p>Exports the API packages {@link dev.agp} (the AGP pipeline, its entry point {@code
 * AgpOptimizer} and serving), {@link dev.agp.llm} (the LLM port, the client stack, usage and
 * cost) and {@link dev.agp.rpp} (RPP/RPP+). The prompt machinery ({@code dev.agp.prompt}) and the
 * shared helpers ({@code dev.agp.internal}) are exported only to the SDK's modules that use them;
 * an application cannot reach them. (agp-spark uses them too, on the class path: Spark runs only
 * there, so it is not among the friends.) The API packages and the internals holding saved
 * documents are open to Jackson, which reads and writes models, checkpoints and the response
 * cache.
 */
@SuppressWarnings("module") // the friends of the qualified exports are built after this module
module dev.agp.core {
  requires com.fasterxml.jackson.databind;
  requires com.google.common;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.agp;
  exports dev.agp.llm;
  exports dev.agp.rpp;
  exports dev.agp.prompt to
      dev.agp.eval;
  exports dev.agp.internal to
      dev.agp.eval,
      dev.agp.langchain4j;

  opens dev.agp to
      com.fasterxml.jackson.databind;
  opens dev.agp.llm to
      com.fasterxml.jackson.databind;
  opens dev.agp.rpp to
      com.fasterxml.jackson.databind;
  opens dev.agp.internal to
      com.fasterxml.jackson.databind;
}
