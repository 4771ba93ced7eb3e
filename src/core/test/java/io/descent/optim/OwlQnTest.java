package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * OWL-QN on problems with known lasso solutions: an orthogonal design (a diagonal quadratic),
 * whose solution is the soft threshold of the unpenalized one, with exact zeros; a rotated
 * quadratic against a proximal-gradient solution run to convergence; the float32 noise rule.
 */
class OwlQnTest {
  /** {@code f(x) = sum_j h_j (x_j - c_j)^2 / 2}: an orthogonal design's least squares. */
  private static DifferentiableFunction diagonal(double[] h, double[] c) {
    return x -> {
      double f = 0;
      double[] g = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        double r = x[j] - c[j];
        f += 0.5 * h[j] * r * r;
        g[j] = h[j] * r;
      }
      return new Point(x, f, g);
    };
  }

  private static FullBatchOptimizer.Run solve(OwlQn o, DifferentiableFunction f, double[] x0,
      int iterations) {
    FullBatchOptimizer.Run run = o.start(f, x0);
    for (int i = 0; i < iterations; i++) {
      if (run.iterate().lineSearchFailed()) {
        break;
      }
    }
    return run;
  }

  @Test
  void orthogonalDesignGivesTheSoftThresholdWithExactZeros() {
    Random rnd = new Random(7);
    int n = 40;
    double[] h = new double[n];
    double[] c = new double[n];
    for (int j = 0; j < n; j++) {
      h[j] = Math.exp(rnd.nextGaussian());
      c[j] = rnd.nextGaussian();
    }
    double l1 = 0.4;
    // Coordinate 0 is free (an intercept): its solution is c_0 whatever l1.
    OwlQn o = new OwlQn().withPenalty(l1, j -> j != 0);
    FullBatchOptimizer.Run run = solve(o, diagonal(h, c), new double[n], 200);
    double[] x = run.current().x();
    int zeros = 0;
    for (int j = 0; j < n; j++) {
      double expected = j == 0 ? c[0]
          : Math.signum(c[j]) * Math.max(0, Math.abs(c[j]) - l1 / h[j]);
      if (expected == 0) {
        assertEquals(0.0, x[j], "coordinate " + j + " must be exactly zero");
        zeros++;
      } else {
        // The value never rises, so the run ends where F's rounding hides further progress.
        assertEquals(expected, x[j], 1e-9, "coordinate " + j);
      }
    }
    assertTrue(zeros >= 5, "the problem has zeros to find: " + zeros);
    assertTrue(o.kktViolation(x, run.current().gradient()) <= 1e-9);
    // The run's value is F: the smooth part plus the L1 term.
    double smooth = diagonal(h, c).evaluate(x).value();
    assertEquals(smooth + o.penalty(x), run.current().value(), 1e-15);
  }

  @Test
  void rotatedQuadraticMatchesProximalGradient() {
    Quadratic q = Quadratic.rotated(12, 100, 3);
    double l1 = 0.05;
    OwlQn o = new OwlQn().withPenalty(l1, j -> true);
    double[] x = solve(o, q, new double[12], 500).current().x();
    // ISTA with step 1/L, run long enough to be exact to rounding.
    double step = 1.0 / 100.0 / 1.0001;
    double[] z = new double[12];
    for (int k = 0; k < 200_000; k++) {
      double[] g = q.evaluate(z).gradient();
      for (int j = 0; j < z.length; j++) {
        double v = z[j] - step * g[j];
        double t = step * l1;
        z[j] = Math.abs(v) <= t ? 0 : v - Math.copySign(t, v);
      }
    }
    for (int j = 0; j < z.length; j++) {
      assertEquals(z[j] == 0, x[j] == 0, "support at " + j + ": " + x[j] + " vs " + z[j]);
      assertEquals(z[j], x[j], 1e-9, "coordinate " + j);
    }
  }

  @Test
  void withoutPenaltyItMinimizesTheSmoothFunction() {
    Quadratic q = Quadratic.rotated(8, 1e3, 5);
    FullBatchOptimizer.Run run = solve(new OwlQn(), q, new double[8], 500);
    assertTrue(run.current().gradientNorm() <= 1e-8 * Math.max(1, Math.abs(
        run.current().value())), "gradient " + run.current().gradientNorm());
  }

  @Test
  void aNoisyFunctionEndsItsLineSearchAtTheNoiseFloor() {
    double[] h = {1, 2, 3};
    double[] c = {1, -2, 0.01};
    OwlQn o = new OwlQn().withPenalty(0.1, j -> true);
    FullBatchOptimizer.Run run = o.start(diagonal(h, c).withRelativeNoise(1e-3), new double[3]);
    boolean failed = false;
    for (int i = 0; i < 100 && !failed; i++) {
      failed = run.iterate().lineSearchFailed();
    }
    assertTrue(failed, "a search that cannot see past the noise gives up");
    assertTrue(run.evaluations() < 400, "evaluations " + run.evaluations());
  }

  @Test
  void pseudoGradientIsTheMinimumNormSubgradient() {
    OwlQn o = new OwlQn().withPenalty(1.0, j -> j > 0);
    double[] x = {0, 2, -2, 0, 0, 0};
    double[] g = {0.5, 0.5, 0.5, 0.5, -1.5, 1.5};
    double[] pg = o.pseudoGradient(x, g);
    assertEquals(0.5, pg[0]);   // free
    assertEquals(1.5, pg[1]);   // x > 0: g + l1
    assertEquals(-0.5, pg[2]);  // x < 0: g - l1
    assertEquals(0.0, pg[3]);   // |g| <= l1 at 0
    assertEquals(-0.5, pg[4]);  // g + l1 < 0
    assertEquals(0.5, pg[5]);   // g - l1 > 0
    assertEquals(1.5, o.kktViolation(x, g));
  }

  @Test
  void checksItsSettings() {
    assertThrows(IllegalArgumentException.class, () -> new OwlQn(0, 1e-4, 40));
    assertThrows(IllegalArgumentException.class, () -> new OwlQn(10, 0, 40));
    assertThrows(IllegalArgumentException.class, () -> new OwlQn(10, 1e-4, 0));
    assertThrows(IllegalArgumentException.class, () -> new OwlQn().withPenalty(-1, j -> true));
    assertEquals("owlqn", OptimizerKind.fromLabel("owlqn").fullBatch(Hyperparameters.defaults())
        .name());
  }
}
