/**
 * The training loop ({@link io.descent.train.Trainer}): stopping rules, verification against the
 * reference ({@link io.descent.train.Verifier}), separability and divergence detection, backend
 * fallback, warm starts from a model's weights ({@link io.descent.train.WarmStart}), and the
 * gradient check behind {@code descent gradcheck}.
 *
 * <p>Many models at once: {@link io.descent.train.LockstepFit} advances any number of models
 * (groups of {@link io.descent.gradient.Columns}), each with its own optimizer run, penalty and
 * standardization ({@link io.descent.train.StandardizationMap}), so that one batched evaluation
 * serves every model still running; {@link io.descent.train.CrossValidation} (k folds x L2
 * penalties) and {@link io.descent.train.OneVsRest} (C binary models) stand on it.
 */
package io.descent.train;
