package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Many models in lockstep on the reference backend: each is the model fitted alone. */
class LockstepFitTest {
  private static final double[] L2 = {1e-3, 1e-2, 1e-1};
  private static final int FOLDS = 3;

  static Dataset breastCancer() throws IOException {
    return new CsvReader(CsvReader.Options.binaryTarget("malignant"))
        .read(ReferenceProblems.datasets().resolve("breast_cancer_wisconsin_original.csv"));
  }

  static Dataset diabetes() throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget("progression"))
        .read(ReferenceProblems.datasets().resolve("diabetes.csv"));
  }

  /** The (setting, fold) models of a cross-validation, as CrossValidation builds them. */
  private record Grid(int[] rowFold, int[][] train, Columns columns,
      List<LockstepFit.Model> models) {}

  private static Grid grid(Dataset data, Loss loss, double[] l2) {
    int[] rowFold = CrossValidation.folds(data, FOLDS, loss == Loss.LOGISTIC, 11);
    int[][] train = new int[FOLDS][];
    List<LockstepFit.Model> models = new ArrayList<>();
    int[] heldOut = new int[l2.length * FOLDS];
    for (int f = 0; f < FOLDS; f++) {
      int fold = f;
      train[f] = IntStream.range(0, data.rows()).filter(i -> rowFold[i] != fold).toArray();
    }
    for (int s = 0; s < l2.length; s++) {
      for (int f = 0; f < FOLDS; f++) {
        Dataset rows = data.rows(train[f]);
        double[] start = new double[data.features() + 1];
        start[0] = Trainer.initialIntercept(loss, rows.y());
        models.add(new LockstepFit.Model(l2[s], Standardization.fit(rows), start));
        heldOut[s * FOLDS + f] = f;
      }
    }
    return new Grid(rowFold, train, Columns.of(loss, l2.length * FOLDS)
        .withFolds(rowFold, heldOut), models);
  }

  private static LockstepFit.Result fit(Dataset data, Grid grid, List<Columns> opened) {
    Standardization base = Standardization.fit(data);
    return new LockstepFit(CrossValidation.Options.defaultSettings()).fit(data, c -> {
      opened.add(c);
      return new ReferenceBackend(data, base, c);
    }, grid.columns(), base, grid.models());
  }

  private static void assertEachIsTheModelFittedAlone(Dataset data, Loss loss) {
    Grid grid = grid(data, loss, L2);
    List<Columns> opened = new ArrayList<>();
    LockstepFit.Result r = fit(data, grid, opened);
    int most = 0;
    for (int s = 0; s < L2.length; s++) {
      for (int f = 0; f < FOLDS; f++) {
        LockstepFit.ModelResult m = r.models().get(s * FOLDS + f);
        assertTrue(m.converged(), m.message());
        Descent alone = (loss == Loss.LOGISTIC ? Descent.logistic() : Descent.linear())
            .l2(L2[s]).backend("reference");
        FitResult expected = alone.train(data.rows(grid.train()[f]),
            TrainingListener.NONE);
        double[] theta = expected.model().theta();
        double scale = 0;
        for (double v : theta) {
          scale = Math.max(scale, Math.abs(v));
        }
        assertArrayEquals(theta, m.theta(), 1e-6 * scale, loss + " l2 " + L2[s] + " fold " + f);
        assertEquals(expected.objective(), m.objective(), 1e-12 * Math.abs(m.objective()));
        most = Math.max(most, m.evaluations());
      }
    }
    // One pass serves every running model: as many passes as the hungriest model's evaluations.
    assertEquals(most, r.passes());
    // Models that stopped were evaluated no more: the backend was reopened on fewer groups.
    assertEquals(L2.length * FOLDS, opened.get(0).groups());
    assertTrue(opened.size() > 1 && opened.get(opened.size() - 1).groups() < L2.length * FOLDS,
        "opened " + opened);
    assertTrue(r.columnEvaluations() < (long) r.passes() * L2.length * FOLDS);
  }

  @Test
  void logisticModelsInLockstepAreTheModelsFittedAlone() throws IOException {
    assertEachIsTheModelFittedAlone(breastCancer(), Loss.LOGISTIC);
  }

  @Test
  void linearModelsInLockstepAreTheModelsFittedAlone() throws IOException {
    assertEachIsTheModelFittedAlone(diabetes(), Loss.LINEAR);
  }

  @Test
  void theSameBitsEveryRun() throws IOException {
    Dataset data = breastCancer();
    Grid grid = grid(data, Loss.LOGISTIC, new double[] {0, 1e-4, 1e-2, 1});
    LockstepFit.Result a = fit(data, grid, new ArrayList<>());
    LockstepFit.Result b = fit(data, grid, new ArrayList<>());
    assertEquals(a.passes(), b.passes());
    for (int g = 0; g < a.models().size(); g++) {
      assertArrayEquals(a.models().get(g).theta(), b.models().get(g).theta(), 0.0);
      assertSame(a.models().get(g).stopReason(), b.models().get(g).stopReason());
      assertEquals(a.models().get(g).iterations(), b.models().get(g).iterations());
    }
  }

  @Test
  void aBackendThatCannotReopenOnFewerColumnsKeepsEvaluatingThemAll() throws IOException {
    Dataset data = breastCancer();
    Grid grid = grid(data, Loss.LOGISTIC, L2);
    Standardization base = Standardization.fit(data);
    List<Columns> opened = new ArrayList<>();
    LockstepFit.Result all = new LockstepFit(CrossValidation.Options.defaultSettings()).fit(
        data, c -> {
          opened.add(c);
          if (c.groups() < L2.length * FOLDS) {
            throw new io.descent.gradient.BackendUnavailableException("no fewer columns here");
          }
          return new ReferenceBackend(data, base, c);
        }, grid.columns(), base, grid.models());
    LockstepFit.Result compacted = fit(data, grid, new ArrayList<>());
    assertEquals(2, opened.size(), "one refusal, then no more tries");
    assertEquals((long) all.passes() * L2.length * FOLDS, all.columnEvaluations());
    for (int g = 0; g < L2.length * FOLDS; g++) {
      // A column's evaluation does not depend on the others': the same bits either way.
      assertArrayEquals(compacted.models().get(g).theta(), all.models().get(g).theta(), 0.0);
    }
  }

  @Test
  void groupsOfCoupledColumnsRunInLockstep() throws IOException {
    // Multinomial models (C = 3 coupled columns each), fold-standardized: each group in lockstep
    // is that group fitted alone, bit for bit, and converged.
    Dataset iris = new CsvReader(CsvReader.Options.numericTarget("species"))
        .read(ReferenceProblems.datasets().resolve("iris.csv"));
    int[] rowFold = CrossValidation.folds(iris, 3, false, 2);
    Standardization base = Standardization.fit(iris);
    int p = iris.features() + 1;
    double[] l2 = {1e-2, 1e-1, 1, 1e-2};
    int[] heldOut = {0, 1, 2, -1};
    List<LockstepFit.Model> models = new ArrayList<>();
    for (int g = 0; g < l2.length; g++) {
      int fold = heldOut[g];
      Standardization own = fold < 0 ? null : Standardization.fit(iris.rows(IntStream
          .range(0, iris.rows()).filter(i -> rowFold[i] != fold).toArray()));
      models.add(new LockstepFit.Model(l2[g], own, new double[3 * p]));
    }
    Columns all = Columns.multinomial(3, l2.length).withFolds(rowFold, heldOut);
    LockstepFit.Result together = new LockstepFit(CrossValidation.Options.defaultSettings())
        .fit(iris, c -> new ReferenceBackend(iris, base, c), all, base, models);
    for (int g = 0; g < l2.length; g++) {
      Columns one = Columns.multinomial(3, 1).withFolds(rowFold, new int[] {heldOut[g]});
      LockstepFit.Result alone = new LockstepFit(CrossValidation.Options.defaultSettings())
          .fit(iris, c -> new ReferenceBackend(iris, base, c), one, base,
              List.of(models.get(g)));
      LockstepFit.ModelResult m = together.models().get(g);
      assertTrue(m.converged(), m.message());
      assertEquals(3 * p, m.theta().length);
      assertArrayEquals(alone.models().get(0).theta(), m.theta(), 0.0, "group " + g);
    }
  }

  @Test
  void aModelThatCannotStartDivergesAloneAndTheOthersFinish() throws IOException {
    Dataset data = diabetes();
    Standardization base = Standardization.fit(data);
    int p = data.features() + 1;
    double[] bad = new double[p];
    bad[3] = Double.NaN;
    List<LockstepFit.Model> models = List.of(new LockstepFit.Model(0.1, null, new double[p]),
        new LockstepFit.Model(0.1, null, bad), new LockstepFit.Model(1, null, new double[p]));
    LockstepFit.Result r = new LockstepFit(CrossValidation.Options.defaultSettings()).fit(data,
        c -> new ReferenceBackend(data, base, c), Columns.of(Loss.LINEAR, 3), base, models);
    assertSame(StopReason.DIVERGED, r.models().get(1).stopReason());
    assertTrue(r.models().get(0).converged(), r.models().get(0).message());
    assertTrue(r.models().get(2).converged(), r.models().get(2).message());
    // Each converged model is the trainer's (started from 0 rather than the mean: same optimum).
    FitResult alone = Descent.linear().l2(1).backend("reference").train(data,
        TrainingListener.NONE);
    assertEquals(alone.objective(), r.models().get(2).objective(),
        1e-12 * alone.objective());
  }

  @Test
  void aBackendThatFailsMidFitEndsTheFitWithoutHanging() throws IOException {
    Dataset data = breastCancer();
    Grid grid = grid(data, Loss.LOGISTIC, L2);
    Standardization base = Standardization.fit(data);
    AtomicInteger calls = new AtomicInteger();
    BackendFailureException e = assertThrows(BackendFailureException.class,
        () -> new LockstepFit(CrossValidation.Options.defaultSettings()).fit(data,
            c -> new FailingAfter(new ReferenceBackend(data, base, c), calls, 4), grid.columns(),
            base, grid.models()));
    assertTrue(e.getCause().getMessage().contains("device lost"), e.getMessage());
  }

  @Test
  void aStopRequestEndsEveryModelAsInterrupted() throws IOException {
    Dataset data = breastCancer();
    Grid grid = grid(data, Loss.LOGISTIC, L2);
    Standardization base = Standardization.fit(data);
    LockstepFit fit = new LockstepFit(CrossValidation.Options.defaultSettings());
    AtomicInteger passes = new AtomicInteger();
    LockstepFit.Result r = fit.fit(data, c -> new FailingAfter(new ReferenceBackend(data, base,
        c), passes, Integer.MAX_VALUE) {
      @Override
      public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
        if (passes.get() == 3) {
          fit.requestStop();
        }
        return super.evaluateColumns(w, batch);
      }
    }, grid.columns(), base, grid.models());
    for (LockstepFit.ModelResult m : r.models()) {
      assertSame(StopReason.INTERRUPTED, m.stopReason());
    }
  }

  @Test
  void sizesMustAgree() throws IOException {
    Dataset data = diabetes();
    Standardization base = Standardization.fit(data);
    LockstepFit fit = new LockstepFit(CrossValidation.Options.defaultSettings());
    assertThrows(IllegalArgumentException.class, () -> fit.fit(data,
        c -> new ReferenceBackend(data, base, c), Columns.of(Loss.LINEAR, 2), base,
        List.of(new LockstepFit.Model(0, null, new double[data.features() + 1]))));
    assertThrows(IllegalArgumentException.class, () -> fit.fit(data,
        c -> new ReferenceBackend(data, base, c), Columns.of(Loss.LINEAR, 1), base,
        List.of(new LockstepFit.Model(0, null, new double[3]))));
  }

  @Test
  void aFloat32FitIsFinishedInFloat64ToTheTrainersOptimum() {
    io.descent.gradient.opencl.OpenClAvailability.require();
    ReferenceProblems.Problem problem = null;
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals("spambase") && p.split().equals("full")
          && p.objective().equals("logistic_unpenalized")) {
        problem = p;
      }
    }
    Dataset spam = problem.load();
    Standardization base = Standardization.fit(spam);
    double[] start = new double[spam.features() + 1];
    start[0] = Trainer.initialIntercept(Loss.LOGISTIC, spam.y());
    LockstepFit.Result r = new LockstepFit(CrossValidation.Options.defaultSettings()).fit(spam,
        c -> io.descent.gradient.Backends.open(io.descent.gradient.BackendKind.OPENCL, spam,
            base, c, null),
        c -> new ReferenceBackend(spam, base, c), Columns.single(Loss.LOGISTIC), base,
        List.of(new LockstepFit.Model(0, null, start)));
    assertEquals("float32", r.backend().precision());
    LockstepFit.ModelResult m = r.models().get(0);
    assertTrue(m.converged(), m.message());
    assertTrue(m.float64Iterations() > 0 && m.message().contains("in float64"), m.message());
    // The optimum in reference.json (fitted on the float64 data; ours is its float32 copy).
    assertEquals(problem.optimum(), m.objective(), 1e-7 * problem.optimum());
  }

  /** A real backend that throws once it has answered {@code limit} evaluations. */
  static class FailingAfter implements GradientBackend {
    private final GradientBackend real;
    private final AtomicInteger calls;
    private final int limit;

    FailingAfter(GradientBackend real, AtomicInteger calls, int limit) {
      this.real = real;
      this.calls = calls;
      this.limit = limit;
    }

    @Override
    public BackendInfo info() {
      return real.info();
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
      if (calls.incrementAndGet() > limit) {
        throw new IllegalStateException("device lost");
      }
      return real.evaluateColumns(w, batch);
    }

    @Override
    public double tolerance() {
      return real.tolerance();
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
