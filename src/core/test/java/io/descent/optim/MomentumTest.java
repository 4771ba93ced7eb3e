package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Heavy-ball momentum against the update-rule contract. */
class MomentumTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new Momentum();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    double v1 = -lr1 * g1;
    double v2 = 0.9 * v1 - lr2 * g2;
    return v1 + v2;
  }

  @Test
  void zeroMomentumIsPlainSgd() {
    Quadratic q = Quadratic.rotated(5, 10, 31);
    UpdateRule momentum = new Momentum(0);
    UpdateRule sgd = new Sgd();
    momentum.reset(5);
    sgd.reset(5);
    double[] a = new double[5];
    double[] b = new double[5];
    for (int k = 0; k < 20; k++) {
      momentum.update(a, q.gradient(a), 0.3);
      sgd.update(b, q.gradient(b), 0.3);
    }
    assertArrayEquals(b, a, 0.0);
  }

  @Test
  void hyperparametersAreChecked() {
    for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Momentum(bad));
      assertEquals("momentum must be in [0, 1), got " + bad, e.getMessage());
    }
    assertEquals(0.9, new Momentum().momentum());
    assertEquals(0.05, new Momentum().defaultLearningRate());
    assertEquals("Momentum[momentum=0.8]", new Momentum(0.8).toString());
  }
}
