/**
 * Spring Boot auto-configuration for the AGP SDK: {@link dev.agp.spring.AgpAutoConfiguration}
 * builds an {@link dev.agp.llm.LlmClient}, loads the model at {@code agp.model.location} as a
 * {@link dev.agp.CaseReranker} with a profile store and a deadline, and registers Micrometer metrics;
 * {@link dev.agp.spring.AgpProperties} lists the {@code agp.*} properties.
 */
@NullMarked
package dev.agp.spring;

import org.jspecify.annotations.NullMarked;
