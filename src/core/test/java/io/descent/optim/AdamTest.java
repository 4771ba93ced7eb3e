package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Adam against the update-rule contract. */
class AdamTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new Adam();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    double m1 = 0.1 * g1;
    double v1 = 0.001 * g1 * g1;
    double x1 = -lr1 * (m1 / 0.1) / (Math.sqrt(v1 / 0.001) + 1e-8);
    double m2 = 0.9 * m1 + 0.1 * g2;
    double v2 = 0.999 * v1 + 0.001 * g2 * g2;
    return x1 - lr2 * (m2 / (1 - 0.9 * 0.9)) / (Math.sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
  }

  /**
   * With a constant rate it wanders within about lr of x*: halve every 2000 steps. (Faster decay
   * stalls it in the rotated valley before it arrives.)
   */
  @Override
  protected LearningRateSchedule quadraticSchedule() {
    return LearningRateSchedule.step(20, 0.5);
  }

  /** Its rates are in parameter units: scaled by the target's spread on raw regression data. */
  @Override
  protected double diabetesRate(double targetScale) {
    return newRule().defaultLearningRate() * targetScale;
  }

  @Test
  void biasCorrectionMakesTheFirstStepLrWhateverTheGradientScale() {
    // Up to eps / |g|, which is 1e-5 for the smallest gradient here.
    for (double g : new double[] {1e-3, 1, 1e6}) {
      UpdateRule rule = new Adam();
      rule.reset(1);
      double[] x = {0};
      rule.update(x, new double[] {g}, 0.01);
      assertEquals(-0.01, x[0], 2e-7, "gradient " + g);
    }
  }

  @Test
  void hyperparametersAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Adam(1, 0.999, 1e-8));
    assertEquals("beta1 must be in [0, 1), got 1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, -0.5, 1e-8));
    assertEquals("beta2 must be in [0, 1), got -0.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 0));
    assertEquals("epsilon must be finite and > 0, got 0.0", e.getMessage());
    Adam adam = new Adam();
    assertEquals(0.9, adam.beta1());
    assertEquals(0.999, adam.beta2());
    assertEquals(1e-8, adam.epsilon());
    assertEquals(0.01, adam.defaultLearningRate());
    assertEquals("Adam[beta1=0.8, beta2=0.99, epsilon=1.0E-7]",
        new Adam(0.8, 0.99, 1e-7).toString());
  }
}
