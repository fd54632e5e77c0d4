/**
 * Micrometer metrics for the AGP SDK: {@link dev.agp.micrometer.AgpMetrics} turns the SDK's LLM
 * call events ({@link dev.agp.llm.LlmCallEvent}) and serving events ({@link dev.agp.ServingEvent})
 * into counters and timers tagged by stage, model and method. No Spring needed; the {@code
 * agp-spring-boot-starter} registers it when Micrometer is present.
 */
@NullMarked
package dev.agp.micrometer;

import org.jspecify.annotations.NullMarked;
