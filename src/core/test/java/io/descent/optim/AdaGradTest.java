package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** AdaGrad against the update-rule contract. */
class AdaGradTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new AdaGrad();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    double s1 = g1 * g1;
    double x1 = -lr1 * g1 / (Math.sqrt(s1) + 1e-8);
    double s2 = s1 + g2 * g2;
    return x1 - lr2 * g2 / (Math.sqrt(s2) + 1e-8);
  }

  /** Its rates are in parameter units: scaled by the target's spread on raw regression data. */
  @Override
  protected double diabetesRate(double targetScale) {
    return newRule().defaultLearningRate() * targetScale;
  }

  @Test
  void stepsShrinkLikeOneOverRootT() {
    UpdateRule rule = new AdaGrad();
    rule.reset(1);
    double[] x = {0};
    for (int k = 1; k <= 16; k++) {
      double before = x[0];
      rule.update(x, new double[] {3}, 1);
      assertEquals(-1 / Math.sqrt(k), x[0] - before, 1e-8, "step " + k);
    }
  }

  @Test
  void hyperparametersAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdaGrad(0));
    assertEquals("epsilon must be finite and > 0, got 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AdaGrad(Double.NaN));
    assertEquals(1e-8, new AdaGrad().epsilon());
    assertEquals(0.5, new AdaGrad().defaultLearningRate());
    assertEquals("AdaGrad[epsilon=1.0E-6]", new AdaGrad(1e-6).toString());
  }
}
