package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.opencl.OpenClAvailability;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier's error measure holds for every batch a training run can verify, down to a single
 * well-fitted row, where the residual and loss tend to 0 and their plain relative errors grow
 * without bound; and it still catches a gradient that is wrong by 0.1%.
 */
class VerifierTest {
  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (BackendKind kind : new BackendKind[] {BackendKind.ND4J, BackendKind.OPENCL}) {
      for (String layout : kind == BackendKind.OPENCL ? new String[] {"cpu", "gpu"}
          : new String[] {"-"}) {
        cases.add(Arguments.of(kind, layout, "spambase", true));
        cases.add(Arguments.of(kind, layout, "breast_cancer_wdbc", false));
        cases.add(Arguments.of(kind, layout, "diabetes", true));
      }
    }
    return cases.stream();
  }

  private static ReferenceProblems.Problem problem(String dataset) {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals(dataset) && p.split().equals("full")) {
        return p;
      }
    }
    throw new AssertionError(dataset);
  }

  @ParameterizedTest(name = "{0} {1} on {2}, standardized {3}")
  @MethodSource("cases")
  void everySingleRowOfAFittedModelPassesAndAWrongGradientFails(BackendKind kind,
      String layout, String dataset, boolean standardize, TestReporter reporter) {
    if (kind == BackendKind.OPENCL) {
      OpenClAvailability.require();
    }
    ReferenceProblems.Problem p = problem(dataset);
    Dataset data = p.load();
    Descent descent = p.loss() == Loss.LOGISTIC ? Descent.logistic() : Descent.linear();
    // A fitted model: most rows are fitted well, the hard case for a relative error.
    FitResult fit = descent.l2(0.01).standardize(standardize).backend("reference")
        .maxIterations(200).train(data, null);
    Standardization s = standardize ? Standardization.fit(data)
        : Standardization.identity(data.features());
    double[] theta = fit.model().theta();
    OpenClOptions options = new OpenClOptions(null, layout.equals("-") ? "auto" : layout,
        "float");
    try (GradientBackend backend = Backends.open(kind, data, s, p.loss(), options)) {
      Verifier verifier = new Verifier(data, s, p.loss(), backend.tolerance());
      double worstRelative = 0;
      for (int i = 0; i < data.rows(); i++) {
        Batch one = new Batch(new int[] {i}, 0, 1);
        Verifier.Check c = verifier.verify(i, theta, one, backend.evaluate(theta, one));
        worstRelative = Math.max(worstRelative, c.relativeError());
      }
      Verifier.Check all = verifier.verify(-1, theta, Batch.all(data.rows()),
          backend.evaluate(theta, Batch.all(data.rows())));
      reporter.publishEntry(kind + " " + layout + " " + dataset, String.format(
          "largest scaled error %.2e over %d single rows and the full batch (tolerance %.0e);"
              + " largest plain relative error of a single row %.2e", verifier.largestError(),
          data.rows(), backend.tolerance(), worstRelative));
      assertEquals(data.rows() + 1, verifier.checks());
      assertTrue(verifier.largestError() <= backend.tolerance());

      // A plausible bug: the backend computed at stale weights (the intercept off by 1%).
      double[] stale = theta.clone();
      stale[0] += 0.01 * (1 + Math.abs(theta[0]));
      Batch full = Batch.all(data.rows());
      Evaluation wrong = backend.evaluate(stale, full);
      assertThrows(VerificationException.class, () -> verifier.verify(0, theta, full, wrong));
      for (int i : new int[] {0, data.rows() / 2, data.rows() - 1}) {
        Batch one = new Batch(new int[] {i}, 0, 1);
        Evaluation wrongRow = backend.evaluate(stale, one);
        assertThrows(VerificationException.class,
            () -> verifier.verify(0, theta, one, wrongRow), "row " + i);
      }
      assertTrue(all.error() <= backend.tolerance());
    }
  }
}
