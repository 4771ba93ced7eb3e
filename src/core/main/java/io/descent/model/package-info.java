/**
 * A fitted model and what is done with it: predictions, metrics, and the model file.
 *
 * <ul>
 *   <li>{@link io.descent.model.LinearModel}: the immutable fitted model. It keeps the parameters
 *       the optimizer produced in standardized space, {@code theta = (b, w)} (one per class for a
 *       multinomial model), and derives the equivalent intercept and weights on the original
 *       features.
 *   <li>{@link io.descent.model.Metrics}: MSE, RMSE and R2 for regression; mean log loss, accuracy
 *       and ROC AUC for classification; multiclass log loss, accuracy and the {@link
 *       io.descent.model.MulticlassConfusion} for multinomial models; all from float64
 *       compensated sums.
 *   <li>{@link io.descent.model.ModelFile}: the JSON model file (format {@code descent-model},
 *       version 2; version 3 for multinomial and one-vs-rest models) with {@link io.descent.model.TrainingInfo} and a checksum of its content,
 *       written atomically and validated on reading ({@link io.descent.model.ModelFormatException}):
 *       a file changed after it was written is refused.
 *   <li>{@link io.descent.model.PredictionWriter}: predictions as CSV, written atomically, for a
 *       dataset or streamed from the rows of a CSV file in constant memory.
 * </ul>
 *
 * <p>Every file this package writes goes to a temporary file in the destination's directory first
 * and is then moved into place, so a failure never leaves a half-written file and never touches
 * an existing one.
 */
package io.descent.model;
