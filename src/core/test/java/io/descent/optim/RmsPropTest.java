package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** RMSProp against the update-rule contract. */
class RmsPropTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new RmsProp();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    double v1 = 0.1 * g1 * g1;
    double x1 = -lr1 * g1 / (Math.sqrt(v1) + 1e-8);
    double v2 = 0.9 * v1 + 0.1 * g2 * g2;
    return x1 - lr2 * g2 / (Math.sqrt(v2) + 1e-8);
  }

  /**
   * With a constant rate it settles only within about lr of x*, so the rate must fall below the
   * tolerance: halve every 1000 steps (to 0.01 / 2^20 = 1e-8 at the end).
   */
  @Override
  protected LearningRateSchedule quadraticSchedule() {
    return LearningRateSchedule.step(10, 0.5);
  }

  /** Its rates are in parameter units: scaled by the target's spread on raw regression data. */
  @Override
  protected double diabetesRate(double targetScale) {
    return newRule().defaultLearningRate() * targetScale;
  }

  @Test
  void firstStepIsLrOverRootOneMinusRho() {
    UpdateRule rule = new RmsProp(0.75, 1e-8);
    rule.reset(1);
    double[] x = {0};
    rule.update(x, new double[] {-123}, 0.01);
    assertEquals(0.01 / Math.sqrt(0.25), x[0], 1e-9);
  }

  @Test
  void hyperparametersAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RmsProp(1, 1e-8));
    assertEquals("rho must be in [0, 1), got 1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RmsProp(0.9, -1));
    assertEquals("epsilon must be finite and > 0, got -1.0", e.getMessage());
    assertEquals(0.9, new RmsProp().rho());
    assertEquals(1e-8, new RmsProp().epsilon());
    assertEquals(0.01, new RmsProp().defaultLearningRate());
    assertEquals("RmsProp[rho=0.95, epsilon=1.0E-7]", new RmsProp(0.95, 1e-7).toString());
  }
}
