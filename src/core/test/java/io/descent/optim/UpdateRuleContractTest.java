package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.Batch;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link UpdateRule} meets: its first two updates follow its formula, reset
 * forgets all state, arguments are checked, it reaches the minimizers of quadratics from exact
 * gradients, and it reaches the exact diabetes optimum from mini-batches. Subclass it once per
 * implementation.
 */
abstract class UpdateRuleContractTest {
  /** Quadratic runs: steps taken, and the tolerance on {@code ||x - x*|| / ||x*||}. */
  static final int QUADRATIC_STEPS = 20_000;
  static final double QUADRATIC_TOLERANCE = 1e-6;
  /** Steps counted as one epoch on the quadratics, for the schedules. */
  static final int QUADRATIC_EPOCH = 100;

  /** Diabetes runs: batch size, epochs, shuffling seed, and the bound on the relative excess. */
  static final int BATCH = 32;
  static final int EPOCHS = 1000;
  static final long SEED = 42;
  static final double DIABETES_TOLERANCE = 1e-3;

  /** A new rule with its default hyperparameters. */
  protected abstract UpdateRule newRule();

  /**
   * x after two updates from x = 0 and a fresh state, with gradients g1 then g2 (one coordinate)
   * and rates lr1 then lr2, worked out from the rule's formula.
   */
  protected abstract double afterTwoUpdates(double g1, double g2, double lr1, double lr2);

  /** The schedule the rule needs on the quadratics (constant unless overridden). */
  protected LearningRateSchedule quadraticSchedule() {
    return LearningRateSchedule.constant();
  }

  /**
   * The base rate on diabetes, whose raw target (standard deviation {@code targetScale}, mean
   * 152) makes the parameters far from O(1): the default unless overridden.
   */
  protected double diabetesRate(double targetScale) {
    return newRule().defaultLearningRate();
  }

  /** The schedule on diabetes: halve every 100 epochs. */
  protected LearningRateSchedule diabetesSchedule() {
    return LearningRateSchedule.step(100, 0.5);
  }

  @Test
  void firstTwoUpdatesFollowTheFormula() {
    double[] g1 = {0.5, -2, 1e-3, 0};
    double[] g2 = {0.25, 3, -1e-3, 1};
    double lr1 = 0.1;
    double lr2 = 0.03;
    UpdateRule rule = newRule();
    rule.reset(4);
    double[] x = new double[4];
    rule.update(x, g1, lr1);
    rule.update(x, g2, lr2);
    for (int i = 0; i < 4; i++) {
      double expected = afterTwoUpdates(g1[i], g2[i], lr1, lr2);
      assertEquals(expected, x[i], 1e-15 * Math.max(1, Math.abs(expected)), "coordinate " + i);
    }
  }

  @Test
  void resetForgetsAllState() {
    Quadratic q = Quadratic.rotated(6, 10, 21);
    UpdateRule used = newRule();
    used.reset(6);
    double[] junk = new double[6];
    for (int k = 0; k < 7; k++) {
      used.update(junk, q.gradient(junk), 0.05);
    }
    used.reset(6);
    UpdateRule fresh = newRule();
    fresh.reset(6);
    double[] a = new double[6];
    double[] b = new double[6];
    for (int k = 0; k < 5; k++) {
      used.update(a, q.gradient(a), 0.05);
      fresh.update(b, q.gradient(b), 0.05);
    }
    assertArrayEquals(b, a, 0.0);
  }

  @Test
  void resetToAnotherDimension() {
    UpdateRule rule = newRule();
    rule.reset(3);
    rule.update(new double[3], new double[] {1, 2, 3}, 0.1);
    rule.reset(5);
    double[] x = new double[5];
    rule.update(x, new double[] {1, 1, 1, 1, 1}, 0.1);
    assertTrue(x[4] < 0, "x[4] = " + x[4]);
  }

  @Test
  void zeroGradientFromRestLeavesXUnchanged() {
    UpdateRule rule = newRule();
    rule.reset(3);
    double[] x = {1, -2, 3};
    rule.update(x, new double[3], 0.1);
    assertArrayEquals(new double[] {1, -2, 3}, x, 0.0);
  }

