package io.descent.train;

import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GramBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import java.util.function.BooleanSupplier;

/**
 * Elastic-net fits of the linear loss by coordinate descent on the normal equations: glmnet's
 * "covariance updates", each step an exact minimization along one coordinate of the d x d
 * statistics ({@link GramBackend}), reading no row.
 *
 * <p>With H the data term's Hessian ({@link GramBackend#curvature()}, {@code A / S}) and g its
 * gradient at the current weights, a penalized weight j moves to {@code soft(H_jj w_j - g_j, l1)
 * / (H_jj + l2)} ({@code soft(z, t) = sign(z) max(|z| - t, 0)}: the l1 part is the soft
 * threshold, the l2 part is in the denominator, and a weight the threshold zeroes is exactly 0);
 * the intercept (unpenalized) moves to {@code w_0 - g_0 / H_00}. The intercept is profiled out,
 * as glmnet centres the features whether it standardizes them or not: a weight's move by delta
 * moves the intercept by {@code -H_0j delta / H_00}, which keeps it at its optimum for the
 * weights, so the weights see the curvature of the centred statistics {@code U = H - H[:, 0]
 * H[0, :] / H_00} (without it, unstandardized features of a large mean couple every weight
 * through the intercept and the sweeps crawl). After a move, {@code g += U[:, j] delta}: O(d) per
 * move. As glmnet does, the fit alternates a sweep over every
 * coordinate (which admits new features) with sweeps over the active set (the intercept and
 * the nonzero weights) until no active move changes the gradient by more than a tenth of the
 * tolerance; then the gradient is computed afresh from the statistics ({@link
 * GramBackend#evaluateColumns}, no accumulated rounding) and the fit stops when the KKT
 * violation ({@link Objective#kktViolation}) passes the trainer's gradient test ({@link
 * GradientTest}: the same bound the OWL-QN fits of a path stop at), else sweeps every coordinate
 * again. The figures reported (objective, KKT violation) are those of that fresh evaluation.
 *
 * <p>What it does not do (OWL-QN does): losses other than the squared error, passes over the
 * rows (large d, or a device without float64 moments), folds (a cross-validation's groups each
 * have their own statistics) and mini-batches.
 */
final class GramCoordinateDescent {
  /**
   * An active-set phase ends when no move changed the gradient by more than this share of the
   * gradient test's bound: {@value}. Smaller only adds sweeps (each O(active x d)); larger
   * makes more fresh evaluations and full sweeps that find the violation still above the bound.
   */
  static final double ACTIVE_SHARE = 0.1;

  /**
   * One fit's outcome.
   *
   * @param theta the weights, intercept first, exact zeros where the soft threshold put them
   * @param objective data term plus both penalties at theta (fresh evaluation)
   * @param dataTerm the data term at theta
   * @param kktViolation the largest violation of the optimality condition at theta
   * @param converged whether the gradient (KKT) test holds at theta
   * @param stopReason why it stopped
   * @param message the stop with its figures
   * @param sweeps coordinate sweeps (full and active-set), the fit's iterations
   * @param evaluations fresh evaluations from the statistics
   */
  record Fit(double[] theta, double objective, double dataTerm, double kktViolation,
      boolean converged, StopReason stopReason, String message, int sweeps, int evaluations) {}

  private final GramBackend gram;
  /** H, and the centred U (its row 0 and column 0 zero), both row-major p x p. */
  private final double[] h;
  private final double[] u;
  /** The intercept's move per unit move of weight j: {@code -H_0j / H_00}. */
  private final double[] follow;
  private final int p;
  private final int maxSweeps;
  private final double tolerance;
  private final double scale;

