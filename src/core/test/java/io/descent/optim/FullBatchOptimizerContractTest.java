package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link FullBatchOptimizer} meets: it reaches the minimizers of quadratics and
 * the exact optimum of the diabetes regression, never moves to a worse point, counts its
 * evaluations, and fails gracefully when the gradient does not match the function. Subclass it
 * once per implementation.
 */
abstract class FullBatchOptimizerContractTest {
  /** The optimizer under test, with its defaults. */
  protected abstract FullBatchOptimizer optimizer();

  /** The condition number of the ill-conditioned quadratics this optimizer must solve. */
  protected abstract double illConditionedKappa();

  /** The bound on {@code ||x - x*|| / ||x*||} reached on the quadratics. */
  protected abstract double quadraticTolerance();

  /** The bound on {@code (J - J*) / J*} reached on diabetes. */
  protected abstract double diabetesTolerance();

  /** Iterations allowed to reach those bounds. */
  protected abstract int maxIterations();

  /** The iterations of one run, stopped at a line-search failure or after a cap. */
  record Trace(FullBatchOptimizer.Run run, Point start, List<Iteration> iterations) {
    Point last() {
      return run.current();
    }

    boolean failed() {
      return !iterations.isEmpty() && iterations.get(iterations.size() - 1).lineSearchFailed();
    }
  }

  /** Runs until the line search fails or maxIterations. */
  static Trace trace(FullBatchOptimizer opt, DifferentiableFunction f, double[] x0, int max) {
    FullBatchOptimizer.Run run = opt.start(f, x0);
    Point start = run.current();
    List<Iteration> its = new ArrayList<>();
    for (int k = 0; k < max; k++) {
      Iteration it = run.iterate();
      its.add(it);
      if (it.lineSearchFailed()) {
        break;
      }
    }
    return new Trace(run, start, its);
  }

  private Trace solve(Quadratic q) {
    return trace(optimizer(), q, new double[q.dimension()], maxIterations());
  }

  @Test
  void reachesMinimizerOfWellConditionedQuadratic() {
    Quadratic q = Quadratic.rotated(20, 10, 1);
    double err = q.relativeError(solve(q).last().x());
    assertTrue(err <= quadraticTolerance(), q + ": relative error " + err);
  }

  @Test
  void reachesMinimizerOfIllConditionedDiagonalQuadratic() {
    Quadratic q = Quadratic.diagonal(20, illConditionedKappa(), 2);
    double err = q.relativeError(solve(q).last().x());
    assertTrue(err <= quadraticTolerance(), q + ": relative error " + err);
  }

  @Test
  void reachesMinimizerOfIllConditionedRotatedQuadratic() {
    Quadratic q = Quadratic.rotated(20, illConditionedKappa(), 3);
    double err = q.relativeError(solve(q).last().x());
    assertTrue(err <= quadraticTolerance(), q + ": relative error " + err);
  }

  @Test
  void valueNeverIncreasesAndEvaluationsAddUp() {
    // An offset puts the minimum at a value with a rounding floor, where the line search ends.
    Quadratic q = Quadratic.rotated(20, illConditionedKappa(), 4).withOffset(1000);
    Trace t = trace(optimizer(), q, new double[20], maxIterations());
    Point prev = t.start();
    int evaluations = 1;
    for (Iteration it : t.iterations()) {
      assertTrue(it.point().value() <= prev.value(), "value rose from " + prev.value() + " to "
          + it.point().value());
      if (it.lineSearchFailed()) {
        assertSame(prev, it.point(), "a failed iteration must keep the point");
        assertEquals(0, it.stepSize());
      } else {
        assertTrue(it.stepSize() > 0, "accepted step " + it.stepSize());
      }
      evaluations += it.evaluations();
      prev = it.point();
    }
    assertSame(prev, t.run().current());
    assertEquals(evaluations, t.run().evaluations());
  }

  @Test
  void gradientPointingUphillFailsGracefully() {
    Quadratic q = Quadratic.rotated(5, 10, 5);
    DifferentiableFunction wrong = x -> {
      Point p = q.evaluate(x);
      return new Point(x, p.value(), Vectors.negate(p.gradient()));
    };
    FullBatchOptimizer.Run run = optimizer().start(wrong, new double[5]);
    Point start = run.current();
    for (int k = 0; k < 3; k++) {
      Iteration it = run.iterate();
      assertTrue(it.lineSearchFailed(), "iteration " + k + " should fail");
      assertSame(start, it.point());
      assertSame(start, run.current());
      assertTrue(it.evaluations() > 0 && it.evaluations() <= 200, "evaluations "
          + it.evaluations());
    }
  }

