package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The float64 finish of a float32 fit that stops for want of progress, with a stand-in float32
 * backend: the exact (reference) values, and a gradient {@value #INFLATION} times the exact one,
 * so that its own gradient test cannot hold where the float64 one already does. The finish opens
 * (on the stand-in float64 backend), its first evaluation at the same weights passes the test,
 * and it is closed unused ({@code Fit.endPolishUnused}); the fit is then judged by the reference
 * as always.
 */
class Float64FinishTest {
  /** How much the stand-in float32 backend inflates the gradient. */
  static final double INFLATION = 10;

  /** Delegates to a real backend under another name and precision, counting its use. */
  static final class StandIn implements GradientBackend {
    private final GradientBackend real;
    private final String precision;
    private final double gradientFactor;
    final AtomicInteger evaluations = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    StandIn(GradientBackend real, String precision, double gradientFactor) {
      this.real = real;
      this.precision = precision;
      this.gradientFactor = gradientFactor;
    }

    @Override
    public BackendInfo info() {
      return new BackendInfo(BackendKind.OPENCL, "stand-in", precision, "cpu");
    }

    @Override
    public int rows() {
      return real.rows();
    }

    @Override
    public int features() {
      return real.features();
    }

    @Override
    public Columns columns() {
      return real.columns();
    }

    @Override
    public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
      evaluations.incrementAndGet();
      BatchedEvaluation e = real.evaluateColumns(w, batch);
      double[] g = e.gradient().clone();
      for (int j = 0; j < g.length; j++) {
        g[j] *= gradientFactor;
      }
      return new BatchedEvaluation(e.loss(), g, e.weight(), e.columns());
    }

    @Override
    public double tolerance() {
      return 0;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      real.close();
    }
  }

  private static Dataset spambase() {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals("spambase") && p.split().equals("full")) {
        return p.load();
      }
    }
    throw new AssertionError();
  }

  @Test
  void aFinishWhoseFirstEvaluationPassesIsClosedUnused() {
    Dataset data = spambase();
    List<StandIn> float32 = new ArrayList<>();
    List<StandIn> float64 = new ArrayList<>();
    List<Integer> float32ClosesWhenFloat64Opened = new ArrayList<>();
    Trainer trainer = new Trainer((kind, d, s, loss, openCl) -> {
      boolean doubles = openCl.precision().equals("double");
      if (doubles) {
        float32ClosesWhenFloat64Opened.add(float32.get(0).closes.get());
      }
      StandIn b = new StandIn(new ReferenceBackend(d, s, loss), doubles ? "float64" : "float32",
          doubles ? 1 : INFLATION);
      (doubles ? float64 : float32).add(b);
      return b;
    });
    TrainingConfig config = Descent.logistic().l2(0.01).backend("opencl").tolerance(1e-2)
        .config(data);
    FitResult r = trainer.fit(data, config, TrainingListener.NONE);
    assertEquals(1, float32.size());
    assertEquals(1, float64.size(), "the float64 finish opened once");
    assertEquals(1, float64.get(0).evaluations.get(), "one evaluation, at the float32 weights");
    assertEquals(1, float64.get(0).closes.get(), "and was closed");
    // The float32 backend's copy of the rows goes back before the float64 one is made (so that
    // its memory can be handed out again); its owner's close at the end finds it closed.
    assertEquals(List.of(1), float32ClosesWhenFloat64Opened);
    assertEquals(2, float32.get(0).closes.get());
    assertEquals(float32.get(0).evaluations.get() + 1, r.evaluations(),
        "every evaluation counted, the float64 one too");
    assertTrue(r.converged(), r.message());
    assertTrue(r.message().startsWith("converged: "), r.message());
    assertFalse(r.message().contains("ran in float64"), r.message());
    assertFalse(r.hyperparameters().containsKey("polish"),
        r.hyperparameters().toString());
    assertTrue(r.stopReason() == StopReason.PRECISION_LIMIT
        || r.stopReason() == StopReason.OBJECTIVE_TOLERANCE, r.stopReason().toString());
    // Judged by the reference at the final weights: the gradient test holds there.
    assertTrue(r.gradientNorm() <= 1e-2 * Math.max(1, r.objective()) * Math.sqrt(58),
        "gradient norm " + r.gradientNorm());
  }

  @Test
  void theFinishSaysWhichStopItFollowed() {
    // A float32 fit stopped by the user's objective tolerance (1: the second iteration's change
    // is below it) whose gradient test fails goes on in float64: its note said float32 "could
    // make no further progress", where the user's test had stopped it.
    FitResult r = Descent.logistic().l2(0.01).backend("opencl").objectiveTolerance(1.0)
        .train(spambase(), null);
    assertTrue(r.message().contains("ran in float64"), r.message());
    assertTrue(r.message().contains("after float32's objective changes fell below the"
        + " tolerance"), r.message());
    assertFalse(r.message().contains("could make no further progress"), r.message());
    assertEquals("where float32 could make no further progress",
        Fit.finishReason(StopReason.PRECISION_LIMIT));
    assertEquals("where float32's gradient met the tolerance and float64's did not",
        Fit.finishReason(StopReason.GRADIENT_TOLERANCE));
    // One-vs-rest's models, finished in float64 together, say it too.
    OneVsRest ovr = Descent.logistic().oneVsRest().l2(0.01).backend("opencl")
        .objectiveTolerance(1.0).trainOneVsRest(StepTooLongTest.threeClasses(300), null);
    int finished = 0;
    for (LockstepFit.ModelResult m : ovr.fit().models()) {
      if (m.message().contains("ran in float64")) {
        finished++;
        assertTrue(m.message().contains("after float32's objective changes fell below the"
            + " tolerance"), m.message());
      }
    }
    assertTrue(finished > 0, "a class finished in float64");
  }

  /**
   * Class c's objective at the one-vs-rest model's weights by the float64 reference: the mean
   * logistic loss of {@code y == c} plus (l2/2)||w||^2 over the standardized weights.
   */
  private static double referenceObjective(Dataset data, OneVsRest ovr, int c, double l2) {
    double[] y = new double[data.rows()];
    for (int i = 0; i < y.length; i++) {
      y[i] = data.y()[i] == c ? 1 : 0;
    }
    Dataset binary = new Dataset(data.source(), data.featureNames(), "is" + c, data.x(), y,
        io.descent.data.BinaryLabels.zeroOne());
    double[] theta = ovr.model(c).theta();
    try (GradientBackend reference = new ReferenceBackend(binary,
        ovr.model(c).standardization(), Columns.single(io.descent.loss.Loss.LOGISTIC))) {
      double penalty = 0;
      for (int j = 1; j < theta.length; j++) {
        penalty += theta[j] * theta[j];
      }
      return reference.evaluateColumns(theta, Batch.all(data.rows())).loss()[0]
          + 0.5 * l2 * penalty;
    }
  }

  @Test
  void everyOneVsRestClassReportsTheReferencesObjectiveWhateverStoppedIt() {
    // A float32 fit's classes stopped by the cap, and the mini-batch ones (judged on the
    // backend before), reported the float32 objective: below the exact optimum for iris's
    // class 2 at a cap of 16 (0.19609902465787227 against 0.19609903342398877).
    Dataset data = StepTooLongTest.threeClasses(300);
    OneVsRest capped = Descent.logistic().oneVsRest().l2(0.01).backend("opencl")
        .maxIterations(3).trainOneVsRest(data, null);
    OneVsRest adam = Descent.logistic().oneVsRest().l2(0.01).backend("opencl")
        .optimizer("adam").maxEpochs(3).trainOneVsRest(data, null);
    for (OneVsRest ovr : List.of(capped, adam)) {
      for (int c = 0; c < 3; c++) {
        LockstepFit.ModelResult m = ovr.fit().models().get(c);
        assertEquals(StopReason.MAX_ITERATIONS, m.stopReason(), m.message());
        double expected = referenceObjective(data, ovr, c, 0.01);
        assertEquals(expected, m.objective(), 1e-14 * expected, "class " + c + ": "
            + m.message());
      }
    }
  }

  @Test
  void aCapThatLeavesTheFinishNoIterationSaysSo() {
    assertEquals("; the last 3 iterations ran in float64 on X, where float32 could make no"
        + " further progress", Fit.finishNote(3, "X", StopReason.PRECISION_LIMIT));
    assertEquals("; a float64 finish on X opened where float32 could make no further progress,"
        + " but the iteration cap left it no iteration",
        Fit.finishNote(0, "X", StopReason.PRECISION_LIMIT));
    assertEquals("; the last iteration ran in float64 on X, where float32 could make no"
        + " further progress", Fit.finishNote(1, "X", StopReason.PRECISION_LIMIT));
  }
}
