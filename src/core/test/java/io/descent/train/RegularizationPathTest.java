package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * L1 in lockstep, and regularization paths: each fit is the single fit of its penalty (objective
 * within {@value #RELATIVE} relative, the same support), lambda_max zeroes every weight and the
 * next penalty does not, the penalties fall, every KKT violation passes the test.
 */
class RegularizationPathTest {
  /** The agreement asked of a lockstep or path fit and the single fit of its penalty. */
  static final double RELATIVE = 1e-9;

  static Dataset wdbc() throws IOException {
    return new CsvReader(CsvReader.Options.binaryTarget("malignant"))
        .read(ReferenceProblems.datasets().resolve("breast_cancer_wdbc.csv"));
  }

  static Dataset iris() throws IOException {
    return new CsvReader(CsvReader.Options.classTarget("species"))
        .read(ReferenceProblems.datasets().resolve("iris.csv"));
  }

  private static Descent single(Loss loss) {
    return loss == Loss.LOGISTIC ? Descent.logistic()
        : loss == Loss.MULTINOMIAL ? Descent.multinomial() : Descent.linear();
  }

  private static void assertSameFit(FitResult alone, double objective, double[] theta, int p,
      String what) {
    assertTrue(alone.converged(), what + ": " + alone.message());
    assertEquals(alone.objective(), objective, RELATIVE * Math.abs(alone.objective()),
        what + ": objective");
    assertEquals(alone.nonzero(), Objective.nonzero(theta, p), what + ": support size");
    double[][] w = alone.model().standardizedCoefficients();
    for (int c = 0; c < w.length; c++) {
      for (int j = 0; j < w[c].length; j++) {
        assertEquals(w[c][j] == 0, theta[c * p + 1 + j] == 0, what + ": zero pattern at class "
            + c + " feature " + j);
      }
    }
  }

  /** Several (l1, l2) settings in one lockstep: each is its single fit, on two backends. */
  @Test
  void lockstepL1GivesEachSettingsSingleFit() throws IOException {
    Dataset data = wdbc();
    double[][] settings = {{0.01, 0}, {0.01, 0.01}, {0.03, 0.001}, {0.003, 0}};
    Standardization std = Standardization.fit(data);
    int p = data.features() + 1;
    for (String backend : List.of("reference", "nd4j")) {
      List<LockstepFit.Model> models = new ArrayList<>();
      double[] start = new double[p];
      start[0] = Trainer.initialIntercept(Loss.LOGISTIC, data.y());
      for (double[] s : settings) {
        models.add(new LockstepFit.Model(s[1], s[0], null, start));
      }
      TrainingConfig config = Descent.logistic().l1(0.01).backend(backend).config();
      LockstepFit.Settings fitSettings = new LockstepFit.Settings(config.fullBatch(),
          config.maxIterations(), config.gradientTolerance(), config.objectiveTolerance());
      Columns columns = Columns.of(Loss.LOGISTIC, settings.length);
      BackendKind kind = BackendKind.valueOf(backend.toUpperCase(java.util.Locale.ROOT));
      LockstepFit.Result r = new LockstepFit(fitSettings).fit(data,
          c -> Backends.open(kind, data, std, c, OpenClOptions.defaults()),
          c -> new ReferenceBackend(data, std, c), columns, std, models);
      for (int g = 0; g < settings.length; g++) {
        LockstepFit.ModelResult m = r.models().get(g);
        String what = backend + " l1=" + settings[g][0] + " l2=" + settings[g][1];
        assertTrue(m.converged(), what + ": " + m.message());
        assertTrue(m.message().contains("KKT violation"), m.message());
        FitResult alone = Descent.logistic().l1(settings[g][0]).l2(settings[g][1])
            .backend("reference").train(data, null);
        assertSameFit(alone, m.objective(), m.theta(), p, what);
        assertTrue(m.kktViolation() <= Descent.DEFAULT_TOLERANCE * Math.max(1, m.objective()),
            what + ": KKT " + m.kktViolation());
      }
    }
  }

  private static RegularizationPath.Result path(Dataset data, Loss loss, String backend,
      RegularizationPath.Options options) {
    return new RegularizationPath(single(loss).backend(backend).config(), options)
        .run(data, line -> {});
  }

  private static void assertPathShape(RegularizationPath.Result r, int p) {
    List<RegularizationPath.Step> s = r.steps();
    assertEquals(0, s.get(0).nonzero(), "lambda_max zeroes every weight");
    assertTrue(s.get(1).nonzero() > 0, "the next penalty does not");
    assertEquals(r.lambdaMax(), s.get(0).penalty(), 0);
    for (int k = 0; k < s.size(); k++) {
      RegularizationPath.Step x = s.get(k);
      assertTrue(x.converged(), k + ": " + x.message());
      assertTrue(x.kktViolation() <= Descent.DEFAULT_TOLERANCE * Math.max(1,
          Math.abs(x.objective())), k + ": KKT " + x.kktViolation());
      assertEquals(x.penalty() * r.l1Ratio(), x.l1(), 1e-15 * x.penalty());
      assertEquals(x.objective(), x.dataTerm() + x.l1() * l1Norm(x.theta(), p)
          + 0.5 * x.l2() * l2Norm(x.theta(), p), 1e-12 * Math.abs(x.objective()));
      if (k > 0) {
        assertTrue(x.penalty() < s.get(k - 1).penalty(), "penalties fall");
      }
    }
    assertEquals(r.lambdaMax() * r.minRatio(), s.get(s.size() - 1).penalty(),
        1e-12 * r.lambdaMax());
  }

  private static double l1Norm(double[] theta, int p) {
    double s = 0;
    for (int j = 0; j < theta.length; j++) {
      s += Objective.penalized(j, p) ? Math.abs(theta[j]) : 0;
    }
    return s;
  }

  private static double l2Norm(double[] theta, int p) {
    double s = 0;
    for (int j = 0; j < theta.length; j++) {
      s += Objective.penalized(j, p) ? theta[j] * theta[j] : 0;
    }
    return s;
  }

  @Test
  void lassoPathOnDiabetesMatchesSingleFits() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    RegularizationPath.Result r = path(data, Loss.LINEAR, "reference",
        new RegularizationPath.Options(1, 20, null, 5));
    int p = data.features() + 1;
    assertEquals(20, r.steps().size());
    assertEquals(1e-4, r.minRatio());
    assertPathShape(r, p);
    assertEquals(data.features(), r.steps().get(19).nonzero(), "the smallest penalty uses all");
    for (int k : new int[] {1, 7, 19}) {
      RegularizationPath.Step x = r.steps().get(k);
      FitResult alone = Descent.linear().l1(x.l1()).backend("reference").train(data, null);
      assertSameFit(alone, x.objective(), x.theta(), p, "penalty " + k);
    }
  }

  @Test
  void elasticNetLogisticPathOnAFastBackend() throws IOException {
    Dataset data = wdbc();
    RegularizationPath.Result r = path(data, Loss.LOGISTIC, "nd4j",
        new RegularizationPath.Options(0.5, 12, 1e-2, RegularizationPath.DEFAULT_BLOCK));
    int p = data.features() + 1;
    assertEquals("nd4j", r.backend().kind().label());
    assertPathShape(r, p);
    for (int k : new int[] {3, 11}) {
      RegularizationPath.Step x = r.steps().get(k);
      assertEquals(x.penalty() * 0.5, x.l2(), 1e-15 * x.penalty());
      FitResult alone = Descent.logistic().l1(x.l1()).l2(x.l2()).backend("reference")
          .train(data, null);
      assertSameFit(alone, x.objective(), x.theta(), p, "penalty " + k);
    }
  }

  /**
   * At lambda_max every weight is 0 and the intercept is the intercept-only fit's, exactly, on
   * every backend: OWL-QN from there took a step on OpenCL's float32 gradient, a rounding above
   * the L1 term, and on raw features of 1e8 +- 300 left a weight of -6.5e-14 on the row that
   * says every weight is 0.
   */
  @Test
  void lambdaMaxIsItsExactOptimumOnEveryBackend() throws Exception {
    Dataset data = new CsvReader(CsvReader.Options.binaryTarget("y")).read(Path.of(
        RegularizationPathTest.class.getResource("/raw/far-from-zero-600x3.csv").toURI()));
    for (String backend : new String[] {"reference", "nd4j", "opencl"}) {
      RegularizationPath.Result path = new RegularizationPath(Descent.logistic()
          .standardize(false).backend(backend).config(),
          new RegularizationPath.Options(0.5, 8, null, RegularizationPath.DEFAULT_BLOCK))
          .run(data, line -> {});
      RegularizationPath.Step first = path.steps().get(0);
      assertEquals(0, first.nonzero(), backend + ": " + java.util.Arrays.toString(first.theta()));
      for (int j = 1; j < first.theta().length; j++) {
        assertEquals(0.0, first.theta()[j], 0, backend);
      }
      assertTrue(first.converged(), backend + ": " + first.message());
    }
  }

  @Test
  void weightedRowsAsTrainWeighsThem() throws IOException {
    Dataset plain = LockstepFitTest.diabetes();
    double[] w = new double[plain.rows()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + i % 3;
    }
    Dataset data = plain.withWeights(w);
    RegularizationPath.Result r = Descent.linear().backend("reference").path(data,
        new RegularizationPath.Options(0.8, 6, 1e-2, 3), null);
    int p = data.features() + 1;
    assertPathShape(r, p);
    // A linear path on the normal equations takes its standardization from the moments (no
    // pass of its own): the fit's to rounding.
    Standardization fit = Standardization.fit(data);
    for (int j = 0; j < data.features(); j++) {
      assertEquals(fit.mean(j), r.standardization().mean(j), 1e-12 * fit.scale(j), "mean " + j);
      assertEquals(fit.scale(j), r.standardization().scale(j), 1e-12 * fit.scale(j),
          "scale " + j);
    }
    RegularizationPath.Step x = r.steps().get(4);
    FitResult alone = Descent.linear().l1(x.l1()).l2(x.l2()).backend("reference")
        .train(data, null);
    assertSameFit(alone, x.objective(), x.theta(), p, "weighted penalty 4");
  }

  @Test
  void multinomialPath() throws IOException {
    Dataset data = iris();
    RegularizationPath.Result r = path(data, Loss.MULTINOMIAL, "reference",
        new RegularizationPath.Options(1, 8, 1e-2, 4));
    int p = data.features() + 1;
    assertEquals(List.of("0", "1", "2"), r.classes());
    assertEquals(3 * p, r.steps().get(0).theta().length);
    assertPathShape(r, p);
    RegularizationPath.Step x = r.steps().get(5);
    FitResult alone = Descent.multinomial().l1(x.l1()).backend("reference").train(data, null);
    assertSameFit(alone, x.objective(), x.theta(), p, "penalty 5");
  }

  /**
   * A multinomial elastic net at a small penalty: the class intercepts stay centered (the
   * objective is flat along their common shift), so OWL-QN converges; before they were
   * centered after each step they ran off to -3e3 and the fit stalled with its KKT violation
   * 2.5 times the tolerance (see the data's README).
   */
  @Test
  void aMultinomialElasticNetKeepsItsInterceptsCentered() throws Exception {
    Dataset data = new CsvReader(CsvReader.Options.classTarget("y")).read(Path.of(
        RegularizationPathTest.class.getResource("/multinomial/elastic-net-300x12.csv").toURI()));
    double penalty = 3.297603044907192E-4;
    FitResult r = Descent.multinomial().l1(penalty).l2(penalty).backend("reference")
        .train(data, null);
    assertTrue(r.converged(), r.stopReason() + ": " + r.message());
    double[] b = r.model().standardizedIntercepts();
    double sum = 0;
    for (double v : b) {
      sum += v;
      assertTrue(Math.abs(v) < 1, java.util.Arrays.toString(b));
    }
    assertEquals(0, sum, 1e-12, java.util.Arrays.toString(b));
  }

  @Test
  void penaltiesAreLogSpacedAndOptionsChecked() {
    double[] l = RegularizationPath.penalties(2, 1e-2, 3);
    assertEquals(2, l[0], 0);
    assertEquals(0.2, l[1], 1e-15);
    assertEquals(0.02, l[2], 1e-15);
    assertEquals(1e-2, RegularizationPath.defaultMinRatio(10, 10));
    assertEquals(1e-4, RegularizationPath.defaultMinRatio(11, 10));
    assertThrows(IllegalArgumentException.class, () -> new RegularizationPath.Options(0, 5,
        null, 1));
    assertThrows(IllegalArgumentException.class, () -> new RegularizationPath.Options(1, 5,
        1.0, 1));
    assertThrows(IllegalArgumentException.class, () -> new RegularizationPath.Options(1, 0,
        null, 1));
  }

  /**
   * Batching pays: the default blocks take far fewer passes over the data than one penalty at a
   * time (on diabetes, 20 penalties: see {@link RegularizationPath#DEFAULT_BLOCK} for 50).
   */
  @Test
  void blocksTakeFewerPassesThanOnePenaltyAtATime() throws IOException {
    Dataset data = wdbc();
    int one = path(data, Loss.LOGISTIC, "reference", new RegularizationPath.Options(1, 20,
        1e-2, 1)).passes();
    RegularizationPath.Result blocks = Descent.logistic().backend("reference").path(data,
        new RegularizationPath.Options(1, 20, 1e-2, RegularizationPath.DEFAULT_BLOCK), null);
    assertTrue(blocks.passes() < one / 2, blocks.passes() + " passes in blocks, " + one
        + " one at a time");
  }

  /**
   * A linear path on the normal equations opens only what computes the moments, says so (and
   * which device computed them), and fits the penalties one after another: the block size
   * changes nothing, to the bit.
   */
  @Test
  void aLinearPathRunsOnTheNormalEquationsWhateverTheBlock() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    RegularizationPath.Result one = path(data, Loss.LINEAR, "reference",
        new RegularizationPath.Options(1, 20, null, 1));
    RegularizationPath.Result blocks = path(data, Loss.LINEAR, "reference",
        new RegularizationPath.Options(1, 20, null, RegularizationPath.DEFAULT_BLOCK));
    assertTrue(io.descent.gradient.GramBackend.describes(blocks.backend()),
        blocks.backend().device());
    assertTrue(blocks.backend().device().contains("Java (host CPU"), blocks.backend().device());
    assertEquals("float64", blocks.backend().precision());
    assertEquals(one.passes(), blocks.passes());
    for (int k = 0; k < 20; k++) {
      assertArrayEquals(one.steps().get(k).theta(), blocks.steps().get(k).theta(), 0.0,
          "penalty " + k);
    }
    assertPathShape(blocks, data.features() + 1);
  }
  /**
   * Under {@code auto}, a small linear path computes its moments on the host without starting
   * OpenCL, says so in a notice and in its backend, and fits exactly what the reference's path
   * fits; it runs coordinate descent and reports its phases.
   */
  @Test
  void autoComputesSmallMomentsOnTheHost() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    List<String> notices = new ArrayList<>();
    RegularizationPath.Options options = new RegularizationPath.Options(0.5, 20, null, 1);
    RegularizationPath.Result auto = new RegularizationPath(Descent.linear().backend("auto")
        .config(), options).run(data, notices::add);
    RegularizationPath.Result reference = path(data, Loss.LINEAR, "reference", options);
    assertTrue(auto.backend().device().contains("Java (host CPU"), auto.backend().device());
    assertTrue(notices.stream().anyMatch(n -> n.startsWith("the moments are computed on the"
        + " host")), notices.toString());
    assertEquals(notices, auto.notices());
    assertEquals(RegularizationPath.COORDINATE_DESCENT, auto.solver());
    assertTrue(auto.openSeconds() >= 0 && auto.solveSeconds() >= 0);
    assertEquals(auto.seconds(), auto.openSeconds() + auto.solveSeconds(), 1e-6);
    for (int k = 0; k < 20; k++) {
      assertArrayEquals(reference.steps().get(k).theta(), auto.steps().get(k).theta(), 0.0,
          "penalty " + k);
    }
    assertPathShape(auto, data.features() + 1);
    // The rule: multiply-adds per thread against the bound, whatever the device.
    assertTrue(io.descent.gradient.HostMoments.preferred(1000, 64));
    assertTrue(!io.descent.gradient.HostMoments.preferred(100_000_000, 64));
    assertTrue(!RegularizationPath.hostMoments("opencl", null, data, Columns.of(Loss.LINEAR, 1)));
    assertTrue(!RegularizationPath.hostMoments("auto", null, data, Columns.of(Loss.LOGISTIC, 1)));
  }
}
