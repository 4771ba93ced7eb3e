package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GramBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.optim.OwlQn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coordinate descent on the normal equations: it reaches reference.json's lasso and elastic-net
 * optima of the regression sets (objective within 1e-6 relative, in fact far closer, and exactly
 * the reference's support), it agrees with OWL-QN on the same statistics (what a linear path ran
 * before), with and without standardization, and its zeros are exact.
 */
class GramCoordinateDescentTest {
  private static final int P_MAX = Descent.DEFAULT_MAX_ITERATIONS;
  private static final double TOLERANCE = Descent.DEFAULT_TOLERANCE;

  static Stream<Arguments> regression() {
    List<Arguments> args = new ArrayList<>();
    for (String d : List.of("diabetes", "mtcars")) {
      for (String split : List.of("full", "split80_20")) {
        for (String key : L1OptimaTest.KEYS) {
          args.add(Arguments.of(d, split, key));
        }
      }
    }
    return args.stream();
  }

  private static GramBackend gram(Dataset data, Standardization std) {
    return Backends.normalEquations(BackendKind.REFERENCE, data, std,
        Columns.of(Loss.LINEAR, 1), OpenClOptions.defaults());
  }

  private static double[] constantModel(Dataset data) {
    double[] start = new double[data.features() + 1];
    start[0] = Trainer.initialIntercept(Loss.LINEAR, data.y(), data.weights());
    return start;
  }

  @ParameterizedTest(name = "{0}/{1}/{2}")
  @MethodSource("regression")
  void reachesTheReferenceOptimumWithItsSupport(String dataset, String split, String key) {
    JsonNode entry = MultinomialOptimaTest.reference().get(dataset).get(split).get(key);
    double optimum = entry.get("objective_value").asDouble();
    double l1 = entry.get("lambda1").asDouble();
    double l2 = entry.get("lambda2").asDouble();
    Dataset data = L1OptimaTest.load(dataset, split, Loss.LINEAR);
    GramCoordinateDescent cd = new GramCoordinateDescent(gram(data, Standardization.fit(data)),
        P_MAX, TOLERANCE, scale(data));
    GramCoordinateDescent.Fit f = cd.fit(l1, l2, constantModel(data), () -> false);
    String what = dataset + "/" + split + "/" + key;
    assertTrue(f.converged(), what + ": " + f.message());
    assertEquals(StopReason.GRADIENT_TOLERANCE, f.stopReason());
    double rel = (f.objective() - optimum) / Math.abs(optimum);
    assertTrue(Math.abs(rel) <= 1e-6, what + ": objective " + f.objective() + " vs exact "
        + optimum + " (relative " + rel + ")");
    assertTrue(f.kktViolation() <= TOLERANCE * Math.max(1, Math.abs(f.objective())),
        what + ": KKT " + f.kktViolation());
    JsonNode ref = entry.get("coef");
    int p = data.features() + 1;
    for (int j = 0; j < data.features(); j++) {
      assertEquals(ref.get(j).asDouble() == 0, f.theta()[1 + j] == 0, what + ": zero at "
          + j + ": " + f.theta()[1 + j] + " vs " + ref.get(j));
    }
    assertEquals(entry.get("support_size").asInt(), Objective.nonzero(f.theta(), p), what);
  }

