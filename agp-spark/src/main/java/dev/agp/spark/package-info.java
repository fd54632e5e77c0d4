/**
 * AGP and RPP as Apache Spark jobs, for tables of users larger than one machine serves.
 *
 * <ul>
 *   <li>{@link dev.agp.spark.RerankJob}: a table of cases in, a table of rankings out, through a
 *       saved {@code AgpModel} or {@code RppModel}; the LLM client of each executor built from a
 *       {@link dev.agp.spark.SparkLlmConfig} that names where the key is, never the key.
 *   <li>{@link dev.agp.spark.RerankJob#profiles}: an AGP model's profiles written ahead of traffic,
 *       which the reranking job then uses while they still fit the user's history and the model.
 *   <li>{@link dev.agp.spark.LeaveOneOutJob} and {@link dev.agp.spark.CandidateJob}: the evaluation's
 *       data step — the chronological leave-one-out split and the paper's candidate construction
 *       from an imported candidates table — in Spark SQL, with agp-eval's semantics.
 *   <li>{@link dev.agp.spark.AgpSparkJob}: the same from {@code spark-submit}.
 * </ul>
 */
@NullMarked
package dev.agp.spark;

import org.jspecify.annotations.NullMarked;