  /**
   * A solver on the statistics of one set of rows.
   *
   * @param gram the normal equations (no folds)
   * @param maxSweeps the most sweeps per fit (the trainer's iteration cap)
   * @param tolerance the gradient test's relative tolerance
   * @param scale the gradient test's scale, the target's standard deviation ({@link
   *     GradientTest#targetScale})
   */
  GramCoordinateDescent(GramBackend gram, int maxSweeps, double tolerance, double scale) {
    this.gram = gram.select(Columns.of(Loss.LINEAR, 1));
    this.h = gram.curvature();
    this.p = gram.features() + 1;
    this.u = h.clone();
    this.follow = new double[p];
    double h00 = h[0];
    if (h00 > 0) {
      for (int j = 1; j < p; j++) {
        follow[j] = -h[j] / h00;
      }
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          u[j * p + k] = j == 0 || k == 0 ? 0 : h[j * p + k] + h[k * p] * follow[j];
        }
      }
    }
    this.maxSweeps = maxSweeps;
    this.tolerance = tolerance;
    this.scale = scale;
  }

  /**
   * Fits one penalty from a start.
   *
   * @param l1 the L1 strength
   * @param l2 the L2 strength
   * @param start the starting weights (d + 1, intercept first; not modified)
   * @param stop true when the fit should stop (checked between sweeps)
   */
  Fit fit(double l1, double l2, double[] start, BooleanSupplier stop) {
    Objective objective = new Objective(Loss.LINEAR, l2, l1);
    double[] w = start.clone();
    double[] g = new double[p];
    double[] score = evaluate(objective, w, g);
    int evaluations = 1;
    GradientTest test = new GradientTest(tolerance, Math.abs(score[0]), scale);
    boolean[] active = new boolean[p];
    int sweeps = 0;
    while (true) {
      double value = score[0];
      double violation = score[2];
      if (test.holdsFor(violation, value)) {
        return new Fit(w, value, score[1], violation, true, StopReason.GRADIENT_TOLERANCE,
            "converged: " + test.describeKkt(violation, value) + " (coordinate descent)", sweeps,
            evaluations);
      }
      if (stop.getAsBoolean() || sweeps >= maxSweeps) {
        StopReason reason = sweeps >= maxSweeps ? StopReason.MAX_ITERATIONS
            : StopReason.INTERRUPTED;
        return new Fit(w, value, score[1], violation, false, reason, reason.description() + ": "
            + test.describeKkt(violation, value) + " (coordinate descent)", sweeps, evaluations);
      }
      double small = ACTIVE_SHARE * test.bound(value);
      sweep(w, g, l1, l2, null, active);
      sweeps++;
      while (sweeps < maxSweeps && !stop.getAsBoolean()) {
        double moved = sweep(w, g, l1, l2, active, active);
        sweeps++;
        if (moved <= small) {
          break;
        }
      }
      newton(w, g, l1, l2);
      score = evaluate(objective, w, g);
      evaluations++;
    }
  }

  /**
   * The exact optimum on the current support, where it keeps every sign: with the nonzero
   * weights' signs fixed the objective is quadratic on them, so one Newton step, {@code (U_AA +
   * l2) delta = -(g_A + l2 w_A + l1 sign(w_A))}, lands on its minimum. Taken only when every
   * weight keeps its sign (else the support or a sign is still wrong, and the sweeps go on);
   * updates w (the intercept following) and g as a sweep does. Cyclic
   * sweeps over strongly correlated features close in on that point slowly (diabetes' lasso at
   * 0.23, all ten weights nonzero: 1000 sweeps left a KKT violation of 1.9e-6).
   */
  private void newton(double[] w, double[] g, double l1, double l2) {
    int[] a = java.util.stream.IntStream.range(1, p).filter(j -> w[j] != 0).toArray();
    int m = a.length;
    if (m == 0) {
      return;
    }
    double[] lhs = new double[m * m];
    double[] rhs = new double[m];
    for (int r = 0; r < m; r++) {
      int j = a[r];
      for (int c = 0; c < m; c++) {
        lhs[r * m + c] = u[j * p + a[c]] + (r == c ? l2 : 0);
      }
      rhs[r] = -(g[j] + l2 * w[j] + l1 * Math.signum(w[j]));
    }
    // Symmetric positive semidefinite: the normal equations' pivoted Cholesky, which leaves at 0
    // what a singular support cannot set (the step then minimizes over the rest).
    double[] delta = GramBackend.solve(lhs, rhs, m);
    for (int r = 0; r < m; r++) {
      double next = w[a[r]] + delta[r];
      if (!Double.isFinite(next) || Math.signum(next) != Math.signum(w[a[r]])) {
        return;
      }
    }
    for (int r = 0; r < m; r++) {
      int j = a[r];
      w[j] += delta[r];
      w[0] += follow[j] * delta[r];
      for (int k = 1; k < p; k++) {
        g[k] += u[j * p + k] * delta[r];
      }
    }
  }

  /**
   * One pass over the coordinates ({@code only} null: every one; else those it marks),
   * updating w and g in place and marking in {@code active} the intercept and every nonzero
   * weight. Returns the largest change of the gradient's own coordinate, {@code U_jj |delta|}.
   */
  private double sweep(double[] w, double[] g, double l1, double l2, boolean[] only,
      boolean[] active) {
    double moved = 0;
    for (int j = 0; j < p; j++) {
      if (only != null && !only[j]) {
        continue;
      }
      if (j == 0) {
        // The intercept to its optimum for the weights (it stays there as they move).
        double h00 = h[0];
        double delta = h00 > 0 ? -g[0] / h00 : 0;
        if (delta != 0) {
          w[0] += delta;
          for (int k = 0; k < p; k++) {
            g[k] += h[k * p] * delta;
          }
          moved = Math.max(moved, h00 * Math.abs(delta));
        }
        active[0] = true;
        continue;
      }
      int row = j * p;
      double uj = u[row + j];
      double denominator = uj + l2;
      double next = denominator > 0 ? soft(uj * w[j] - g[j], l1) / denominator : 0;
      double delta = next - w[j];
      if (delta != 0) {
        w[j] = next;
        w[0] += follow[j] * delta;
        for (int k = 1; k < p; k++) {
          g[k] += u[row + k] * delta;
        }
        moved = Math.max(moved, uj * Math.abs(delta));
      }
      active[j] = j == 0 || next != 0;
    }
    return moved;
  }

  /** {@code sign(z) max(|z| - t, 0)}, exactly 0 inside the threshold. */
  static double soft(double z, double t) {
    if (z > t) {
      return z - t;
    }
    if (z < -t) {
      return z + t;
    }
    return 0;
  }

  /**
   * Evaluates the data term and its gradient afresh at w (the gradient into g), and returns
   * the objective, the data term and the KKT violation.
   */
  private double[] evaluate(Objective objective, double[] w, double[] g) {
    BatchedEvaluation e = gram.evaluateColumns(w, Batch.all(gram.rows()));
    System.arraycopy(e.gradient(), 0, g, 0, p);
    double[] full = g.clone();
    objective.addPenaltyGradient(w, full, p);
    double data = e.loss()[0];
    double value = data + objective.penalty(w, p) + objective.l1Penalty(w, p);
    return new double[] {value, data, objective.kktViolation(w, full, p)};
  }
}
