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

  /** A Unix-time target: 1.7e9 seconds plus 3600 per unit of x, with noise of 600. */
  private static Dataset timestamps() {
    Random rnd = new Random(17);
    int n = 1000;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextGaussian();
      x[i][1] = rnd.nextGaussian();
      y[i] = 1.7e9 + 3600 * x[i][0] + 1800 * x[i][1] + 600 * rnd.nextGaussian();
    }
    return Dataset.of(x, y);
  }

  @Test
  void aTargetFarFromZeroIsCheckedAsSharplyAsOneNearIt() {
    // The steps move the margins by 1e-5 of the target's scale. With steps of 1e-5 whatever the
    // target, a mean of 5e5 had a limit of 3.4e-5 at the zero point, 1e12 one of 110 (any
    // gradient passed), and a timestamp target failed a right gradient near the optimum (1.9e-5
    // against a limit of 1.7e-6: the margins' rounding, 2e-7 each, was not in the limit).
    for (Dataset data : List.of(house(1), house(5e5), house(1e8), house(1e12), timestamps())) {
      List<GradientCheck.Row> rows = finiteDifferences(data, Loss.LINEAR);
      assertEquals(4, rows.size());
      for (GradientCheck.Row r : rows) {
        assertTrue(r.passed() && r.relativeError() < 1e-8, r.toString());
        assertEquals(GradientCheck.FINITE_DIFFERENCES, r.tolerance(), r.toString());
      }
    }
    // Where rounding does bound the differences, the limit says so, and never passes a wrong
    // gradient: at most 1e-2.
    double big = GradientCheck.marginRounding(Loss.LINEAR, 1.7e9, 1.8e5);
    assertTrue(big > 100 * Math.ulp(1.8e5), "the margins' rounding " + big);
    assertTrue(GradientCheck.MAX_LIMIT <= 1e-2);
  }

  /**
   * The check is of the objective a fit minimizes, its L2 penalty included: with a penalty that
   * dominates the gradient the random points' figures change (they were the loss's alone, the
   * same for every penalty) and still pass.
   */
  @Test
  void theL2PenaltyIsPartOfTheCheckedObjective() {
    Dataset data = house(1);
    List<GradientCheck.Row> none = GradientCheck.run(data, Loss.LINEAR, 0, true,
        List.of(BackendKind.REFERENCE), true, OpenClOptions.defaults(), 42, m -> { });
    List<GradientCheck.Row> heavy = GradientCheck.run(data, Loss.LINEAR, 1e6, true,
        List.of(BackendKind.REFERENCE), true, OpenClOptions.defaults(), 42, m -> { });
    assertEquals("random-1", none.get(1).point());
    assertTrue(none.get(1).relativeError() != heavy.get(1).relativeError(),
        none.get(1) + " " + heavy.get(1));
    heavy.forEach(r -> assertTrue(r.passed(), r.toString()));
  }

  /**
   * The L1 point is called an optimum only where OWL-QN reached the fits' test: on raw diabetes
   * features it stops short in its iterations, and the bound it missed is given.
   */
  @Test
  void anL1PointShortOfTheTestIsNotCalledAnOptimum() {
    Dataset diabetes = null;
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals("diabetes") && p.split().equals("full")) {
        diabetes = p.load();
      }
    }
    java.util.Map<String, Double> raw = GradientCheck.kktViolations(diabetes, Loss.LINEAR, 0,
        0.01, false, 42);
    assertTrue(raw.containsKey(GradientCheck.L1_STOPPED), raw.toString());
    assertTrue(raw.get(GradientCheck.L1_OPTIMUM) > raw.get(GradientCheck.L1_STOPPED),
        raw.toString());
    java.util.Map<String, Double> standardized = GradientCheck.kktViolations(diabetes,
        Loss.LINEAR, 0, 0.01, true, 42);
    assertTrue(!standardized.containsKey(GradientCheck.L1_STOPPED), standardized.toString());
  }
}
