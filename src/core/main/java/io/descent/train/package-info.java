/**
 * The training loop ({@link io.descent.train.Trainer}): verification against the reference
 * ({@link io.descent.train.Verifier}), separability detection, warm starts from a model's weights
 * ({@link io.descent.train.WarmStart}), and the gradient check behind {@code descent gradcheck}.
 *
 * <p>Inside, in small package-private pieces: {@code BackendChain} (the auto order, fallback to
 * the next backend when one fails, the float64 finish's backend; {@code ChosenBackend} stands on
 * it for the lockstep fits), {@code Fit} (one fit's parameters, evaluations, judgement in float64
 * and report), the regimes {@code FullBatchLoop} and {@code MiniBatchLoop}, and {@code
 * StoppingRules} (gradient norm, objective change, stall, cap, divergence, early stop,
 * separation), each a small object the loops consult.
 *
 * <p>Many models at once: {@link io.descent.train.LockstepFit} advances any number of models
 * (groups of {@link io.descent.gradient.Columns}), each with its own optimizer run, penalty and
 * standardization ({@link io.descent.train.StandardizationMap}), so that one batched evaluation
 * serves every model still running; {@link io.descent.train.CrossValidation} (k folds x L2
 * penalties) and {@link io.descent.train.OneVsRest} (C binary models) stand on it.
 */
package io.descent.train;
