package io.descent.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact shift of a feature's class weights against a dense scan of the penalty. */
class SoftmaxShiftTest {
  @Test
  void theShiftIsTheMinimizerOfTheFeaturesPenalty() {
    Random r = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int classes = 2 + r.nextInt(6);
      double l1 = Math.pow(10, -3 * r.nextDouble());
      double l2 = trial % 3 == 0 ? 0 : Math.pow(10, -3 * r.nextDouble());
      SoftmaxShift shift = new SoftmaxShift(classes, 2, l1, l2);
      double[] v = new double[classes];
      for (int k = 0; k < classes; k++) {
        v[k] = r.nextGaussian() + (trial % 2 == 0 ? 1.5 : 0);
      }
      double c = shift.best(v);
      double found = shift.penalty(v, c);
      // A dense scan over the breakpoints' range finds nothing lower.
      double lo = -5;
      double hi = 5;
      for (int i = 0; i <= 20000; i++) {
        double t = lo + (hi - lo) * i / 20000;
        assertTrue(found <= shift.penalty(v, t) + 1e-12, "trial " + trial + " c " + c + " t "
            + t);
      }
      assertTrue(found <= shift.penalty(v, 0), "never worse than not moving");
    }
  }

  @Test
  void theMoveMakesExactZerosAndLeavesInterceptsAndCenteredWeightsAlone() {
    // Three classes, one feature (parameters 2: intercept, weight).
    SoftmaxShift shift = new SoftmaxShift(3, 2, 0.1, 0);
    double[] w = {0.7, 1.0, -0.3, 2.0, 0.2, 3.0};
    double[] shifts = new double[1];
    double[] moved = shift.move(w, shifts);
    // The L1 optimum of |1 + c| + |2 + c| + |3 + c| is c = -2 (the median): an exact zero.
    assertEquals(-2.0, shifts[0], 0.0);
    assertEquals(0.7, moved[0], 0.0);
    assertEquals(-0.3, moved[2], 0.0);
    assertEquals(0.2, moved[4], 0.0);
    assertEquals(-1.0, moved[1], 0.0);
    assertEquals(0.0, moved[3], 0.0);
    assertEquals(1.0, moved[5], 0.0);
    assertNull(shift.move(moved, shifts), "already at the minimizer");
  }
}
