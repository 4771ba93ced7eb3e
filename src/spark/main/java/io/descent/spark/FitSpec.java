package io.descent.spark;

/**
 * What may differ between the models fitted in the same passes: the penalties and the stopping
 * rules.
 *
 * @param l2 the L2 strength (standardized weights, intercepts never penalized)
 * @param l1 the L1 strength
 * @param maxIterations the iteration cap
 * @param tolerance the gradient test's relative tolerance
 */
record FitSpec(double l2, double l1, int maxIterations, double tolerance) {}
