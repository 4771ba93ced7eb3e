package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.gradient.BackendKind;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The finite-difference check's limit: 1e-6 of the gradient, or the rounding a central
 * difference cannot avoid where the objective is large against its gradient.
 */
class GradientCheckTest {
  private static Dataset house(double mean) {
    Random rnd = new Random(13);
    int n = 300;
    double[][] x = new double[n][1];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextGaussian();
      y[i] = mean + 0.2 * mean * x[i][0] + 0.06 * mean * rnd.nextGaussian();
    }
    return Dataset.of(x, y);
  }

  private static List<GradientCheck.Row> finiteDifferences(Dataset data, Loss loss) {
    return GradientCheck.run(data, loss, 0, true, List.of(BackendKind.REFERENCE), true,
        OpenClOptions.defaults(), 42, m -> { }).stream()
        .filter(r -> r.checked().equals("reference vs finite differences")).toList();
  }

  @Test
  void aTargetFarFromZeroPassesWithTheRoundingItsDifferencesCarry() {
    // A target of mean 5e5 (house prices): at the zero point the objective is about 1e11 and a
    // step of 1e-5 leaves its difference some 1e-6 of the gradient: the limit says so.
    for (double mean : new double[] {5e5, 1e8}) {
      List<GradientCheck.Row> rows = finiteDifferences(house(mean), Loss.LINEAR);
      assertEquals(4, rows.size());
      for (GradientCheck.Row r : rows) {
        assertTrue(r.passed(), mean + " " + r);
        assertTrue(r.tolerance() >= GradientCheck.FINITE_DIFFERENCES, r.toString());
      }
      assertTrue(rows.get(0).tolerance() > GradientCheck.FINITE_DIFFERENCES, rows.toString());
    }
    // On a target near 1 the limit stays 1e-6, and the check is that sharp.
    for (GradientCheck.Row r : finiteDifferences(house(1), Loss.LINEAR).subList(0, 3)) {
      assertEquals(GradientCheck.FINITE_DIFFERENCES, r.tolerance(), r.toString());
      assertTrue(r.passed() && r.relativeError() < 1e-8, r.toString());
    }
  }
}
