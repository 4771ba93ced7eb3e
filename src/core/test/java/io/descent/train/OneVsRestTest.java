package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.model.LinearModel;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** One-vs-rest on iris and wine: C binary models in the same passes, each the trainer's. */
class OneVsRestTest {
  private static Dataset read(String file, String target) throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget(target))
        .read(ReferenceProblems.datasets().resolve(file));
  }

  private static void assertEachModelIsTheTrainers(Dataset data, double l2, double accuracy) {
    OneVsRest ovr = OneVsRest.fit(data, l2, "reference", null,
        CrossValidation.Options.defaultSettings(), line -> { });
    assertEquals(3, ovr.classes());
    int most = 0;
    for (int c = 0; c < 3; c++) {
      double[] y = new double[data.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = data.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(data.source(), data.featureNames(), "is" + c, data.x(), y,
          null);
      FitResult alone = Descent.logistic().l2(l2).backend("reference").train(binary,
          TrainingListener.NONE);
      double[] expected = alone.model().theta();
      double scale = 0;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(ovr.fit().models().get(c).converged(), ovr.fit().models().get(c).message());
      assertArrayEquals(expected, ovr.model(c).theta(), 1e-6 * scale, "class " + c);
      most = Math.max(most, ovr.fit().models().get(c).evaluations());
    }
    assertEquals(most, ovr.fit().passes());
    int[] predicted = ovr.classify(data);
    int right = 0;
    for (int i = 0; i < predicted.length; i++) {
      right += predicted[i] == data.y()[i] ? 1 : 0;
    }
    assertTrue(right >= accuracy * data.rows(), right + " of " + data.rows());
  }

  @Test
  void irisThreeModelsInTheSamePasses() throws IOException {
    assertEachModelIsTheTrainers(read("iris.csv", "species"), 0.01, 0.9);
  }

  @Test
  void wineThreeModelsInTheSamePasses() throws IOException {
    Dataset wine = read("wine.csv", header("wine.csv"));
    assertEachModelIsTheTrainers(wine, 0.01, 0.97);
  }

  @Test
  void oneClassOrABadClassAreRefused() throws IOException {
    Dataset iris = read("iris.csv", "species");
    double[] y = iris.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = 0;
    }
    Dataset one = new Dataset("one", iris.featureNames(), "t", iris.x(), y, null);
    assertThrows(IllegalArgumentException.class, () -> OneVsRest.fit(one, 0.01, "reference",
        null, CrossValidation.Options.defaultSettings(), l -> { }));
    y = iris.y().clone();
    y[0] = 2.5;
    Dataset bad = new Dataset("bad", iris.featureNames(), "t", iris.x(), y, null);
    assertThrows(IllegalArgumentException.class, () -> OneVsRest.fit(bad, 0.01, "reference",
        null, CrossValidation.Options.defaultSettings(), l -> { }));
  }

  /** Row weights 1..4 cycling over the rows, and a class weight per label. */
  private static double[] cyclingWeights(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1 + i % 4;
    }
    return w;
  }

  /**
   * Model c of a weighted one-vs-rest fit against the trainer's binary fit on {@code y == c}
   * with the given row weights (the binary rows' weights) and, balanced or not, class weights.
   */
  private static void assertEachModelIsTheWeightedTrainers(Dataset data, OneVsRest ovr,
      double l2, java.util.function.IntFunction<double[]> binaryWeights,
      io.descent.data.ClassWeights binaryClassWeights) {
    for (int c = 0; c < ovr.classes(); c++) {
      double[] y = new double[data.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = data.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(data.source(), data.featureNames(), "is" + c, data.x(), y,
          io.descent.data.BinaryLabels.zeroOne()).withWeights(binaryWeights.apply(c));
      FitResult alone = Descent.logistic().l2(l2).backend("reference")
          .classWeights(binaryClassWeights).train(binary, TrainingListener.NONE);
      LockstepFit.ModelResult m = ovr.fit().models().get(c);
      assertTrue(alone.converged(), alone.message());
      assertTrue(m.converged(), m.message());
      assertEquals(alone.objective(), m.objective(), 1e-9 * Math.abs(alone.objective()),
          "class " + c);
      double[] expected = alone.model().theta();
      double scale = 0;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertArrayEquals(expected, ovr.model(c).theta(), 1e-6 * scale, "class " + c);
      // The one-vs-rest model, in its shared space, gives every row model c's margin.
      double[] margins = ovr.model().classMargins(data);
      double[] own = ovr.model(c).margins(data);
      for (int i = 0; i < own.length; i++) {
        assertEquals(own[i], margins[i * ovr.classes() + c], 1e-9 * (1 + Math.abs(own[i])));
      }
    }
  }

  /**
   * Raw features ({@code standardize(false)}) with a column far from 0 against its spread (1e8
   * +- 300): each model stopped "converged" up to 0.1 above the optimum the standardized fit
   * reaches (0.60 against 0.50 for one class, the same file), on every backend, where the
   * unpenalized optimum is the same in any parameterization. Raw features now run centred, as
   * train's, and the models are reported on the raw features.
   */
  @Test
  void rawFeaturesFarFromZeroReachTheStandardizedOptimumOnEveryBackend() {
    java.util.Random r = new java.util.Random(5);
    int n = 300;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    double[][] w = {{2, 0}, {-1, 1.5}, {-1, -1.5}};
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian();
      double b = 2 * r.nextDouble() - 1;
      x[i][0] = a;
      x[i][1] = 1e8 + 300 * b;
      int best = 0;
      double top = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 3; c++) {
        double m = w[c][0] * a + w[c][1] * b + r.nextGaussian();
        if (m > top) {
          top = m;
          best = c;
        }
      }
      y[i] = best;
    }
    Dataset data = Dataset.of(x, y).asClasses();
    OneVsRest standardized = Descent.logistic().oneVsRest().backend("reference")
        .trainOneVsRest(data, null);
    for (String backend : new String[] {"reference", "nd4j", "opencl"}) {
      OneVsRest raw = Descent.logistic().oneVsRest().standardize(false).backend(backend)
          .trainOneVsRest(data, null);
      for (int c = 0; c < 3; c++) {
        LockstepFit.ModelResult one = raw.fit().models().get(c);
        String what = backend + ", class " + c + ": " + one.message();
        assertTrue(one.converged(), what);
        double optimum = standardized.fit().models().get(c).objective();
        assertEquals(optimum, one.objective(), 1e-8 * optimum, what);
        assertTrue(raw.model(c).standardization().isIdentity(), what);
      }
      assertTrue(raw.model().standardization().isIdentity(), backend);
      // The same classes as the standardized model's, row by row.
      assertArrayEquals(standardized.classify(data), raw.classify(data), backend);
    }
    // A mini-batch rate too high for the raw features: the advice is to standardize them (the
    // centred models' means had read as standardization kept on).
    OneVsRest high = Descent.logistic().oneVsRest().standardize(false).l2(0.001)
        .optimizer("sgd").learningRate(0.05).maxEpochs(30).backend("reference")
        .trainOneVsRest(data, null);
    String advice = high.fit().models().get(0).message();
    assertEquals(StopReason.DIVERGED, high.fit().models().get(0).stopReason(), advice);
    assertTrue(advice.contains("standardize the features (standardize(true))"), advice);
  }

  @Test
  void rowAndClassWeightsAreSharedByEveryModel() throws IOException {
    Dataset iris = read("iris.csv", "species").asClasses();
    double[] rows = cyclingWeights(iris.rows());
    Dataset weighted = iris.withWeights(rows);
    io.descent.data.ClassWeights byLabel = io.descent.data.ClassWeights.parse("0=2,2=0.5");
    double[] perLabel = {2, 1, 0.5};
    OneVsRest ovr = OneVsRest.fit(weighted, 0.01, true, "reference", null,
        CrossValidation.Options.defaultSettings(), line -> { }, null, byLabel, null);
    double[] expected = new double[iris.rows()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = rows[i] * perLabel[(int) iris.y()[i]];
    }
    assertEachModelIsTheWeightedTrainers(iris, ovr, 0.01, c -> expected, null);
    // Row weights alone.
    OneVsRest plain = OneVsRest.fit(weighted, 0.01, true, "reference", null,
        CrossValidation.Options.defaultSettings(), line -> { }, null, null, null);
    assertEachModelIsTheWeightedTrainers(iris, plain, 0.01, c -> rows, null);
    // Through the library, and auto (whatever backend it picks) agrees.
    OneVsRest auto = Descent.logistic().oneVsRest().l2(0.01).classWeights(byLabel)
        .trainOneVsRest(weighted, null);
    for (int c = 0; c < 3; c++) {
      assertEquals(ovr.fit().models().get(c).objective(), auto.fit().models().get(c)
          .objective(), 1e-6 * ovr.fit().models().get(c).objective());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().classWeights(io.descent.data.ClassWeights
            .parse("7=2")).trainOneVsRest(iris, null));
    assertTrue(e.getMessage().contains("\"7\""), e.getMessage());
  }

  @Test
  void balancedWeightsBalanceEachModelsOwnClass() throws IOException {
    Dataset wine = read("wine.csv", header("wine.csv")).asClasses();
    double[] rows = cyclingWeights(wine.rows());
    // Row counts per class, as ClassWeights counts them.
    long[] counts = new long[3];
    for (double y : wine.y()) {
      counts[(int) y]++;
    }
    double[] table = OneVsRest.balancedTable(wine, 3);
    int n = wine.rows();
    for (int c = 0; c < 3; c++) {
      for (int l = 0; l < 3; l++) {
        assertEquals(l == c ? n / (2.0 * counts[c]) : n / (2.0 * (n - counts[c])),
            table[c * 3 + l], 1e-15);
      }
    }
    for (Dataset data : java.util.List.of(wine, wine.withWeights(rows))) {
      OneVsRest ovr = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
          .classWeights(io.descent.data.ClassWeights.balanced()).trainOneVsRest(data, null);
      // Each model is the binary fit of its class with balanced class weights, which the
      // binary trainer counts on y == c: n / (2 n_1), n / (2 n_0).
      assertEachModelIsTheWeightedTrainers(wine, ovr, 0.01,
          c -> data.weights() == null ? null : data.weights(),
          io.descent.data.ClassWeights.balanced());
      assertEquals(table[0], ovr.trainingInfo(Descent.logistic().l2(0.01).config())
          .hyperparameters().get("classWeight[0]"));
      // The models differ from the unbalanced ones: the weights act.
      OneVsRest plain = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
          .trainOneVsRest(data, null);
      assertTrue(Math.abs(plain.fit().models().get(2).objective()
          - ovr.fit().models().get(2).objective()) > 1e-3);
    }
    // Through auto (the reference until the other backends take class-weight tables).
    OneVsRest auto = Descent.logistic().oneVsRest().l2(0.01)
        .classWeights(io.descent.data.ClassWeights.balanced()).trainOneVsRest(wine, null);
    assertEachModelIsTheWeightedTrainers(wine, auto, 0.01, c -> null,
        io.descent.data.ClassWeights.balanced());
  }

  @Test
  void aOneVsRestModelStartsTheNextFit() throws IOException {
    Dataset iris = read("iris.csv", "species").asClasses();
    OneVsRest first = Descent.logistic().oneVsRest().l2(0.1).backend("reference")
        .trainOneVsRest(iris, null);
    OneVsRest direct = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .trainOneVsRest(iris, null);
    OneVsRest warm = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .init(first.model()).trainOneVsRest(iris, null);
    for (int c = 0; c < 3; c++) {
      LockstepFit.ModelResult d = direct.fit().models().get(c);
      LockstepFit.ModelResult w = warm.fit().models().get(c);
      assertTrue(w.converged(), w.message());
      assertEquals(d.objective(), w.objective(), 1e-9 * d.objective());
    }
    // From its own optimum a fit converges at once.
    OneVsRest again = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .init(direct.model()).trainOneVsRest(iris, null);
    for (int c = 0; c < 3; c++) {
      assertTrue(again.fit().models().get(c).iterations() <= 2,
          again.fit().models().get(c).message());
    }
    // Mismatches are named.
    Dataset fewer = new Dataset("two.csv", iris.featureNames().subList(0, 2), "species",
        firstColumns(iris, 2), iris.y(), null).asClasses();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().init(first.model()).trainOneVsRest(fewer, null));
    assertTrue(e.getMessage().startsWith("the initial model has 4 features but two.csv has 2"),
        e.getMessage());
    double[] two = iris.y().clone();
    for (int i = 0; i < two.length; i++) {
      two[i] = Math.min(two[i], 1);
    }
    Dataset binary = new Dataset("bin.csv", iris.featureNames(), "species", iris.x(), two, null)
        .asClasses();
    e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().init(first.model()).trainOneVsRest(binary, null));
    assertEquals("the initial model's classes are [0, 1, 2] but bin.csv's are [0, 1]",
        e.getMessage());
    LinearModel multinomial = Descent.multinomial().l2(0.1).backend("reference").fit(iris);
    e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().init(multinomial).trainOneVsRest(iris, null));
    assertEquals("the initial model is multinomial but this fit is one-vs-rest (one logistic"
        + " model per class)", e.getMessage());
  }

  @Test
  void verificationChecksEveryModelAndHistoryFollowsEach() throws IOException {
    Dataset iris = read("iris.csv", "species").asClasses();
    OneVsRest ovr = Descent.logistic().oneVsRest().l2(0.01).backend("reference").verifyEvery(2)
        .trainOneVsRest(iris, null);
    // The reference against itself: every check exact to rounding.
    assertTrue(ovr.verification() >= 0 && ovr.verification() < 1e-12, "" + ovr.verification());
    OneVsRest plain = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .trainOneVsRest(iris, null);
    assertTrue(Double.isNaN(plain.verification()));
    for (int c = 0; c < 3; c++) {
      // Verification changes nothing in the fit.
      assertEquals(plain.fit().models().get(c).objective(),
          ovr.fit().models().get(c).objective(), 0.0);
      java.util.List<Progress> h = ovr.history(c);
      LockstepFit.ModelResult m = ovr.fit().models().get(c);
      assertEquals(m.iterations() + 1, h.size(), "start and every iteration of class " + c);
      assertEquals(m.objective(), h.get(h.size() - 1).objective(), 0.0);
      for (int t = 0; t < h.size(); t++) {
        assertEquals(t, h.get(t).iteration());
      }
    }
    java.util.List<Progress> sum = ovr.history();
    Progress last = sum.get(sum.size() - 1);
    double total = 0;
    for (LockstepFit.ModelResult m : ovr.fit().models()) {
      total += m.objective();
    }
    assertEquals(total, last.objective(), 1e-15 * total);
    assertEquals(ovr.trainingInfo(Descent.logistic().l2(0.01).config()).objective(),
        last.objective(), 1e-15 * total);
  }

  @Test
  void verificationFailsWhenTheBackendIsWrong() throws IOException {
    Dataset iris = read("iris.csv", "species").asClasses();
    // A real backend on other data (one row's class changed) against the reference on these.
    double[] y = iris.y().clone();
    y[0] = 2;
    Dataset other = Dataset.ofClasses(iris.source(), iris.featureNames(), iris.targetName(),
        iris.x(), y, iris.classLabels().orElseThrow());
    Standardization s = Standardization.fit(iris);
    io.descent.gradient.Columns columns = io.descent.gradient.Columns.positives(0, 1, 2);
    java.util.List<LockstepFit.Model> models = new java.util.ArrayList<>();
    for (int c = 0; c < 3; c++) {
      models.add(new LockstepFit.Model(0.01, null, new double[5]));
    }
    LockstepFit fit = new LockstepFit(new LockstepFit.Settings(new io.descent.optim.Lbfgs(), 100,
        1e-8, 0, 1));
    VerificationException e = assertThrows(VerificationException.class, () -> fit.fit(iris,
        cols -> new io.descent.gradient.ReferenceBackend(other, s, cols), columns, s, models));
    assertTrue(e.getMessage().startsWith("verification failed at step 1"), e.getMessage());
  }

  @Test
  void eachModelStopsEarlyOnItsOwnValidationLossAsTheTrainerDoes() throws IOException {
    Dataset wine = read("wine.csv", header("wine.csv")).asClasses();
    double l2 = 1e-4;
    OneVsRest ovr = Descent.logistic().oneVsRest().l2(l2).backend("reference")
        .validationFraction(0.3).patience(2).trainOneVsRest(wine, null);
    int early = 0;
    for (int c = 0; c < 3; c++) {
      double[] y = new double[wine.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = wine.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(wine.source(), wine.featureNames(), "is" + c, wine.x(), y,
          io.descent.data.BinaryLabels.zeroOne());
      FitResult alone = Descent.logistic().l2(l2).backend("reference").validationFraction(0.3)
          .patience(2).train(binary, TrainingListener.NONE);
      LockstepFit.ModelResult m = ovr.fit().models().get(c);
      assertEquals(alone.stopReason(), m.stopReason(), "class " + c + ": " + m.message()
          + " / " + alone.message());
      early += m.stopReason() == StopReason.EARLY_STOPPING ? 1 : 0;
      assertEquals(alone.objective(), m.objective(), 1e-9 * alone.objective(), "class " + c);
      assertArrayEquals(alone.model().theta(), ovr.model(c).theta(), 1e-9, "class " + c);
    }
    assertTrue(early > 0, "no class stopped early");
  }

  @Test
  void aMiniBatchRuleFitsEachClassAsTheTrainerDoes() throws IOException {
    Dataset iris = read("iris.csv", "species").asClasses();
    OneVsRest ovr = Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .optimizer("adam").maxEpochs(30).trainOneVsRest(iris, null);
    for (int c = 0; c < 3; c++) {
      double[] y = new double[iris.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = iris.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(iris.source(), iris.featureNames(), "is" + c, iris.x(), y,
          io.descent.data.BinaryLabels.zeroOne());
      FitResult alone = Descent.logistic().l2(0.01).backend("reference").optimizer("adam")
          .maxEpochs(30).train(binary, TrainingListener.NONE);
      LockstepFit.ModelResult m = ovr.fit().models().get(c);
      assertEquals(alone.objective(), m.objective(), 1e-12 * alone.objective(), "class " + c
          + ": " + m.message() + " / " + alone.message());
      assertEquals(alone.stopReason(), m.stopReason(), "class " + c);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().optimizer("sgd").validationFraction(0.2)
            .trainOneVsRest(iris, null));
    assertTrue(e.getMessage().contains("mini-batch"), e.getMessage());
    // Unpenalized, iris's class 0 is separable from the others: a mini-batch fit stops short of
    // a separating hyperplane (capped), and the judgement probes from its weights, as train's
    // does, where sgd and adam wrote a model (exit 0).
    for (String rule : new String[] {"sgd", "adam"}) {
      Descent.TrainingFailedException failed = assertThrows(
          Descent.TrainingFailedException.class, () -> Descent.logistic().oneVsRest()
              .backend("reference").optimizer(rule).maxEpochs(100).fit(iris));
      assertTrue(failed.getMessage().contains("class 0") && failed.getMessage()
          .contains("no finite optimum: the classes are separable"), failed.getMessage());
    }
  }

  /**
   * The model file's stop reason of the whole fit: an interrupted class's (a checkpoint of digits
   * said "separable", from a class that had stopped before Ctrl-C), else the first class that
   * did not converge.
   */
  @Test
  void anInterruptedFitIsReportedInterrupted() {
    LockstepFit.ModelResult separable = new LockstepFit.ModelResult(new double[] {0},
        StopReason.SEPARABLE, "separable", false, 3, 3, 0.1, 0.1, 0);
    LockstepFit.ModelResult interrupted = new LockstepFit.ModelResult(new double[] {0},
        StopReason.INTERRUPTED, "interrupted", false, 9, 9, 0.2, 0.1, 0);
    LockstepFit.ModelResult converged = new LockstepFit.ModelResult(new double[] {0},
        StopReason.GRADIENT_TOLERANCE, "converged", true, 5, 5, 0.3, 1e-9, 0);
    assertEquals(StopReason.INTERRUPTED, OneVsRest.reported(java.util.List.of(converged,
        separable, interrupted)).stopReason());
    assertEquals(StopReason.SEPARABLE, OneVsRest.reported(java.util.List.of(converged,
        separable)).stopReason());
    assertEquals(StopReason.GRADIENT_TOLERANCE, OneVsRest.reported(java.util.List.of(converged))
        .stopReason());
  }

  private static float[] firstColumns(Dataset data, int k) {
    float[] x = new float[data.rows() * k];
    for (int i = 0; i < data.rows(); i++) {
      for (int j = 0; j < k; j++) {
        x[i * k + j] = data.get(i, j);
      }
    }
    return x;
  }

  private static String header(String file) throws IOException {
    String first = java.nio.file.Files.readAllLines(ReferenceProblems.datasets().resolve(file))
        .get(0);
    String[] names = first.split(",");
    return names[names.length - 1];
  }
}