  /**
   * The fits OWL-QN made on the same statistics (the path's solver before): the same objective
   * to 1e-9 relative and the same support, at penalties from lambda_max's neighbourhood down,
   * each warm-started from the previous one as a path does; with and without standardization
   * (then the intercept is not decoupled from the weights and moves with them: on the raw
   * diabetes features OWL-QN reaches its 1000-iteration cap at every one of these penalties
   * where coordinate descent converges, so there its objective is only asserted no lower).
   */
  @Test
  void agreesWithOwlQnOnTheSameStatistics() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    for (boolean standardize : new boolean[] {true, false}) {
      Standardization std = standardize ? Standardization.fit(data)
          : Standardization.identity(data.features());
      GramBackend gram = gram(data, std);
      GramCoordinateDescent cd = new GramCoordinateDescent(gram, P_MAX, TOLERANCE, scale(data));
      int p = data.features() + 1;
      double[] warm = constantModel(data);
      double scale = standardize ? 1 : 1e-3;
      for (double[] s : new double[][] {{3, 3}, {0.3, 0.3}, {0.03, 0}, {0.003, 0.003},
          {1e-4, 0}}) {
        double l1 = s[0] * scale;
        double l2 = s[1] * scale;
        GramCoordinateDescent.Fit f = cd.fit(l1, l2, warm, () -> false);
        LockstepFit.Settings settings = new LockstepFit.Settings(new OwlQn(), P_MAX, TOLERANCE,
            Descent.linear().config().objectiveTolerance());
        LockstepFit.Result r = new LockstepFit(settings).fit(data,
            c -> gram.select(c), c -> gram.select(c), Columns.of(Loss.LINEAR, 1), std,
            List.of(new LockstepFit.Model(l2, l1, null, warm)));
        LockstepFit.ModelResult m = r.models().get(0);
        String what = (standardize ? "standardized" : "raw") + " l1=" + l1 + " l2=" + l2;
        assertTrue(f.converged(), what + ": " + f.message());
        assertTrue(f.kktViolation() <= TOLERANCE * Math.max(1, Math.abs(f.objective())),
            what + ": KKT " + f.kktViolation());
        assertTrue(f.objective() <= m.objective() * (1 + 1e-12), what + ": coordinate descent "
            + f.objective() + " vs OWL-QN " + m.objective());
        if (m.converged()) {
          assertEquals(m.objective(), f.objective(), 1e-9 * Math.abs(m.objective()), what);
          for (int j = 1; j < p; j++) {
            assertEquals(m.theta()[j] == 0, f.theta()[j] == 0, what + ": zero at " + j + ": "
                + f.theta()[j] + " vs " + m.theta()[j]);
          }
        } else {
          // Unstandardized features of large means: OWL-QN reaches its cap where coordinate
          // descent (its intercept profiled out) converges; it is then only no better.
          assertFalse(standardize, what + ": OWL-QN " + m.message());
        }
        warm = f.theta();
      }
    }
  }

  @Test
  void softThresholdZeroesExactlyInsideIt() {
    assertEquals(0.0, GramCoordinateDescent.soft(0.5, 0.5));
    assertEquals(0.0, GramCoordinateDescent.soft(-0.25, 0.5));
    assertEquals(0.25, GramCoordinateDescent.soft(0.75, 0.5));
    assertEquals(-0.25, GramCoordinateDescent.soft(-0.75, 0.5));
  }

  /**
   * Strongly correlated features (diabetes' s1 to s4), every weight nonzero: cyclic sweeps close
   * in slowly (1000 left a KKT violation of 1.9e-6 at l1 0.234), the sign-fixed Newton step on
   * the support lands on the optimum.
   */
  @Test
  void theNewtonStepOnTheSupportFinishesASlowLasso() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    GramCoordinateDescent cd = new GramCoordinateDescent(gram(data, Standardization.fit(data)),
        P_MAX, TOLERANCE, scale(data));
    GramCoordinateDescent.Fit f = cd.fit(0.23390522927245033, 0, constantModel(data),
        () -> false);
    assertTrue(f.converged(), f.message());
    assertEquals(10, java.util.Arrays.stream(f.theta()).skip(1).filter(w -> w != 0).count());
    assertTrue(f.kktViolation() < 1e-11, f.message());
  }

  /** The sweep cap stops a fit, not converged, and a stop request ends it between sweeps. */
  @Test
  void capAndStopEndAFitUnconverged() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    Standardization std = Standardization.fit(data);
    GramBackend gram = gram(data, std);
    GramCoordinateDescent.Fit capped = new GramCoordinateDescent(gram, 1, TOLERANCE, scale(data))
        .fit(1e-4, 0, constantModel(data), () -> false);
    assertFalse(capped.converged(), capped.message());
    assertEquals(StopReason.MAX_ITERATIONS, capped.stopReason());
    assertEquals(1, capped.sweeps());
    GramCoordinateDescent.Fit stopped = new GramCoordinateDescent(gram, P_MAX, TOLERANCE,
        scale(data))
        .fit(1e-4, 0, constantModel(data), () -> true);
    assertFalse(stopped.converged());
    assertEquals(StopReason.INTERRUPTED, stopped.stopReason());
  }
  /** The curvature is the gradient's exact change along each coordinate (the loss is quadratic). */
  @Test
  void curvatureIsTheGradientsChange() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    GramBackend gram = gram(data, Standardization.fit(data));
    int p = data.features() + 1;
    double[] h = gram.curvature();
    double[] w = constantModel(data);
    w[3] = 0.7;
    double[] g0 = gram.evaluateColumns(w, io.descent.gradient.Batch.all(data.rows())).gradient();
    for (int j = 0; j < p; j++) {
      double[] moved = w.clone();
      moved[j] += 0.5;
      double[] g1 = gram.evaluateColumns(moved, io.descent.gradient.Batch.all(data.rows()))
          .gradient();
      for (int k = 0; k < p; k++) {
        assertEquals(h[k * p + j] * 0.5, g1[k] - g0[k], 1e-9 * (1 + Math.abs(g0[k])),
            "entry " + k + " along " + j);
        assertEquals(h[k * p + j], h[j * p + k], 0.0, "symmetric");
      }
    }
  }

  /** The gradient test's scale of a linear fit to the data's targets. */
  private static double scale(Dataset data) {
    return GradientTest.targetScale(Loss.LINEAR, data.y(), data.weights());
  }
}
