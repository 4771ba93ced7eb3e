package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test fixture's exact optimum against {@code reference.json}. They differ only by the float32
 * rounding of the features (the reference was solved on float64 features): about 1.5e-8 relative
 * in value and 1.3e-6 in the coefficients for OLS.
 */
class DiabetesFixtureTest {
  @ParameterizedTest(name = "lambda = {0}")
  @ValueSource(doubles = {0.0, Diabetes.RIDGE})
  void exactOptimumIsStationaryAndMatchesTheReferenceUpToFloat32Rounding(double l2,
      TestReporter reporter) {
    Diabetes diabetes = Diabetes.load();
    double[] theta = diabetes.exactOptimum(l2);
    double grad = 0;
    for (double g : diabetes.objective(l2).evaluate(theta).gradient()) {
      grad = Math.max(grad, Math.abs(g));
    }
    double value = diabetes.optimalValue(l2);
    double gap = (value - diabetes.referenceValue(l2)) / diabetes.referenceValue(l2);
    double[] ref = diabetes.referenceOptimum(l2);
    double coef = 0;
    for (int j = 0; j < theta.length; j++) {
      coef = Math.max(coef, Math.abs(theta[j] - ref[j]) / Math.max(1, Math.abs(ref[j])));
    }
    reporter.publishEntry("diabetes lambda=" + l2, "float32 optimum " + value + ", relative gap "
        + gap + " to reference.json, coefficients " + coef + ", max |gradient| " + grad);
    assertTrue(grad <= 1e-12, "max |gradient| at the exact optimum " + grad);
    assertTrue(Math.abs(gap) <= 2e-8, "relative gap to reference.json " + gap);
    assertTrue(coef <= 2e-6, "coefficients differ from reference.json by " + coef);
  }
}
