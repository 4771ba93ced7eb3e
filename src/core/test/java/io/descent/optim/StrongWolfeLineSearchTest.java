package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.optim.StrongWolfeLineSearch.Acceptance;
import io.descent.optim.StrongWolfeLineSearch.NoisySlopes;
import io.descent.optim.StrongWolfeLineSearch.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The line search on the six test functions of Moré &amp; Thuente ("Line search algorithms with
 * guaranteed sufficient decrease", ACM TOMS 20(3), 1994, section 5), from their four initial
 * steps, with the conditions of each accepted step checked independently.
 */
class StrongWolfeLineSearchTest {
  /** A function of one variable with its derivative. */
  record Phi(String name, DoubleUnaryOperator value, DoubleUnaryOperator slope) {
    DifferentiableFunction asFunction(AtomicInteger calls) {
      return x -> {
        calls.incrementAndGet();
        return new Point(x, value.applyAsDouble(x[0]), new double[] {slope.applyAsDouble(x[0])});
      };
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Phi> moreThuente() {
    List<Phi> list = new ArrayList<>();
    double b1 = 2;
    list.add(new Phi("MT1 -a/(a^2+2)", a -> -a / (a * a + b1),
        a -> (a * a - b1) / ((a * a + b1) * (a * a + b1))));
    double b2 = 0.004;
    list.add(new Phi("MT2 (a+b)^5-2(a+b)^4", a -> Math.pow(a + b2, 5) - 2 * Math.pow(a + b2, 4),
        a -> 5 * Math.pow(a + b2, 4) - 8 * Math.pow(a + b2, 3)));
    double b3 = 0.01;
    double l = 39;
    list.add(new Phi("MT3 wiggly", a -> {
      double base = a <= 1 - b3 ? 1 - a : a >= 1 + b3 ? a - 1 : (a - 1) * (a - 1) / (2 * b3)
          + b3 / 2;
      return base + 2 * (1 - b3) / (l * Math.PI) * Math.sin(l * Math.PI * a / 2);
    }, a -> {
      double base = a <= 1 - b3 ? -1 : a >= 1 + b3 ? 1 : (a - 1) / b3;
      return base + (1 - b3) * Math.cos(l * Math.PI * a / 2);
    }));
    double[][] yanai = {{0.001, 0.001}, {0.01, 0.001}, {0.001, 0.01}};
    for (int k = 0; k < 3; k++) {
      double p = yanai[k][0];
      double q = yanai[k][1];
      double gp = Math.sqrt(1 + p * p) - p;
      double gq = Math.sqrt(1 + q * q) - q;
      list.add(new Phi("MT" + (4 + k) + " Yanai(" + p + ", " + q + ")",
          a -> gp * Math.sqrt((1 - a) * (1 - a) + q * q) + gq * Math.sqrt(a * a + p * p),
          a -> gp * (a - 1) / Math.sqrt((1 - a) * (1 - a) + q * q)
              + gq * a / Math.sqrt(a * a + p * p)));
    }
    return list;
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    double[][] constants = {{Lbfgs.C1, Lbfgs.C2}, {1e-3, 0.1}, {1e-4, 1e-2}};
    for (Phi phi : moreThuente()) {
      for (double[] c : constants) {
        for (double a0 : new double[] {1e-3, 1e-1, 1e1, 1e3}) {
          cases.add(Arguments.of(phi, c[0], c[1], a0));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, c1={1}, c2={2}, a0={3}")
  @MethodSource("cases")
  void findsAStrongWolfeStep(Phi phi, double c1, double c2, double a0) {
    AtomicInteger calls = new AtomicInteger();
    DifferentiableFunction f = phi.asFunction(calls);
    Point start = f.evaluate(new double[] {0});
    calls.set(0);
    Outcome o = new StrongWolfeLineSearch(c1, c2, 40).search(f, start, new double[] {1}, a0);
    assertEquals(Acceptance.STRONG_WOLFE, o.acceptance(), "after " + o.evaluations());
    assertEquals(calls.get(), o.evaluations());
    double a = o.step();
    double phi0 = phi.value().applyAsDouble(0);
    double dphi0 = phi.slope().applyAsDouble(0);
    assertEquals(a, o.point().x()[0], 0.0);
    assertTrue(phi.value().applyAsDouble(a) <= phi0 + c1 * a * dphi0,
        "sufficient decrease fails at a=" + a);
    assertTrue(Math.abs(phi.slope().applyAsDouble(a)) <= c2 * Math.abs(dphi0),
        "curvature fails at a=" + a + ": phi'=" + phi.slope().applyAsDouble(a));
  }

  private static Point at(DifferentiableFunction f, double a) {
    return f.evaluate(new double[] {a});
  }

  /**
   * A quadratic whose curvature dwarfs its slope (an L2 penalty of 1e25 to 1e100 seen from a
   * unit first trial): the search reaches its minimizer in at most 8 evaluations, where a tenth of
   * the interval at a time spent about 1.5 a decade and ran out of 40 from about 1e24.
   */
  @Test
  void aSteepQuadraticIsFoundInAFewEvaluationsWhateverItsCurvature() {
    for (double c : new double[] {1e3, 1e10, 1e25, 1e50, 1e100}) {
      DifferentiableFunction f = x -> new Point(x, -x[0] + 0.5 * c * x[0] * x[0],
          new double[] {-1 + c * x[0]});
      Outcome o = new StrongWolfeLineSearch(Lbfgs.C1, Lbfgs.C2, 40).search(f, at(f, 0),
          new double[] {1}, 1);
      assertEquals(Acceptance.STRONG_WOLFE, o.acceptance(), "c " + c);
      // A strong Wolfe step within a factor of 10 of the minimizer 1/c (where the cubic's
      // formula cancels its digits, the margin's end, 2/(10 c), is taken).
      assertTrue(o.step() > 0.1 / c && o.step() < 10 / c, "c " + c + ": step " + o.step());
      assertTrue(o.evaluations() <= 8, "c " + c + ": " + o.evaluations() + " evaluations");
    }
  }

  @Test
  void nonFiniteValuesAreTreatedAsTooFar() {
    // (a - 1)^2, undefined beyond a = 2; the first trial at 1000 lands in the undefined part.
    DifferentiableFunction f = x -> x[0] < 2
        ? new Point(x, (x[0] - 1) * (x[0] - 1), new double[] {2 * (x[0] - 1)})
        : new Point(x, Double.NaN, new double[] {Double.NaN});
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.1, 40).search(f, at(f, 0), new double[] {1},
        1000);
    assertEquals(Acceptance.STRONG_WOLFE, o.acceptance());
    assertTrue(Math.abs(o.step() - 1) <= 0.1, "step " + o.step());
  }

  @Test
  void aGradientThatLiesFailsWithTheStartingPoint() {
    // The slope claims descent, but the value rises in that direction.
    DifferentiableFunction f = x -> new Point(x, x[0], new double[] {-1});
    Point start = at(f, 0);
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.9, 25).search(f, start, new double[] {1}, 1);
    assertEquals(Acceptance.FAILED, o.acceptance());
    assertTrue(o.failed());
    assertSame(start, o.point());
    assertEquals(0, o.step());
    assertTrue(o.evaluations() <= 25, "evaluations " + o.evaluations());
  }

  @Test
  void budgetExhaustedReturnsTheBestSufficientDecreaseStep() {
    // (a - 10)^2 from a = 1 with c2 = 0.1: a = 1 decreases enough but is far too short, and a
    // budget of one evaluation leaves no room to extrapolate.
    DifferentiableFunction f =
        x -> new Point(x, (x[0] - 10) * (x[0] - 10), new double[] {2 * (x[0] - 10)});
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.1, 1).search(f, at(f, 0), new double[] {1}, 1);
    assertEquals(Acceptance.SUFFICIENT_DECREASE, o.acceptance());
    assertEquals(1, o.step());
    assertEquals(1, o.evaluations());
  }

  @Test
  void atTheRoundingFloorAcceptsAnApproximateWolfeStep() {
    // 1 + (a - 1)^2 * 1e-20: from a = 0 the value can fall by only 1e-20, below one ulp of 1,
    // so sufficient decrease cannot be seen in values; the slope says a = 1 is the minimizer.
    DifferentiableFunction f = x -> new Point(x, 1 + 1e-20 * (x[0] - 1) * (x[0] - 1),
        new double[] {2e-20 * (x[0] - 1)});
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.9, 40).search(f, at(f, 0), new double[] {1}, 1);
    assertEquals(Acceptance.APPROXIMATE_WOLFE, o.acceptance());
    assertEquals(1, o.step());
  }

  @Test
  void atTheRoundingFloorAValueRoundedUpByAFewUlpsStillPasses() {
    // As above, but the computed value away from a = 0 rounds up by 3 ulps (as a float64 sum
    // in another order does): the decrease cannot show, and the value "rose" by rounding. The
    // slope still says a = 1 is the minimizer; a value within rounding of phi(0) is accepted
    // (a cross-validation fit of logistic l2 = 1e4 stalled in its float64 finish on this).
    double up = 3 * Math.ulp(0.647);
    DifferentiableFunction f = x -> new Point(x, 0.647 + (x[0] == 0 ? 0 : up)
        + 1e-20 * (x[0] - 1) * (x[0] - 1), new double[] {2e-20 * (x[0] - 1)});
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.9, 40).search(f, at(f, 0), new double[] {1}, 1);
    assertEquals(Acceptance.APPROXIMATE_WOLFE, o.acceptance());
    assertEquals(1, o.step());
    // A value higher by more than rounding is not taken.
    double far = 1e-9;
    DifferentiableFunction g = x -> new Point(x, 0.647 + (x[0] == 0 ? 0 : far)
        + 1e-20 * (x[0] - 1) * (x[0] - 1), new double[] {2e-20 * (x[0] - 1)});
    assertTrue(new StrongWolfeLineSearch(1e-4, 0.9, 40).search(g, at(g, 0), new double[] {1}, 1)
        .failed());
  }

  @Test
  void aSearchLostInDeclaredNoiseGivesUpAfterAFewTrials() {
    // The slope claims descent, but every value lies within 1e-10 of phi(0) = 1: float32
    // rounding near an optimum looks like this. Declared noise 1e-8 lets the search see that.
    DifferentiableFunction quiet = x -> new Point(x, 1 + 1e-10 * Math.sin(x[0]),
        new double[] {-1});
    StrongWolfeLineSearch ls = new StrongWolfeLineSearch(1e-4, 0.9, 40);
    Point start = at(quiet, 0);
    Outcome noisy = ls.search(quiet.withRelativeNoise(1e-8), start, new double[] {1}, 1);
    assertEquals(Acceptance.BELOW_NOISE, noisy.acceptance());
    assertTrue(noisy.failed());
    assertSame(start, noisy.point());
    assertEquals(StrongWolfeLineSearch.NOISE_PATIENCE, noisy.evaluations());
    // Without the declaration the same search spends its whole budget.
    Outcome blind = ls.search(quiet, start, new double[] {1}, 1);
    assertEquals(Acceptance.FAILED, blind.acceptance());
    assertEquals(40, blind.evaluations());
  }

  @Test
  void aStepTheNoiseHidesIsTakenByItsSlopeWhenTheCallerAllows() {
    // 1 + 1e-10 (a - 1)^2 from a = 0, its value rounded to float32 (so 1 everywhere near 0
    // and 1) as a float32 backend computes it, its slope exact: the values cannot tell the
    // steps apart, the slope says a = 1 is the minimizer.
    DifferentiableFunction f = x -> new Point(x, (float) (1 + 1e-10 * (x[0] - 1) * (x[0] - 1)),
        new double[] {2e-10 * (x[0] - 1)});
    DifferentiableFunction noisy = f.withRelativeNoise(1e-8);
    StrongWolfeLineSearch ls = new StrongWolfeLineSearch(1e-4, 0.9, 40);
    Outcome bySlope = ls.search(noisy, at(noisy, 0), new double[] {1}, 1, NoisySlopes.AT_ONCE);
    assertEquals(Acceptance.NOISY_APPROXIMATE_WOLFE, bySlope.acceptance());
    assertEquals(1, bySlope.step());
    assertEquals(1, bySlope.evaluations());
    Outcome byValue = ls.search(noisy, at(noisy, 0), new double[] {1}, 1, NoisySlopes.NEVER);
    assertEquals(Acceptance.BELOW_NOISE, byValue.acceptance());
    assertEquals(StrongWolfeLineSearch.NOISE_PATIENCE, byValue.evaluations());
    // WHEN_LOST: the search runs as without the slopes until it would end below the noise, then
    // takes the trial with the smallest slope that the slopes accept.
    Outcome whenLost = ls.search(noisy, at(noisy, 0), new double[] {1}, 1,
        NoisySlopes.WHEN_LOST);
    assertEquals(Acceptance.NOISY_APPROXIMATE_WOLFE, whenLost.acceptance());
    assertEquals(1, whenLost.step());
    assertEquals(StrongWolfeLineSearch.NOISE_PATIENCE, whenLost.evaluations());
    // Without declared noise the values are trusted, whatever the caller allows: the test for
    // a function computed to full accuracy, whose values here are equal.
    Outcome exact = ls.search(f, at(f, 0), new double[] {1}, 1, NoisySlopes.AT_ONCE);
    assertEquals(Acceptance.APPROXIMATE_WOLFE, exact.acceptance());
  }

  @Test
  void aSlopeTooFarUphillIsNotTakenInTheNoise() {
    // 1 + 1e-10 (a - 0.3)^2 rounded to float32 from a = 0, trying a = 1 first: there the
    // slope, 1.4e-10, exceeds (1 - 2 c1) |phi'(0)| = 0.6e-10 (by the quadratic through the
    // slopes, no decrease), so the search zooms in to a step whose slope meets strong
    // curvature and phi'(a) <= (2 c1 - 1) phi'(0), which here means 0.03 <= a <= 0.57.
    DifferentiableFunction f = x -> new Point(x,
        (float) (1 + 1e-10 * (x[0] - 0.3) * (x[0] - 0.3)), new double[] {2e-10 * (x[0] - 0.3)});
    Outcome o = new StrongWolfeLineSearch(1e-4, 0.9, 40).search(f.withRelativeNoise(1e-8),
        at(f, 0), new double[] {1}, 1, NoisySlopes.AT_ONCE);
    assertEquals(Acceptance.NOISY_APPROXIMATE_WOLFE, o.acceptance());
    assertTrue(o.step() >= 0.03 && o.step() <= 0.57, "step " + o.step());
    assertTrue(o.evaluations() > 1, "evaluations " + o.evaluations());
  }

  @Test
  void declaredNoiseLeavesVisibleDecreasesAndOvershootsAlone() {
    // 1 + (a - 0.001)^2 from a = 0: the best decrease, 1e-6, is well above the declared noise
    // (1e-9 relative), and the first trials at a = 1e3 are far higher than phi(0), which says
    // "too far", not "noise". The search must end exactly as it does without the declaration.
    DifferentiableFunction f = x -> new Point(x, 1 + (x[0] - 1e-3) * (x[0] - 1e-3),
        new double[] {2 * (x[0] - 1e-3)});
    StrongWolfeLineSearch ls = new StrongWolfeLineSearch(1e-4, 0.9, 40);
    for (double a0 : new double[] {1e-6, 1, 1e3}) {
      Outcome clean = ls.search(f, at(f, 0), new double[] {1}, a0);
      Outcome noisy = ls.search(f.withRelativeNoise(1e-9), at(f, 0), new double[] {1}, a0);
      assertEquals(Acceptance.STRONG_WOLFE, clean.acceptance(), "a0 = " + a0);
      assertEquals(clean.acceptance(), noisy.acceptance(), "a0 = " + a0);
      assertEquals(clean.step(), noisy.step(), "a0 = " + a0);
      assertEquals(clean.evaluations(), noisy.evaluations(), "a0 = " + a0);
    }
  }

  @Test
  void checksItsArguments() {
    assertThrows(IllegalArgumentException.class, () -> new StrongWolfeLineSearch(0.5, 0.1, 10));
    assertThrows(IllegalArgumentException.class, () -> new StrongWolfeLineSearch(0, 0.9, 10));
    assertThrows(IllegalArgumentException.class, () -> new StrongWolfeLineSearch(1e-4, 1, 10));
    assertThrows(IllegalArgumentException.class, () -> new StrongWolfeLineSearch(1e-4, 0.9, 0));
    DifferentiableFunction f = x -> new Point(x, x[0] * x[0], new double[] {2 * x[0]});
    StrongWolfeLineSearch ls = new StrongWolfeLineSearch(1e-4, 0.9, 10);
    // From a = 1 the slope is +2: direction +1 is uphill.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ls.search(f, at(f, 1), new double[] {1}, 1));
    assertTrue(e.getMessage().contains("not a descent direction"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ls.search(f, at(f, 1), new double[] {-1}, 0));
  }
}
