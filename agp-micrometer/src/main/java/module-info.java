/**
 * agp-micrometer: Micrometer meters from the SDK's LLM call events and serving events
 * ({@code AgpMetrics}). Its API takes a Micrometer {@code MeterRegistry} and implements agp-core's
 * listeners, so both modules are read transitively.
 */
// micrometer-core names its module in its manifest (Automatic-Module-Name), not in a descriptor
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.agp.micrometer {
  requires transitive dev.agp.core;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.agp.micrometer;
}
