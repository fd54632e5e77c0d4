/**
 * agp-micrometer: Micrometer meters from the SDK's LLM call events and serving events
 * ({@code AgpMetrics}). Its API takes a Micrometer {@code MeterRegistry} and implements agp-core's
 * listeners, so both modules are read transitively.
 */
@SuppressWarnings("requires-transitive-automatic") // micrometer-core names its module in its manifest
module dev.agp.micrometer {
  requires transitive dev.agp.core;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.agp.micrometer;
}
