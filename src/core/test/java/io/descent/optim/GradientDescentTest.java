package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Gradient descent: the contract, plus the backtracking and step-growth rules. */
class GradientDescentTest extends FullBatchOptimizerContractTest {
  @Override
  protected FullBatchOptimizer optimizer() {
    return new GradientDescent();
  }

  @Override
  protected double illConditionedKappa() {
    return 100;
  }

  @Override
  protected double quadraticTolerance() {
    return 1e-8;
  }

  @Override
  protected double diabetesTolerance() {
    return 1e-8;
  }

  @Override
  protected int maxIterations() {
    return 50_000;
  }

  /** {@code f = (L/2)||x - x*||^2}. */
  private static DifferentiableFunction sphere(double curvature, double[] xs) {
    return x -> {
      double[] g = new double[x.length];
      double f = 0;
      for (int i = 0; i < x.length; i++) {
        double r = x[i] - xs[i];
        g[i] = curvature * r;
        f += 0.5 * curvature * r * r;
      }
      return new Point(x, f, g);
    };
  }

  @Test
  void givesUpOnStepsLostInDeclaredNoise() {
    // Values within 1e-10 of 1 whatever the step, with a gradient that claims descent.
    DifferentiableFunction quiet = x -> new Point(x, 1 + 1e-10 * Math.sin(x[0]),
        new double[] {-1});
    Iteration noisy = new GradientDescent().start(quiet.withRelativeNoise(1e-8), new double[1])
        .iterate();
    assertTrue(noisy.lineSearchFailed());
    assertEquals(GradientDescent.NOISE_PATIENCE, noisy.evaluations());
    Iteration blind = new GradientDescent().start(quiet, new double[1]).iterate();
    assertTrue(blind.lineSearchFailed());
    assertEquals(GradientDescent.MAX_HALVINGS + 1, blind.evaluations());
    // A visible decrease is unaffected by the declaration.
    Iteration clean = new GradientDescent().start(sphere(3, new double[] {1, 2})
        .withRelativeNoise(1e-7), new double[2]).iterate();
    assertEquals(0.5, clean.stepSize());
    assertEquals(2, clean.evaluations());
  }

  @Test
  void halvesUntilSufficientDecreaseThenTriesDouble() {
    // With curvature 3, step 1 overshoots (f rises); 0.5 is accepted; the next iteration tries 1
    // again, then 0.5.
    FullBatchOptimizer.Run run = new GradientDescent().start(sphere(3, new double[] {1, 2}),
        new double[2]);
    Iteration first = run.iterate();
    assertEquals(0.5, first.stepSize());
    assertEquals(2, first.evaluations());
    assertEquals(0 - 0.5 * 3 * (0 - 1), first.point().x()[0], 1e-15);
    Iteration second = run.iterate();
    assertEquals(0.5, second.stepSize());
    assertEquals(2, second.evaluations());
    assertEquals(5, run.evaluations());
  }

  @Test
  void stepGrowsFromTheInitialStep() {
    // Curvature 1e-3: every trial is accepted and each doubles the one before.
    FullBatchOptimizer.Run run = new GradientDescent(0.25).start(sphere(1e-3, new double[] {5}),
        new double[1]);
    double expected = 0.25;
    for (int k = 0; k < 5; k++) {
      Iteration it = run.iterate();
      assertEquals(expected, it.stepSize());
      assertEquals(1, it.evaluations());
      expected *= 2;
    }
  }

  @Test
  void initialStepIsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientDescent(-1));
    assertEquals("initialStep must be finite and > 0, got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GradientDescent(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> new GradientDescent(Double.POSITIVE_INFINITY));
    assertEquals(0.3, new GradientDescent().withInitialStep(0.3).initialStep());
    assertEquals(1.0, new GradientDescent().initialStep());
    assertTrue(new GradientDescent(0.3).toString().contains("initialStep=0.3"));
  }
}
