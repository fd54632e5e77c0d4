/**
 * Loaders for the raw dataset files users already have: {@link dev.agp.eval.data.Datasets} reads
 * MovieLens (CSV, {@code .dat}, ml-100k), Amazon reviews (2014, 2018, 2023), the Yelp Open
 * Dataset and Goodreads into a {@link dev.agp.eval.data.Dataset} of interactions and titled
 * items, with a {@link dev.agp.eval.data.LoadReport} of everything skipped and why. Strictness is
 * set through {@link dev.agp.eval.data.LoadOptions}; a file that is not in its format fails with a
 * {@link dev.agp.eval.data.DatasetFormatException} naming the file and lines.
 */
@NullMarked
package dev.agp.eval.data;

import org.jspecify.annotations.NullMarked;
