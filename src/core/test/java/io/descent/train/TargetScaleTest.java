package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient test of squared error in the target's own units: a target s times larger gives
 * weights s times larger, whatever s. With max(1, |objective|) alone a target in the billions
 * passed the test at its start (every weight 0, "converged") and one in the billionths too.
 */
class TargetScaleTest {
  private static Dataset data(double s) {
    Random rnd = new Random(9);
    int n = 300;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = (float) rnd.nextGaussian();
      }
      y[i] = s * (2.0 * x[i][0] - 0.5 * x[i][1] + 0.1 * x[i][2] + 0.3 * rnd.nextGaussian());
    }
    return Dataset.of(x, y);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"normal", "passes"})
  void aLinearFitScalesWithItsTarget(String solver) {
    FitResult unit = Descent.linear().backend("reference").solver(solver).train(data(1), null);
    assertTrue(unit.converged(), unit.message());
    double[] w = unit.model().coef();
    // From 1e15 on, the first step of unit length was too short for the objective to show its
    // decrease: the fit stalled at every weight 0 (1e16, 1e20, 1e30).
    for (double s : new double[] {1e-30, 1e-12, 1e-9, 1e-6, 1e6, 1e9, 1e12, 1e16, 1e20, 1e30}) {
      FitResult r = Descent.linear().backend("reference").solver(solver).train(data(s), null);
      assertTrue(r.converged(), s + ": " + r.message());
      assertTrue(r.iterations() > 0, s + ": " + r.message());
      assertTrue(r.message().contains("the target's standard deviation"), r.message());
      double[] ws = r.model().coef();
      for (int j = 0; j < w.length; j++) {
        assertEquals(w[j], ws[j] / s, 1e-6 * Math.abs(w[j]), s + ", weight " + j);
      }
      assertEquals(unit.objective(), r.objective() / (s * s), 1e-9 * unit.objective(),
          "objective at " + s);
    }
  }

  @Test
  void aTargetWhoseSquaresOverflowIsNamed() {
    // 1e160 squared is past float64's range: the objective at the start was NaN, and the
    // message named neither the target nor a remedy.
    Dataset big = data(1e160);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> Descent.linear().backend("reference").train(big, null));
    assertTrue(e.getMessage().contains("target \"y\" reaches "), e.getMessage());
    assertTrue(e.getMessage().contains("e+160 in magnitude: the sum of its squares"),
        e.getMessage());
    // Cross-validation and the gradient check refuse it the same way ("every fit diverged",
    // exit 1, and "not finite at the starting point").
    IllegalArgumentException cv = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new CrossValidation(new CrossValidation.Options(
            Loss.LINEAR, java.util.List.of(0.1), 3, 1, "reference", null,
            CrossValidation.Options.defaultSettings())).run(big, m -> { }));
    assertTrue(cv.getMessage().contains("in magnitude: the sum of its squares"),
        cv.getMessage());
    IllegalArgumentException check = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> GradientCheck.run(big, Loss.LINEAR, 0.0, true,
            java.util.List.of(io.descent.gradient.BackendKind.REFERENCE), true, null, 1,
            line -> { }));
    assertTrue(check.getMessage().contains("in magnitude: the sum of its squares"),
        check.getMessage());
    // 1e100 is within range: it fits, as every scale does.
    assertTrue(Descent.linear().backend("reference").train(data(1e100), null).converged());
  }

  @Test
  void aTargetPastFloat32sRangeOnTheFloat32PassesNamesTheCauseAndTheRemedies() {
    // 1e30 squared leaves float32's range in OpenCL's float32 passes: the start was "not
    // finite (value NaN)" and no more; the message now says float32 and how to fit it.
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> Descent.linear().backend("opencl").solver("passes").train(data(1e30), null));
    assertTrue(e.getMessage().startsWith("the objective or its gradient is not finite at the"
        + " starting point"), e.getMessage());
    assertTrue(e.getMessage().endsWith(FullBatchLoop.FLOAT32_START), e.getMessage());
    // In float64 it fits (the normal equations, the default for a linear target).
    assertTrue(Descent.linear().backend("opencl").train(data(1e30), null).converged());
  }

  @Test
  void anOwlQnFitScalesWithItsTargetToo() {
    // OWL-QN (the L1 fits' optimizer, and any fit that names it) started its search at a step
    // of length 1 whose decrease, from 1e18 on, was below the objective's rounding: the fit
    // stayed at every weight 0 until its cap (1e18, 1e20, 1e30). An L1 strength of 1e-300 is
    // no penalty at any of these scales, so the weights are the unpenalized ones, scaled.
    FitResult unit = Descent.linear().backend("reference").solver("passes").optimizer("owlqn")
        .train(data(1), null);
    assertTrue(unit.converged(), unit.message());
    double[] w = unit.model().coef();
    for (double s : new double[] {1e-12, 1e12, 1e18, 1e20, 1e30}) {
      for (double l1 : new double[] {0, 1e-300}) {
        FitResult r = Descent.linear().backend("reference").solver("passes").optimizer("owlqn")
            .l1(l1).train(data(s), null);
        String what = s + ", l1 " + l1 + ": " + r.message();
        assertTrue(r.converged(), what);
        double[] ws = r.model().coef();
        for (int j = 0; j < w.length; j++) {
          assertEquals(w[j], ws[j] / s, 1e-6 * Math.abs(w[j]), what + ", weight " + j);
        }
      }
    }
  }

  @Test
  void theScaleIsTheTargetsWeightedStandardDeviationAndOneForTheLogisticLosses() {
    double[] y = {1, 2, 3, 10};
    double[] w = {1, 1, 2, 0};
    // Weighted mean 9 / 4 = 2.25; sum w (y - mean)^2 = 1.5625 + 0.0625 + 1.125 = 2.75.
    assertEquals(Math.sqrt(2.75 / 4), GradientTest.targetScale(Loss.LINEAR, y, w), 1e-15);
    assertEquals(Math.sqrt(50.0 / 4), GradientTest.targetScale(Loss.LINEAR, y, null), 1e-14);
    assertEquals(1.0, GradientTest.targetScale(Loss.LINEAR, new double[] {5, 5}, null));
    assertEquals(1.0, GradientTest.targetScale(Loss.LINEAR, new double[0], null));
    assertEquals(1.0, GradientTest.targetScale(Loss.LOGISTIC, y, null));
    assertEquals(1.0, GradientTest.targetScale(Loss.MULTINOMIAL, y, null));
    // The bound: tolerance x max(s, |J| / s), |J| capped at the start's.
    GradientTest t = new GradientTest(1e-8, 1e20, 1e9);
    assertEquals(1e-8 * 1e9, t.bound(5e17), 1e-9);
    assertEquals(1e-8 * 2e9, t.bound(2e18), 1e-6);
    assertEquals(1e-8 * Math.max(1, 0.5), new GradientTest(1e-8, 1).bound(0.5));
  }
}
