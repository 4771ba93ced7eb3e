package io.descent.gradient;

/**
 * What a backend returns: the mean data loss over a batch and its gradient with respect to
 * {@code theta = (b, w)} in standardized space, without the L2 penalty (see {@code Objective}).
 *
 * @param loss {@code (1/|B|) sum_{i in B} L(m_i, y_i)}
 * @param gradient {@code dLoss/dtheta}, length d + 1, intercept first
 */
public record Evaluation(double loss, double[] gradient) {}
