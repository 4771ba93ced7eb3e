package io.descent.train;

import io.descent.loss.Objective;
import io.descent.loss.SoftmaxShift;
import io.descent.optim.Point;
import java.util.function.UnaryOperator;

/**
 * The move OWL-QN makes after each step of a multinomial fit with L1 ({@link SoftmaxShift}):
 * every feature's class weights shifted to the exact minimizer of their penalty, the point's
 * value lowered by the penalty it saves and its smooth gradient changed by the L2 part only
 * (the data term and its gradient do not change under the shift).
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
      if (moved == null) {
        return p;
      }
      double saved = objective.penalty(x, parameters) + objective.l1Penalty(x, parameters)
          - objective.penalty(moved, parameters) - objective.l1Penalty(moved, parameters);
      double[] g = p.gradient().clone();
      for (int i = 0; i < g.length; i++) {
        g[i] += objective.l2() * (moved[i] - x[i]);
      }
      return new Point(moved, p.value() - saved, g);
    };
  }
}