  @Test
  void gradientIsNotModified() {
    UpdateRule rule = newRule();
    rule.reset(3);
    double[] g = {1, -2, 3};
    rule.update(new double[3], g, 0.1);
    assertArrayEquals(new double[] {1, -2, 3}, g, 0.0);
  }

  @Test
  void argumentsAreChecked() {
    UpdateRule rule = newRule();
    IllegalStateException early = assertThrows(IllegalStateException.class,
        () -> rule.update(new double[2], new double[2], 0.1));
    assertTrue(early.getMessage().contains("reset"), early.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rule.reset(0));
    rule.reset(2);
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> rule.update(new double[3], new double[3], 0.1));
    assertTrue(size.getMessage().contains("2 entries"), size.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> rule.update(new double[2], new double[3], 0.1));
    for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> rule.update(new double[2], new double[2], bad));
      assertEquals("learningRate must be finite and > 0, got " + bad, e.getMessage());
    }
  }

  @Test
  void nameAndDefaultsMatchTheKind() {
    UpdateRule rule = newRule();
    OptimizerKind kind = OptimizerKind.fromLabel(rule.name());
    assertEquals(rule.name(), kind.label());
    assertTrue(!kind.isFullBatch());
    assertEquals(rule.toString(), kind.updateRule(Hyperparameters.defaults()).toString());
    assertTrue(rule.defaultLearningRate() > 0 && rule.defaultLearningRate() <= 1,
        "default learning rate " + rule.defaultLearningRate());
  }

  private double solve(Quadratic q) {
    UpdateRule rule = newRule();
    LearningRateSchedule schedule = quadraticSchedule();
    double base = rule.defaultLearningRate();
    double[] x = new double[q.dimension()];
    rule.reset(x.length);
    for (int t = 0; t < QUADRATIC_STEPS; t++) {
      rule.update(x, q.gradient(x), schedule.rate(base, t / QUADRATIC_EPOCH, t));
    }
    return q.relativeError(x);
  }

  @Test
  void reachesMinimizerOfWellConditionedQuadratic() {
    Quadratic q = Quadratic.rotated(10, 10, 22);
    double err = solve(q);
    assertTrue(err <= QUADRATIC_TOLERANCE, q + ": relative error " + err);
  }

  @Test
  void reachesMinimizerOfIllConditionedDiagonalQuadratic() {
    Quadratic q = Quadratic.diagonal(10, 100, 23);
    double err = solve(q);
    assertTrue(err <= QUADRATIC_TOLERANCE, q + ": relative error " + err);
  }

  @Test
  void reachesMinimizerOfIllConditionedRotatedQuadratic() {
    Quadratic q = Quadratic.rotated(10, 100, 24);
    double err = solve(q);
    assertTrue(err <= QUADRATIC_TOLERANCE, q + ": relative error " + err);
  }

  @ParameterizedTest(name = "lambda = {0}")
  @ValueSource(doubles = {0.0, Diabetes.RIDGE})
  void reachesTheDiabetesOptimumFromMiniBatches(double l2, TestReporter reporter) {
    Diabetes diabetes = Diabetes.load();
    UpdateRule rule = newRule();
    LearningRateSchedule schedule = diabetesSchedule();
    double base = diabetesRate(diabetes.targetScale());
    int n = diabetes.rows();
    double[] theta = new double[diabetes.parameters()];
    rule.reset(theta.length);
    Random rnd = new Random(SEED);
    int[] order = new int[n];
    long step = 0;
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      order = order.clone();
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < n; from += BATCH) {
        Batch batch = new Batch(order, from, Math.min(n, from + BATCH));
        rule.update(theta, diabetes.batchGradient(theta, batch, l2),
            schedule.rate(base, epoch, step++));
      }
    }
    double value = diabetes.objective(l2).evaluate(theta).value();
    double excess = (value - diabetes.referenceValue(l2)) / diabetes.referenceValue(l2);
    reporter.publishEntry(rule.name() + " diabetes lambda=" + l2, "relative excess " + excess
        + " over reference.json, rate " + base + ", " + schedule + ", " + EPOCHS
        + " epochs of batch " + BATCH);
    assertTrue(excess <= DIABETES_TOLERANCE, rule + " with " + schedule + ": relative excess "
        + excess);
  }
}
