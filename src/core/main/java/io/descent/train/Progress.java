package io.descent.train;

/**
 * One row of training history: after each iteration (full-batch) or epoch (mini-batch).
 *
 * @param iteration iterations (full-batch) or update steps (mini-batch) so far
 * @param epoch epochs so far (0 for full-batch)
 * @param objective the full training objective (data loss + penalty)
 * @param gradientNorm the Euclidean norm of the full gradient; with an L1 penalty, of its
 *     minimum-norm subgradient ({@link io.descent.loss.Objective#subgradient}), which is 0 at
 *     the optimum
 * @param stepSize the accepted line-search step, or the learning rate
 * @param elapsedSeconds since training started
 * @param validationLoss the mean loss on the validation rows, NaN without a validation split
 */
public record Progress(int iteration, int epoch, double objective, double gradientNorm,
    double stepSize, double elapsedSeconds, double validationLoss) {}
