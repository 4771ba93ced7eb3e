/**
 * The losses and the objective; {@link io.descent.loss.Loss} states the conventions (formulas,
 * gradient sign, unpenalized intercept) once for the whole project.
 */
package io.descent.loss;
