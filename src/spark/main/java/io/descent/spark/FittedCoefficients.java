package io.descent.spark;

/**
 * One fitted model in Spark's terms, on the raw (unstandardized) features.
 *
 * @param coefficients {@code classes x d}, row-major (one row for linear and binomial models)
 * @param intercepts one per row of coefficients
 * @param classes rows of coefficients: 1, or C for a multinomial model
 * @param numClasses the classes of a classifier (2 for binomial), 0 for a regression
 * @param summary how the fit ran
 */
record FittedCoefficients(double[] coefficients, double[] intercepts, int classes,
    int numClasses, DescentTrainingSummary summary) implements java.io.Serializable {}
