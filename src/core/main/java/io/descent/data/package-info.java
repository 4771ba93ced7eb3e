/**
 * Data in: CSV files to {@link io.descent.data.Dataset}s, standardization, splits and row orders.
 *
 * <p>{@link io.descent.data.CsvReader} reads a CSV file with a header into a float32 row-major
 * {@link io.descent.data.Dataset}, streaming, and reports every problem in the input as a {@link
 * io.descent.data.DataFormatException} whose message is {@code FILE:LINE:COLUMN: what is wrong}.
 * It reads through {@link io.descent.data.CsvRows}, which also serves the rows one at a time, for
 * work that keeps none (predictions in constant memory). A classification target's original
 * labels are {@link io.descent.data.BinaryLabels} (two classes, 0 and 1) or {@link
 * io.descent.data.ClassLabels} (two or more, coded 0..C-1 in a stable order).
 * {@link io.descent.data.Standardization} centres and scales features; {@link
 * io.descent.data.Split} divides rows into training and held-out sets, seeded or from index
 * files; {@link io.descent.data.Shuffle} gives the seeded row order of each epoch. Rows may
 * carry weights ({@link io.descent.data.Dataset#withWeights}, a CSV weight column), which
 * {@link io.descent.data.ClassWeights} multiplies by class; the standardization is then weighted.
 * {@link io.descent.data.DatasetCache} keeps a checked binary copy of each parsed file, keyed by
 * the file's identity and the reading options, so that a rerun loads it instead of parsing.
 *
 * <p>Everything here is deterministic for a given seed, and nothing prints.
 */
package io.descent.data;
