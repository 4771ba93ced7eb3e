package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradient descent whose every trial step, from its learning rate halved 60 times, is still too
 * long to decrease the objective: the fit never leaves its start, and its message says so and
 * names the remedies. It blamed "the backend's precision", on the float64 reference too.
 */
class StepTooLongTest {
  private static Dataset data() {
    Random rnd = new Random(3);
    int n = 200;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = (float) rnd.nextGaussian();
      }
      y[i] = x[i][0] - x[i][1] + rnd.nextGaussian() > 0 ? 1 : 0;
    }
    return Dataset.of(x, y);
  }

  @Test
  void aLearningRateFarTooLargeIsNamedNotThePrecision() {
    FitResult r = Descent.logistic().l2(0.01).backend("reference").optimizer("gd")
        .learningRate(1e25).train(data(), null);
    assertEquals(StopReason.STALLED, r.stopReason(), r.message());
    assertFalse(r.converged(), r.message());
    assertTrue(r.message().contains("objective not improving from the start (no step of the"
        + " line search's 61, from the learning rate 1.00e+25 halved each time, decreased"
        + " it: lower learningRate(...) or raise lineSearch(...))"), r.message());
    assertFalse(r.message().contains("precision"), r.message());
    // The same fit with a budget that reaches a step short enough converges.
    FitResult more = Descent.logistic().l2(0.01).backend("reference").optimizer("gd")
        .learningRate(1e25).lineSearch(100).train(data(), null);
    assertTrue(more.converged(), more.message());
  }

  /** n rows of three classes (row i of class i mod 3), one feature shifted by the class. */
  static Dataset threeClasses(int n) {
    Random rnd = new Random(4);
    double[][] x = new double[n][2];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      x[i][0] = labels[i] + rnd.nextGaussian();
      x[i][1] = rnd.nextGaussian();
    }
    return Dataset.ofClasses(x, labels);
  }

  @Test
  void eachOneVsRestModelSaysSoToo() {
    OneVsRest fit = Descent.logistic().oneVsRest().l2(0.1).backend("reference")
        .optimizer("gd").learningRate(1e25).trainOneVsRest(threeClasses(150), null);
    for (LockstepFit.ModelResult m : fit.fit().models()) {
      assertTrue(m.message().contains("objective not improving from the start"), m.message());
      assertFalse(m.message().contains("precision"), m.message());
    }
  }
}
