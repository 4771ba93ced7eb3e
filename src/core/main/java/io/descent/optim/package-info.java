/**
 * Optimizers: full-batch methods stepped one iteration at a time, mini-batch update rules, and
 * learning-rate schedules. Nothing here knows about datasets or backends; the trainer adapts a
 * gradient backend to a {@link io.descent.optim.DifferentiableFunction} (full batch) or feeds
 * mini-batch gradients to an {@link io.descent.optim.UpdateRule}.
 *
 * <ul>
 *   <li>{@link io.descent.optim.FullBatchOptimizer}: {@link io.descent.optim.Lbfgs} (the default)
 *       and {@link io.descent.optim.GradientDescent}. {@code start(f, x0)} gives a
 *       {@link io.descent.optim.FullBatchOptimizer.Run}; each {@code iterate()} returns an
 *       {@link io.descent.optim.Iteration}, and never moves to a worse point.
 *   <li>{@link io.descent.optim.UpdateRule}: {@link io.descent.optim.Sgd},
 *       {@link io.descent.optim.Momentum}, {@link io.descent.optim.Nesterov},
 *       {@link io.descent.optim.AdaGrad}, {@link io.descent.optim.RmsProp},
 *       {@link io.descent.optim.Adam}, each citing its paper and defaults.
 *   <li>{@link io.descent.optim.LearningRateSchedule}: constant, step, exponential and inverse
 *       square root decay.
 *   <li>{@link io.descent.optim.OptimizerKind} and {@link io.descent.optim.ScheduleKind}: the
 *       command-line names and factories from optional {@link io.descent.optim.Hyperparameters}
 *       (the one place that maps a kind to its optimizer; each optimizer and schedule names
 *       itself with its {@code NAME} constant, which its kind reads).
 * </ul>
 *
 * <p>Gradients are {@code dJ/dtheta} throughout (see {@code io.descent.loss.Loss}), so every
 * method moves against them.
 */
package io.descent.optim;
