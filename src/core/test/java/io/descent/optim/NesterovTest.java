package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Nesterov momentum against the update-rule contract and PyTorch's formulation. */
class NesterovTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new Nesterov();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    double v1 = -lr1 * g1;
    double x1 = 0.9 * v1 - lr1 * g1;
    double v2 = 0.9 * v1 - lr2 * g2;
    return x1 + 0.9 * v2 - lr2 * g2;
  }

  /**
   * With a constant rate, the same iterates as PyTorch's {@code SGD(nesterov=True)}:
   * {@code b <- mu b + g; x <- x - lr (g + mu b)}.
   */
  @Test
  void matchesPyTorchFormulationAtConstantRate() {
    Quadratic q = Quadratic.rotated(6, 30, 32);
    double lr = 0.2;
    double mu = 0.9;
    UpdateRule rule = new Nesterov(mu);
    rule.reset(6);
    double[] x = new double[6];
    double[] y = new double[6];
    double[] buf = new double[6];
    for (int k = 0; k < 50; k++) {
      double[] gy = q.gradient(y);
      for (int i = 0; i < 6; i++) {
        buf[i] = mu * buf[i] + gy[i];
        y[i] -= lr * (gy[i] + mu * buf[i]);
      }
      rule.update(x, q.gradient(x), lr);
      assertArrayEquals(y, x, 1e-12, "step " + k);
    }
  }

  @Test
  void hyperparametersAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Nesterov(1.5));
    assertEquals("momentum must be in [0, 1), got 1.5", e.getMessage());
    assertEquals(0.9, new Nesterov().momentum());
    assertEquals(0.05, new Nesterov().defaultLearningRate());
    assertEquals("Nesterov[momentum=0.95]", new Nesterov(0.95).toString());
  }
}
