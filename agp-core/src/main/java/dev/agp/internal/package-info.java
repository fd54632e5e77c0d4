/**
 * Internal helpers shared by {@code dev.agp} and {@code dev.agp.rpp}: seeded streams, JSON
 * documents and atomic writes, stage-configured LLM calls, prompt blocks, binary NDCG. Not part
 * of the API: may change in any release without notice.
 */
@NullMarked
package dev.agp.internal;

import org.jspecify.annotations.NullMarked;