  /**
   * A function computed like a float32 backend: value and gradient carry rounding noise (here
   * 1e-7 relative in the value, 1e-4 absolute in the gradient), so near the minimizer neither
   * can be trusted and the line search must give up without moving to a worse point.
   */
  @Test
  void noisyFunctionEndsInAFailedLineSearchAtTheBestPoint() {
    Quadratic q = Quadratic.rotated(10, 100, 6).withOffset(100);
    Random rnd = new Random(7);
    DifferentiableFunction noisy = x -> {
      Point p = q.evaluate(x);
      double[] g = p.gradient().clone();
      for (int i = 0; i < g.length; i++) {
        g[i] += 1e-4 * rnd.nextGaussian();
      }
      return new Point(x, p.value() * (1 + 1e-7 * rnd.nextGaussian()), g);
    };
    Trace t = trace(optimizer(), noisy, new double[10], 20_000);
    assertTrue(t.failed(), "no line-search failure in " + t.iterations().size() + " iterations");
    double best = t.start().value();
    for (Iteration it : t.iterations()) {
      best = Math.min(best, it.point().value());
    }
    assertEquals(best, t.last().value(), 0.0);
    // The noise limits how close it gets (gradient descent stops once its per-step decrease is
    // comparable with the 1e-5 value noise), but it gets close.
    double excess = q.evaluate(t.last().x()).value() - q.offset;
    double initial = q.evaluate(t.start().x()).value() - q.offset;
    assertTrue(excess < 1e-3 * initial, "excess " + excess + " of " + initial);
  }

  @Test
  void nonFiniteValuesAreStepsTooLong() {
    // The function is undefined (NaN) outside the box |x_i| <= 4; x* lies inside.
    Quadratic q = Quadratic.rotated(8, 100, 8);
    DifferentiableFunction walled = x -> {
      for (double v : x) {
        if (Math.abs(v) > 4) {
          double[] nan = new double[x.length];
          java.util.Arrays.fill(nan, Double.NaN);
          return new Point(x, Double.NaN, nan);
        }
      }
      return q.evaluate(x);
    };
    FullBatchOptimizer.Run run = optimizer().start(walled, new double[8]);
    for (int k = 0; k < maxIterations() && !run.iterate().lineSearchFailed(); k++) {
      assertTrue(Double.isFinite(run.current().value()));
    }
    double err = q.relativeError(run.current().x());
    assertTrue(err <= Math.max(quadraticTolerance(), 1e-10), "relative error " + err);
  }

  @Test
  void stationaryStartReturnsAtOnce() {
    Quadratic q = Quadratic.rotated(4, 10, 9);
    FullBatchOptimizer.Run run = optimizer().start(q, q.minimizer.clone());
    Iteration it = run.iterate();
    assertTrue(it.lineSearchFailed());
    assertEquals(0, it.evaluations());
    assertSame(run.current(), it.point());
  }

  @Test
  void startRejectsBadInput() {
    Quadratic q = Quadratic.rotated(4, 10, 10);
    assertThrows(IllegalArgumentException.class, () -> optimizer().start(q, new double[0]));
    assertThrows(IllegalArgumentException.class,
        () -> optimizer().start(q, new double[] {0, Double.NaN, 0, 0}));
    DifferentiableFunction nan = x -> new Point(x, Double.NaN, new double[x.length]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> optimizer().start(nan, new double[4]));
    assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    DifferentiableFunction shorter = x -> new Point(new double[1], 0, new double[1]);
    assertThrows(IllegalStateException.class, () -> optimizer().start(shorter, new double[4]));
  }

  @Test
  void startCopiesTheStartingPoint() {
    Quadratic q = Quadratic.rotated(4, 10, 11);
    double[] x0 = new double[4];
    FullBatchOptimizer.Run run = optimizer().start(q, x0);
    x0[0] = 99;
    assertEquals(0, run.current().x()[0]);
  }

  @Test
  void nameIsTheCommandLineLabel() {
    FullBatchOptimizer opt = optimizer();
    assertEquals(opt.name(), OptimizerKind.fromLabel(opt.name()).label());
    assertTrue(OptimizerKind.fromLabel(opt.name()).isFullBatch());
    assertNotNull(opt.toString());
  }

  @ParameterizedTest(name = "lambda = {0}")
  @ValueSource(doubles = {0.0, Diabetes.RIDGE})
  void reachesTheExactDiabetesOptimum(double l2, TestReporter reporter) {
    Diabetes diabetes = Diabetes.load();
    Trace t = trace(optimizer(), diabetes.objective(l2), new double[diabetes.parameters()],
        maxIterations());
    double excess = diabetes.relativeExcess(t.last().x(), l2);
    reporter.publishEntry(optimizer().name() + " diabetes lambda=" + l2, "relative excess "
        + excess + " after " + t.iterations().size() + " iterations, " + t.run().evaluations()
        + " evaluations");
    assertTrue(excess >= -1e-15, "below the exact optimum: " + excess);
    assertTrue(excess <= diabetesTolerance(), "relative excess " + excess);
  }
}
