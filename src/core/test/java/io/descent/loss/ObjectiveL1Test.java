package io.descent.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The L1 part of the objective: its value, the KKT violation and the nonzero count. */
class ObjectiveL1Test {
  /** Two columns (a multinomial model's classes) of d = 2: entries 0 and 3 are intercepts. */
  private static final int P = 3;

  @Test
  void l1PenaltySkipsEveryIntercept() {
    Objective o = new Objective(Loss.MULTINOMIAL, 0, 0.5);
    double[] w = {10, -1, 2, -20, 0, 3};
    assertEquals(0.5 * (1 + 2 + 0 + 3), o.l1Penalty(w, P));
    assertEquals(0, new Objective(Loss.LINEAR, 1).l1Penalty(w, P));
    assertEquals(3, Objective.nonzero(w, P));
  }

  @Test
  void kktViolationFollowsTheDatasetsReadme() {
    Objective o = new Objective(Loss.MULTINOMIAL, 0, 0.5);
    double[] w = {1, 2, 0, 1, -1, 0};
    double[] g = {1e-3, -0.5 + 1e-4, 0.4, -2e-3, 0.5, -0.7};
    // |g_b| for intercepts; |g + l1 sign w| on the support; max(0, |g| - l1) off it.
    assertArrayEquals(new double[] {1e-3, 1e-4, 0, -2e-3, 0, -0.2},
        o.subgradient(w, g, P), 1e-15);
    assertEquals(0.2, o.kktViolation(w, g, P), 1e-15);
    // Without L1 it is the gradient's max-norm.
    assertEquals(0.7, new Objective(Loss.LINEAR, 0.1).kktViolation(w, g, P), 0);
  }

  @Test
  void twoArgumentConstructorHasNoL1AndStrengthsAreChecked() {
    assertEquals(0, new Objective(Loss.LINEAR, 0.1).l1());
    assertThrows(IllegalArgumentException.class, () -> new Objective(Loss.LINEAR, 0, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new Objective(Loss.LINEAR, 0, Double.NaN));
  }

  @Test
  void sparkParametersMapToTheTwoStrengths() {
    ElasticNet e = ElasticNet.spark(0.2, 0.25);
    assertEquals(0.05, e.l1(), 1e-17);
    assertEquals(0.15, e.l2(), 1e-16);
    assertEquals(new ElasticNet(0.3, 0), ElasticNet.spark(0.3, 1));
    assertThrows(IllegalArgumentException.class, () -> ElasticNet.spark(0.1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> ElasticNet.spark(-0.1, 0.5));
  }
}
