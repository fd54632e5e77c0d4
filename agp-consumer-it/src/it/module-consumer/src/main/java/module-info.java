/** An application that reranks with AGP, as a named module. */
module com.example.modular {
  requires dev.agp.core;

  exports com.example.modular;
}
