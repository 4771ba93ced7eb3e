package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** L-BFGS: the contract, plus Rosenbrock, the Wolfe conditions, and polishing on diabetes. */
class LbfgsTest extends FullBatchOptimizerContractTest {
  @Override
  protected FullBatchOptimizer optimizer() {
    return new Lbfgs();
  }

  @Override
  protected double illConditionedKappa() {
    return 1e4;
  }

  @Override
  protected double quadraticTolerance() {
    return 1e-13;
  }

  @Override
  protected double diabetesTolerance() {
    return 1e-10;
  }

  @Override
  protected int maxIterations() {
    return 1000;
  }

  /** The extended Rosenbrock function, sum over pairs of 100 (x2 - x1^2)^2 + (1 - x1)^2. */
  static Point rosenbrock(double[] x) {
    double f = 0;
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i += 2) {
      double t = x[i + 1] - x[i] * x[i];
      double u = 1 - x[i];
      f += 100 * t * t + u * u;
      g[i] = -400 * x[i] * t - 2 * u;
      g[i + 1] = 200 * t;
    }
    return new Point(x, f, g);
  }

  static double[] rosenbrockStart(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i += 2) {
      x[i] = -1.2;
      x[i + 1] = 1;
    }
    return x;
  }

  @ParameterizedTest(name = "n = {0}")
  @ValueSource(ints = {2, 10})
  void solvesRosenbrock(int n) {
    Trace t = trace(new Lbfgs(), LbfgsTest::rosenbrock, rosenbrockStart(n), 500);
    double err = 0;
    for (double v : t.last().x()) {
      err = Math.max(err, Math.abs(v - 1));
    }
    assertTrue(err <= 1e-12, "max |x_i - 1| = " + err + " after " + t.iterations().size()
        + " iterations");
  }

  /**
   * Every accepted step away from the rounding floor satisfies the strong Wolfe conditions,
   * checked from the two points alone: with s the step, {@code f1 - f0 <= c1 g0's} and
   * {@code |g1's| <= c2 |g0's|}.
   */
  @Test
  void acceptedStepsSatisfyTheStrongWolfeConditions() {
    int checked = 0;
    checked += checkWolfe(trace(new Lbfgs(), LbfgsTest::rosenbrock, rosenbrockStart(10), 500));
    Quadratic q = Quadratic.rotated(20, 1e4, 12);
    checked += checkWolfe(trace(new Lbfgs(), q, new double[20], 500));
    assertTrue(checked >= 50, "only " + checked + " steps checked");
  }

  private static int checkWolfe(Trace t) {
    Point prev = t.start();
    int checked = 0;
    for (Iteration it : t.iterations()) {
      Point p = it.point();
      if (!it.lineSearchFailed() && prev.gradientNorm() > 1e-6) {
        double[] s = new double[p.x().length];
        for (int i = 0; i < s.length; i++) {
          s[i] = p.x()[i] - prev.x()[i];
        }
        double d0 = Vectors.dot(prev.gradient(), s);
        double d1 = Vectors.dot(p.gradient(), s);
        double slack = 1e-12 * Math.abs(d0);
        assertTrue(d0 < 0, "not a descent step: g's = " + d0);
        assertTrue(p.value() - prev.value() <= Lbfgs.C1 * d0 + slack,
            "sufficient decrease fails: " + (p.value() - prev.value()) + " > " + Lbfgs.C1 * d0);
        assertTrue(Math.abs(d1) <= Lbfgs.C2 * Math.abs(d0) + slack,
            "curvature fails: |g1's| = " + Math.abs(d1) + " > " + Lbfgs.C2 * Math.abs(d0));
        checked++;
      }
      prev = p;
    }
    return checked;
  }

  @Test
  void convergesWithConditionNumberOneHundredThousand() {
    Quadratic q = Quadratic.rotated(50, 1e5, 13);
    // L-BFGS needs many iterations here (as does the Fortran L-BFGS-B: about 4,500), but each
    // one is a unit step and the iterates keep improving.
    Trace t = trace(new Lbfgs(), q, new double[50], 10_000);
    double err = q.relativeError(t.last().x());
    assertTrue(err <= 1e-11, "relative error " + err + " after " + t.iterations().size());
  }

  @Test
  void smallMemoryStillConverges() {
    Quadratic q = Quadratic.rotated(20, 1e3, 14);
    Trace t = trace(new Lbfgs(1), q, new double[20], 3000);
    double err = q.relativeError(t.last().x());
    assertTrue(err <= 1e-12, "relative error " + err);
  }

  @Test
  void secondIterationOnASphereIsExact() {
    // On 0.5 ||x - x*||^2 the first pair gives H0 = s'y / y'y = I, so d = x* - x and the unit
    // step lands on x*, accepted at the first trial.
    double[] xs = {3, -4};
    DifferentiableFunction f = x -> {
      double[] g = {x[0] - xs[0], x[1] - xs[1]};
      return new Point(x, 0.5 * Vectors.dot(g, g), g);
    };
    FullBatchOptimizer.Run run = new Lbfgs().start(f, new double[2]);
    Iteration first = run.iterate();
    assertTrue(first.point().value() < 12.5, "first step did not descend");
    Iteration second = run.iterate();
    assertEquals(1.0, second.stepSize());
    assertEquals(1, second.evaluations());
    assertEquals(3, second.point().x()[0], 1e-14);
    assertEquals(-4, second.point().x()[1], 1e-14);
  }

  /**
   * On the exact (float64 reference backend) objective, L-BFGS reaches the optimum of the data as
   * loaded to the last digit of the value. The coefficients are then as accurate as values can
   * resolve: an error e changes J by about {@code mu e^2 / 2} (mu = 0.0086, the smallest
   * curvature), which is below one ulp of J (2.3e-13) for e up to about 1e-5; the approximate
   * Wolfe steps take it well below that.
   */
  @ParameterizedTest(name = "lambda = {0}")
  @ValueSource(doubles = {0.0, Diabetes.RIDGE})
  void reachesTheLastDigitOfTheDiabetesOptimum(double l2, TestReporter reporter) {
    Diabetes diabetes = Diabetes.load();
    Trace t = trace(new Lbfgs(), diabetes.objective(l2), new double[diabetes.parameters()],
        1000);
    double[] opt = diabetes.exactOptimum(l2);
    double[] x = t.last().x();
    double err = 0;
    for (int j = 0; j < x.length; j++) {
      err = Math.max(err, Math.abs(x[j] - opt[j]) / Math.max(1, Math.abs(opt[j])));
    }
    double grad = 0;
    for (double g : t.last().gradient()) {
      grad = Math.max(grad, Math.abs(g));
    }
    double optimal = diabetes.optimalValue(l2);
    double ulps = (t.last().value() - optimal) / Math.ulp(optimal);
    reporter.publishEntry("lbfgs diabetes lambda=" + l2, "value " + ulps + " ulp above the"
        + " optimum, max relative coefficient error " + err + ", max |gradient| " + grad
        + " after " + t.iterations().size() + " iterations");
    assertTrue(Math.abs(ulps) <= 2, "value " + ulps + " ulp from the optimum");
    assertTrue(err <= 2e-8, "max relative coefficient error " + err);
    assertTrue(grad <= 2e-7, "max |gradient| " + grad);
  }

  /**
   * An ill-conditioned quadratic 1 + sum_i (i+1)^2 (x_i - 1)^2 / 2 over 10 variables whose value
   * is rounded to float32 and whose gradient carries an error of 1e-7, as a float32 backend
   * computes them.
   */
  private static Point roundedToFloat(double[] x) {
    double f = 1;
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double c = (i + 1) * (i + 1);
      f += 0.5 * c * (x[i] - 1) * (x[i] - 1);
      g[i] = c * (x[i] - 1) + 1e-7 * Math.sin(1e4 * x[i] + i);
    }
    return new Point(x, (float) f, g);
  }

  /** Iterates until a line search fails; returns that last iteration. */
  private static Iteration untilTheLineSearchFails(DifferentiableFunction f) {
    FullBatchOptimizer.Run run = new Lbfgs().start(f, new double[10]);
    for (int k = 0; k < 1000; k++) {
      Iteration it = run.iterate();
      if (it.lineSearchFailed()) {
        return it;
      }
    }
    throw new AssertionError("no line search failed in 1000 iterations");
  }

  @Test
  void atTheFloat32FloorADeclaredNoiseEndsTheIterationWithinAFewEvaluations() {
    DifferentiableFunction blind = LbfgsTest::roundedToFloat;
    Iteration noisy = untilTheLineSearchFails(blind.withRelativeNoise(0x1p-22));
    // One search lost in the noise, and no steepest-descent retry (it would drown in the same
    // noise): a retry would make it 2 x NOISE_PATIENCE.
    assertTrue(noisy.evaluations() <= StrongWolfeLineSearch.NOISE_PATIENCE,
        "evaluations " + noisy.evaluations());
    assertEquals(1, noisy.point().value(), 1e-6);
  }

  @Test
  void anAccurateGradientIsFollowedFarBelowTheValuesNoise() {
    // The quadratic of roundedToFloat with its value rounded to float32 (declared noise 2^-22)
    // but an exact gradient: the values stop telling steps apart once the decrease left is
    // about 1e-7, where max |gradient| is still about 1e-3; the slopes carry it to 1e-9, within
    // NOISY_MAX_STEPS (a caller's gradient test stops the run there).
    DifferentiableFunction f = x -> {
      Point p = roundedToFloat(x);
      double[] g = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        g[i] = (i + 1) * (i + 1) * (x[i] - 1);
      }
      return new Point(x, p.value(), g);
    };
    FullBatchOptimizer.Run run = new Lbfgs().start(f.withRelativeNoise(0x1p-22),
        new double[10]);
    double largest = Double.POSITIVE_INFINITY;
    for (int k = 0; k < 200 && largest > 1e-9; k++) {
      Iteration it = run.iterate();
      assertFalse(it.lineSearchFailed(), "a line search failed at max |gradient| " + largest);
      largest = 0;
      for (double g : it.point().gradient()) {
        largest = Math.max(largest, Math.abs(g));
      }
    }
    assertTrue(largest <= 1e-9, "max |gradient| " + largest);
  }

  @Test
  void whenStepsByTheirSlopesDoNotFinishTheRunGoesBackToWhereTheyBegan() {
    // roundedToFloat's gradient carries an error of about 1e-7: the slopes lead the run on, far
    // below where the values stop telling steps apart, to where that error vanishes (not the
    // minimizer), until a line search fails. The run then goes back to the point where its
    // first search was lost, and reports the failure there, as it did before it took steps by
    // their slopes: a float32 fit goes on to its float64 finish from the same point as then.
    DifferentiableFunction f =
        ((DifferentiableFunction) LbfgsTest::roundedToFloat).withRelativeNoise(0x1p-22);
    FullBatchOptimizer.Run run = new Lbfgs().start(f, new double[10]);
    List<Point> points = new ArrayList<>();
    Iteration last = null;
    for (int k = 0; k < 1000 && last == null; k++) {
      Iteration it = run.iterate();
      if (it.lineSearchFailed()) {
        last = it;
      } else {
        points.add(it.point());
      }
    }
    assertNotNull(last, "no line search failed in 1000 iterations");
    int back = points.indexOf(last.point());
    assertTrue(back >= 0 && back < points.size() - 1, "back to " + back + " of " + points.size());
    assertSame(points.get(back), run.current());
    assertTrue(last.evaluations() <= StrongWolfeLineSearch.NOISE_PATIENCE,
        "evaluations " + last.evaluations());
    double there = Vectors.norm(last.point().gradient());
    double lowest = points.stream().mapToDouble(p -> Vectors.norm(p.gradient())).min()
        .orElseThrow();
    assertTrue(lowest < 1e-6 * there, "gradient " + there + " there, " + lowest + " at best");
  }

  @Test
  void stepsByTheirSlopesGoOnWhileTheyKeepBringingTheGradientDown() {
    assertTrue(Lbfgs.slopesStillHelp(0, 0, 0));
    assertTrue(Lbfgs.slopesStillHelp(Lbfgs.NOISY_LAG - 1, 1, 1));
    int k = Lbfgs.NOISY_LAG + 2;
    double rate = Math.pow(Lbfgs.NOISY_RATE, k);
    assertTrue(Lbfgs.slopesStillHelp(k, 1, rate));
    assertFalse(Lbfgs.slopesStillHelp(k, 1, rate * 1.01));
    assertFalse(Lbfgs.slopesStillHelp(Lbfgs.NOISY_MAX_STEPS, 1, 0));
    // On real data: without this rule, ReferenceOptimaTest's spambase unpenalized (OpenCL and
    // ND4J) stops at its 1000-iteration cap: the slopes lead it on for hundreds of float32
    // iterations without bringing the gradient down.
  }

  @Test
  void aSlowFirstFewStepsByTheirSlopesMayGoOn() {
    // The 1M x 64 logistic fit on an AVX2 CPU: three steps by their slopes took the float32
    // gradient's norm from 7.26e-6 to 3.06e-6 (0.42 of it), and ten more to 1.4e-8, where
    // the fit converged in float32 alone; at 0.7 a step the rule sent it back after the third.
    assertTrue(Lbfgs.slopesStillHelp(3, 7.26e-6, 3.06e-6));
    assertTrue(Lbfgs.slopesStillHelp(4, 7.26e-6, 8.61e-7));
    // A gradient that does not fall at all still ends them after the first three.
    assertFalse(Lbfgs.slopesStillHelp(Lbfgs.NOISY_LAG, 7.26e-6, 7.0e-6));
  }

  @Test
  void memoryIsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Lbfgs(0));
    assertEquals("memory must be >= 1, got 0", e.getMessage());
    assertEquals(5, new Lbfgs().withMemory(5).memory());
    assertEquals(Lbfgs.DEFAULT_MEMORY, new Lbfgs().memory());
    assertTrue(new Lbfgs(7).toString().contains("memory=7"), new Lbfgs(7).toString());
  }
}
