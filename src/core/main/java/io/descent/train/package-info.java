/**
 * The training loop ({@link io.descent.train.Trainer}): stopping rules, verification against the
 * reference ({@link io.descent.train.Verifier}), separability and divergence detection, backend
 * fallback, warm starts from a model's weights ({@link io.descent.train.WarmStart}), and the
 * gradient check behind {@code descent gradcheck}.
 */
package io.descent.train;
