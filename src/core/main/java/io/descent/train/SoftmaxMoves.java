package io.descent.train;

import io.descent.loss.Objective;
import io.descent.loss.SoftmaxShift;
import io.descent.optim.Point;
import java.util.function.UnaryOperator;

/**
 * The move OWL-QN makes after each step of a multinomial fit with L1 ({@link SoftmaxShift}):
 * every feature's class weights shifted to the exact minimizer of their penalty, the point's
 * value lowered by the penalty it saves and its smooth gradient changed by the L2 part only
 * (the data term and its gradient do not change under the shift); and the class intercepts
 * centered on their mean, along the one direction the whole objective is flat in (a common
 * shift of every margin, unpenalized): without it a step's rounding there gave OWL-QN curvature
 * pairs whose steps moved along it and its gradients did not, and the intercepts ran off to
 * 1e8 in a few hundred iterations (a 300 x 12, 3-class elastic net then stalled), where centered
 * points keep every step off that direction.
 */
final class SoftmaxMoves {
  private SoftmaxMoves() {}

  /**
   * The move for a model of {@code classes} columns of {@code parameters} entries under the
   * objective's penalties, or null where none is needed (no L1, or not multinomial).
   */
  static UnaryOperator<Point> of(Objective objective, int classes, int parameters) {
    if (!objective.loss().coupled() || objective.l1() == 0 || classes < 2) {
      return null;
    }
    SoftmaxShift shift = new SoftmaxShift(classes, parameters, objective.l1(), objective.l2());
    int d = parameters - 1;
    return p -> {
      double[] x = p.x();
      double[] moved = shift.move(x, new double[d]);
      double[] from = moved != null ? moved : x;
      double mean = 0;
      for (int k = 0; k < classes; k++) {
        mean += from[k * parameters];
      }
      mean /= classes;
      if (mean != 0) {
        moved = moved != null ? moved : x.clone();
        for (int k = 0; k < classes; k++) {
          moved[k * parameters] -= mean;
        }
      }
      if (moved == null) {
        return p;
      }
      double saved = objective.penalty(x, parameters) + objective.l1Penalty(x, parameters)
          - objective.penalty(moved, parameters) - objective.l1Penalty(moved, parameters);
      double[] g = p.gradient().clone();
      for (int i = 0; i < g.length; i++) {
        if (Objective.penalized(i, parameters)) {
          g[i] += objective.l2() * (moved[i] - x[i]);
        }
      }
      return new Point(moved, p.value() - saved, g);
    };
  }
}
