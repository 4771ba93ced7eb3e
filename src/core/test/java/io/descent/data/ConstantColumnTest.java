package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.train.FitResult;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which columns are constant: those whose spread is rounding of their own values, not those of
 * a small spread. A feature of standard deviation 1e-12 around 0 once got scale 1 (an absolute
 * floor) and its weight was lost; scikit-learn scales it.
 */
class ConstantColumnTest {
  @Test
  void aSmallSpreadIsScaledAndARoundingSpreadIsConstant() {
    assertEquals(1e-12, Standardization.scaleOf(1e-12, 0.0));
    assertEquals(1e-20, Standardization.scaleOf(1e-20, 3e-20));
    assertEquals(2.5, Standardization.scaleOf(2.5, 1e6));
    // Rounding of a constant column's values, relative to their magnitude: constant.
    assertEquals(1.0, Standardization.scaleOf(1e-13, 1000.0));
    assertEquals(1.0, Standardization.scaleOf(0.0, 0.0));
    assertEquals(1.0, Standardization.scaleOf(0.0, 5.0));
    // Below the smallest scale whose inverse squared is a float64: constant.
    assertEquals(1.0, Standardization.scaleOf(Standardization.MIN_SCALE / 2, 0.0));
    assertEquals(1e-40, Standardization.scaleOf(1e-40, 0.0));
    assertEquals(Standardization.MIN_SCALE,
        Standardization.scaleOf(Standardization.MIN_SCALE, 0.0));
  }

  @Test
  void aLinearFitUsesAFeatureOfTinySpread() {
    // y depends on t, whose spread is 1e-12: the fit explains y (R2 near 1), as least squares
    // does, on the reference and on OpenCL's float32 kernels.
    Random rnd = new Random(5);
    int n = 200;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = (float) (rnd.nextGaussian() * 1e-12);
      x[i][1] = (float) rnd.nextGaussian();
      y[i] = x[i][0] / 1e-12 + 0.1 * x[i][1] + 0.01 * rnd.nextGaussian();
    }
    Dataset data = Dataset.of(x, y);
    Standardization s = Standardization.fit(data);
    assertTrue(s.scale()[0] > 0.5e-12 && s.scale()[0] < 2e-12, "scale " + s.scale()[0]);
    for (String backend : new String[] {"reference", "opencl"}) {
      FitResult r = Descent.linear().backend(backend).train(data, null);
      assertTrue(r.converged(), backend + ": " + r.message());
      double[] w = r.model().coef();
      assertEquals(1e12, w[0], 1e10, backend + ": weight of t");
      assertEquals(0.1, w[1], 5e-3, backend + ": weight of c");
    }
  }

  @Test
  void featuresOfSpread1e31And1e40AreScaledOnEveryBackend() {
    // A floor of 1e-30 on the scale gave such a feature scale 1 without a notice: its weight
    // stayed near 0 and the fit far from least squares (objective 2.1 where scikit-learn's
    // StandardScaler and LinearRegression reach 0.12). 1e-40 is a float32 subnormal's size.
    for (double spread : new double[] {1e-31, 1e-40}) {
      Random rnd = new Random(7);
      int n = 300;
      double[][] x = new double[n][2];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i][0] = (float) (rnd.nextGaussian() * spread);
        x[i][1] = (float) rnd.nextGaussian();
        y[i] = x[i][0] / spread + 0.1 * x[i][1] + 0.01 * rnd.nextGaussian();
      }
      Dataset data = Dataset.of(x, y);
      Standardization s = Standardization.fit(data);
      assertTrue(s.scale()[0] > 0.5 * spread && s.scale()[0] < 2 * spread,
          "scale " + s.scale()[0]);
      for (String backend : new String[] {"reference", "opencl", "nd4j"}) {
        FitResult r = Descent.linear().backend(backend).train(data, null);
        assertTrue(r.converged(), spread + ", " + backend + ": " + r.message());
        double[] w = r.model().coef();
        assertEquals(1 / spread, w[0], 0.02 / spread, spread + ", " + backend + ": weight of t");
        assertEquals(0.1, w[1], 5e-3, spread + ", " + backend + ": weight of c");
        assertTrue(r.objective() < 1e-3, spread + ", " + backend + ": " + r.objective());
      }
    }
  }
}
