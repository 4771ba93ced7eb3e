package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.gradient.BackendKind;
import io.descent.gradient.GramBackend;
import io.descent.gradient.MomentsFixtures;
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
 * The normal-equations solver in the trainer: the exact linear optima of reference.json (OLS and
 * ridge, diabetes and mtcars, all rows and the 80/20 split) to 1e-6 relative on every backend's
 * moments, no float64 finish, the result naming what ran, verification, and the choice rules.
 */
class NormalEquationsTest {
  static Stream<Arguments> linearProblems() {
    List<Arguments> args = new ArrayList<>();
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.loss() == Loss.LINEAR) {
        for (BackendKind b : List.of(BackendKind.REFERENCE, BackendKind.ND4J,
            BackendKind.OPENCL)) {
          args.add(Arguments.of(p, b));
        }
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("linearProblems")
  void normalEquationsReachTheExactOptimum(ReferenceProblems.Problem problem,
      BackendKind backend) {
    if (backend == BackendKind.OPENCL) {
      OpenClAvailability.require();
    }
    FitResult r = Descent.linear().l2(problem.l2()).backend(backend.label()).solver("normal")
        .train(problem.load(), null);
    assertEquals(backend, r.backend().kind());
    assertTrue(r.backend().device().startsWith("normal equations (statistics from "),
        r.backend().summary());
    assertEquals("float64", r.backend().precision());
    assertTrue(r.converged(), problem + ": " + r.stopReason() + ": " + r.message());
    assertFalse(r.hyperparameters().containsKey("polish"), "no float64 finish: " + r.message());
    assertTrue(String.valueOf(r.hyperparameters().get("solver")).startsWith("normal equations"));
    double rel = (r.objective() - problem.optimum()) / Math.abs(problem.optimum());
    assertTrue(Math.abs(rel) <= 1e-6, problem + " on " + backend + ": objective "
        + r.objective() + " vs exact " + problem.optimum() + " (relative " + rel + ")");
  }

  @Test
  void autoTakesTheNormalEquationsForLinearFullBatchOnly() {
    Dataset mtcars = MomentsFixtures.mtcars();
    FitResult auto = Descent.linear().backend("reference").train(mtcars, null);
    assertTrue(auto.backend().device().startsWith("normal equations"), auto.backend().summary());
    FitResult passes = Descent.linear().backend("reference").solver("passes")
        .train(mtcars, null);
    assertEquals("Java (host CPU)", passes.backend().device());
    assertFalse(passes.hyperparameters().containsKey("solver"));
    assertEquals(auto.objective(), passes.objective(), 1e-9 * Math.abs(passes.objective()));
    FitResult sgd = Descent.linear().backend("reference").optimizer("adam").maxEpochs(3)
        .train(mtcars, null);
    assertEquals("Java (host CPU)", sgd.backend().device());
  }

  @Test
  void autoComputesASmallFitsMomentsOnTheHostAndALargeOnesWhereItWould() {
    Dataset mtcars = MomentsFixtures.mtcars();
    // Small: no OpenCL start, the host's moments (HostMoments), the same optimum as passes.
    FitResult auto = Descent.linear().train(mtcars, null);
    assertEquals(io.descent.gradient.BackendKind.REFERENCE, auto.backend().kind(),
        auto.backend().summary());
    assertTrue(auto.backend().device().startsWith("normal equations (statistics from Java"),
        auto.backend().summary());
    FitResult passes = Descent.linear().backend("reference").solver("passes")
        .train(mtcars, null);
    assertEquals(passes.objective(), auto.objective(), 1e-9 * Math.abs(passes.objective()));
    // Not under an explicit backend, not for passes, not for the logistic loss.
    assertTrue(NormalEquations.onHost("auto", null, Solver.AUTO, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
    assertFalse(NormalEquations.onHost("opencl", null, Solver.AUTO, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
    assertFalse(NormalEquations.onHost("auto", null, Solver.PASSES, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
    assertFalse(NormalEquations.onHost("auto", null, Solver.AUTO, false, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
    assertFalse(NormalEquations.onHost("auto", null, Solver.AUTO, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LOGISTIC)));
    // A named OpenCL device is the user's choice (and is checked): OpenCL runs.
    assertTrue(NormalEquations.onHost("auto", io.descent.gradient.OpenClOptions.defaults(),
        Solver.AUTO, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
    assertFalse(NormalEquations.onHost("auto", new io.descent.gradient.OpenClOptions("0", "auto",
        "float", "auto"), Solver.AUTO, true, mtcars,
        io.descent.gradient.Columns.single(io.descent.loss.Loss.LINEAR)));
  }

  @Test
  void theRuleOfAuto() {
    int max = Solver.NORMAL_MAX_FEATURES;
    assertTrue(Solver.AUTO.normalFor(Loss.LINEAR, true, 10_000, max));
    assertFalse(Solver.AUTO.normalFor(Loss.LINEAR, true, 10_000, max + 1));
    assertFalse(Solver.AUTO.normalFor(Loss.LINEAR, true, 20, 20));
    assertFalse(Solver.AUTO.normalFor(Loss.LINEAR, false, 10_000, 5));
    assertFalse(Solver.AUTO.normalFor(Loss.LOGISTIC, true, 10_000, 5));
    assertFalse(Solver.PASSES.normalFor(Loss.LINEAR, true, 10_000, 5));
    assertTrue(Solver.NORMAL.normalFor(Loss.LINEAR, true, 20, 2000));
    assertEquals(Solver.NORMAL, Solver.fromLabel("Normal"));
    assertThrows(IllegalArgumentException.class, () -> Solver.fromLabel("cholesky"));
  }

  @Test
  void normalIsRefusedWhereItDoesNotApply() {
    Dataset mtcars = MomentsFixtures.mtcars();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().backend("reference").solver("normal").optimizer("sgd")
            .train(mtcars, null));
    assertTrue(e.getMessage().contains("full-batch"), e.getMessage());
    ReferenceProblems.Problem logistic = ReferenceProblems.all().stream()
        .filter(p -> p.loss() == Loss.LOGISTIC).findFirst().orElseThrow();
    e = assertThrows(IllegalArgumentException.class, () -> Descent.logistic()
        .backend("reference").solver("normal").train(logistic.load(), null));
    assertTrue(e.getMessage().contains("linear loss"), e.getMessage());
  }

  /** A backend that computes no moments: the reference behind a plain wrapper. */
  private static Trainer wrapped() {
    return new Trainer((kind, data, standardization, loss, openCl) -> {
      io.descent.gradient.GradientBackend inner = new io.descent.gradient.ReferenceBackend(data,
          standardization, loss);
      return new io.descent.gradient.GradientBackend() {
        @Override
        public io.descent.gradient.BackendInfo info() {
          return inner.info();
        }

        @Override
        public int rows() {
          return inner.rows();
        }

        @Override
        public int features() {
          return inner.features();
        }

        @Override
        public io.descent.gradient.Columns columns() {
          return inner.columns();
        }

        @Override
        public io.descent.gradient.BatchedEvaluation evaluateColumns(double[] w,
            io.descent.gradient.Batch batch) {
          return inner.evaluateColumns(w, batch);
        }

        @Override
        public double tolerance() {
          return 0;
        }

        @Override
        public void close() {}
      };
    });
  }

  @Test
  void aBackendWithoutMomentsKeepsItsPassesOrHasThemComputedOnTheHost() {
    Dataset mtcars = MomentsFixtures.mtcars();
    TrainingConfig config = Descent.linear().backend("reference").config(mtcars);
    List<String> notices = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void message(String line) {
        notices.add(line);
      }
    };
    FitResult auto = wrapped().fit(mtcars, config, listener);
    assertEquals("Java (host CPU)", auto.backend().device());
    assertTrue(notices.isEmpty(), notices.toString());
    FitResult normal = wrapped().solver(Solver.NORMAL).fit(mtcars, config, listener);
    assertTrue(normal.backend().device().startsWith("normal equations"));
    assertTrue(notices.stream().anyMatch(n -> n.contains("computed on the host by the"
        + " reference")), notices.toString());
    assertEquals(auto.objective(), normal.objective(), 1e-9 * auto.objective());
  }

  @Test
  void verificationComparesWithTheReference() {
    for (String backend : new String[] {"reference", "nd4j"}) {
      FitResult r = Descent.linear().l2(0.01).backend(backend).solver("normal").verifyEvery(1)
          .train(MomentsFixtures.diabetes(), null);
      assertTrue(r.converged(), r.message());
      assertTrue(r.verification() <= GramBackend.TOLERANCE, "verification " + r.verification());
    }
  }

  @Test
  void weightedFitsAgreeWithPasses() {
    Dataset diabetes = MomentsFixtures.diabetes();
    double[] w = new double[diabetes.rows()];
    java.util.Random random = new java.util.Random(51);
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextInt(5) == 0 ? 0 : 0.5 + 2 * random.nextDouble();
    }
    Dataset data = diabetes.withWeights(w);
    FitResult normal = Descent.linear().l2(0.01).backend("nd4j").solver("normal")
        .train(data, null);
    FitResult passes = Descent.linear().l2(0.01).backend("reference").solver("passes")
        .train(data, null);
    assertTrue(normal.converged(), normal.message());
    assertTrue(passes.converged(), passes.message());
    assertEquals(passes.objective(), normal.objective(), 1e-9 * Math.abs(passes.objective()));
  }
}
