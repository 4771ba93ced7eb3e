package io.descent.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The per-row losses at the extremes, where naive formulas overflow or cancel. */
class LossTest {
  @Test
  void logisticLossOfAConfidentRightAnswerIsTinyNotZero() {
    assertEquals(Math.exp(-40), Loss.LOGISTIC.value(40, 1), 1e-30);
    assertEquals(Math.exp(-40), Loss.LOGISTIC.value(-40, 0), 1e-30);
  }

  @Test
  void logisticLossOfAConfidentWrongAnswerIsTheMarginNotInfinity() {
    assertEquals(1000, Loss.LOGISTIC.value(1000, 0), 1e-12);
    assertEquals(1000, Loss.LOGISTIC.value(-1000, 1), 1e-12);
    assertEquals(1.0, Loss.LOGISTIC.residual(1000, 0), 0.0);
    assertEquals(-1.0, Loss.LOGISTIC.residual(-1000, 1), 0.0);
  }

  @Test
  void logisticResidualOfAConfidentRightAnswerKeepsItsRelativeAccuracy() {
    // sigmoid(30) - 1 would cancel to the rounding error of sigmoid(30): 1e-3 of the answer.
    double exact = -1 / (1 + Math.exp(30));
    assertEquals(exact, Loss.LOGISTIC.residual(30, 1), Math.abs(exact) * 1e-15);
    assertEquals(-exact, Loss.LOGISTIC.residual(-30, 0), Math.abs(exact) * 1e-15);
  }

  @Test
  void curvatureIsOneForSquaredErrorAndSigmoidTimesItsComplementForLogLoss() {
    assertEquals(1.0, Loss.LINEAR.curvature(123), 0.0);
    assertEquals(0.25, Loss.LOGISTIC.curvature(0), 0.0);
    double s = Loss.sigmoid(3);
    assertEquals(s * (1 - s), Loss.LOGISTIC.curvature(3), 1e-14 * s * (1 - s));
    assertEquals(Loss.LOGISTIC.curvature(3), Loss.LOGISTIC.curvature(-3), 0.0);
    assertEquals(Math.exp(-800), Loss.LOGISTIC.curvature(800), 0.0);
  }

  @Test
  void logisticLossAtZeroIsLog2() {
    assertEquals(Math.log(2), Loss.LOGISTIC.value(0, 0), 1e-16);
    assertEquals(Math.log(2), Loss.LOGISTIC.value(0, 1), 1e-16);
    assertEquals(0.5, Loss.LOGISTIC.residual(0, 0), 0.0);
  }

  @Test
  void linearLossIsHalfTheSquaredError() {
    assertEquals(4.5, Loss.LINEAR.value(1, 4), 0.0);
    assertEquals(-3.0, Loss.LINEAR.residual(1, 4), 0.0);
  }

  @Test
  void penaltyLeavesTheInterceptAlone() {
    Objective o = new Objective(Loss.LINEAR, 0.5);
    double[] theta = {10, 1, -2};
    assertEquals(0.25 * 5, o.penalty(theta), 0.0);
    double[] g = new double[3];
    o.addPenaltyGradient(theta, g);
    assertEquals(0.0, g[0], 0.0);
    assertEquals(0.5, g[1], 0.0);
    assertEquals(-1.0, g[2], 0.0);
  }
}
