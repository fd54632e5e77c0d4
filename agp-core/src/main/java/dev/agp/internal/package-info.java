/**
 * Internal helpers shared by {@code dev.agp} and {@code dev.agp.rpp}: seeded streams, JSON
 * documents and atomic writes, stage-configured LLM calls, binary NDCG. Not part of the API:
 * agp-core's module exports it only to the SDK's own modules that need it; it may change in any
 * release without notice.
 */
@NullMarked
package dev.agp.internal;

import org.jspecify.annotations.NullMarked;
