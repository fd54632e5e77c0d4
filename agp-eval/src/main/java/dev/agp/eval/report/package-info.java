/**
 * Report files of an experiment: {@link dev.agp.eval.report.ExperimentReport} writes the Markdown
 * table, a versioned JSON document, CSVs per method and per user, and PNG charts (methods with
 * intervals, AGP's validation score per epoch, the ablation grid) drawn with XChart.
 */
@NullMarked
package dev.agp.eval.report;

import org.jspecify.annotations.NullMarked;
