package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.gradient.BackendKind;
import io.descent.gradient.opencl.OpenClAvailability;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance: with its defaults, training reaches every exact optimum of reference.json to 1e-6
 * relative, on every backend (reference, ND4J, OpenCL), and reports separability where there is
 * no optimum.
 */
class ReferenceOptimaTest {
  static Stream<Arguments> problemsWithOptimum() {
    List<Arguments> args = new ArrayList<>();
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (!p.separable()) {
        for (BackendKind b : List.of(BackendKind.REFERENCE, BackendKind.ND4J,
            BackendKind.OPENCL)) {
          args.add(Arguments.of(p, b));
        }
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("problemsWithOptimum")
  void defaultsReachTheExactOptimum(ReferenceProblems.Problem problem, BackendKind backend) {
    if (backend == BackendKind.OPENCL) {
      OpenClAvailability.require();
    }
    Dataset data = problem.load();
    Descent descent = problem.loss() == Loss.LOGISTIC ? Descent.logistic() : Descent.linear();
    FitResult r = descent.l2(problem.l2()).backend(backend.label()).train(data, null);
    assertEquals(backend, r.backend().kind());
    double rel = (r.objective() - problem.optimum()) / Math.abs(problem.optimum());
    assertTrue(r.converged(), problem + ": stopped with " + r.stopReason() + ": " + r.message());
    assertTrue(Math.abs(rel) <= 1e-6, problem + " on " + backend + ": objective " + r.objective()
        + " vs exact " + problem.optimum() + " (relative " + rel + ")");
  }

  @Test
  void separableDataIsReportedNotRunToTheCap() {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals("breast_cancer_wdbc") && p.objective().equals("logistic_unpenalized")) {
        FitResult r = Descent.logistic().backend("reference").train(p.load(), null);
        assertEquals(StopReason.SEPARABLE, r.stopReason(), p + ": " + r.message());
        assertTrue(r.message().contains("l2(0.01)"), r.message());
        assertTrue(r.iterations() < 1000, "took " + r.iterations() + " iterations");
      }
    }
  }

  @Test
  void everyProblemIsCovered() {
    List<ReferenceProblems.Problem> all = ReferenceProblems.all();
    // 5 datasets x 2 splits x 2 objectives.
    assertEquals(20, all.size(), all.toString());
  }
}
