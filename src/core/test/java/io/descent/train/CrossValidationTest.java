package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.loss.Softmax;
import io.descent.model.LinearModel;
import io.descent.model.MulticlassMetrics;
import io.descent.loss.Loss;
import io.descent.model.ClassificationMetrics;
import io.descent.model.Metrics;
import io.descent.model.RegressionMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Folds, and each fold's score as the trainer's model on its rows would get it. */
class CrossValidationTest {
  private static CrossValidation.Options options(Loss loss, List<Double> l2, int folds) {
    return new CrossValidation.Options(loss, l2, folds, 42, "reference", null,
        CrossValidation.Options.defaultSettings());
  }

  @Test
  void foldsAreBalancedStratifiedAndSeeded() throws IOException {
    Dataset data = LockstepFitTest.breastCancer();
    int[] a = CrossValidation.folds(data, 5, true, 3);
    assertArrayEquals(a, CrossValidation.folds(data, 5, true, 3));
    assertFalse(java.util.Arrays.equals(a, CrossValidation.folds(data, 5, true, 4)));
    int[][] count = new int[5][2];
    for (int i = 0; i < a.length; i++) {
      count[a[i]][(int) data.y()[i]]++;
    }
    for (int cls = 0; cls < 2; cls++) {
      int lo = Integer.MAX_VALUE;
      int hi = 0;
      for (int f = 0; f < 5; f++) {
        lo = Math.min(lo, count[f][cls]);
        hi = Math.max(hi, count[f][cls]);
      }
      assertTrue(hi - lo <= 1, "class " + cls + ": " + lo + ".." + hi);
    }
    int[] plain = CrossValidation.folds(data, 7, false, 3);
    int[] sizes = new int[7];
    for (int f : plain) {
      sizes[f]++;
    }
    assertTrue(IntStream.of(sizes).max().getAsInt() - IntStream.of(sizes).min().getAsInt() <= 1);
    assertThrows(IllegalArgumentException.class,
        () -> CrossValidation.folds(data, data.rows() + 1, false, 1));
    assertThrows(IllegalArgumentException.class, () -> CrossValidation.folds(data, 1, false, 1));
  }

  @Test
  void eachFoldScoreIsTheTrainersModelOnItsRowsScoredOnTheRest() throws IOException {
    for (Loss loss : new Loss[] {Loss.LOGISTIC, Loss.LINEAR}) {
      Dataset data = loss == Loss.LOGISTIC ? LockstepFitTest.breastCancer()
          : LockstepFitTest.diabetes();
      List<Double> l2 = List.of(1e-3, 0.1);
      CrossValidation.Result r = new CrossValidation(options(loss, l2, 3)).run(data,
          line -> { });
      assertEquals("reference", r.fit().backend().kind().label());
      int[] fold = CrossValidation.folds(data, 3, loss == Loss.LOGISTIC, 42);
      for (int s = 0; s < l2.size(); s++) {
        CrossValidation.SettingScore score = r.settings().get(s);
        double sum = 0;
        for (int f = 0; f < 3; f++) {
          int k = f;
          int[] train = IntStream.range(0, data.rows()).filter(i -> fold[i] != k).toArray();
          int[] held = IntStream.range(0, data.rows()).filter(i -> fold[i] == k).toArray();
          Descent alone = (loss == Loss.LOGISTIC ? Descent.logistic() : Descent.linear())
              .l2(l2.get(s)).backend("reference");
          var model = alone.train(data.rows(train), TrainingListener.NONE).model();
          var m = Metrics.evaluate(model, data.rows(held));
          double expectedLoss = m instanceof ClassificationMetrics c ? c.meanLogLoss()
              : ((RegressionMetrics) m).mse() / 2;
          double expectedMetric = m instanceof ClassificationMetrics c ? c.accuracy()
              : ((RegressionMetrics) m).r2();
          CrossValidation.FoldScore got = score.folds().get(f);
          assertEquals(held.length, got.rows());
          assertEquals(expectedLoss, got.loss(), 1e-7 * expectedLoss, loss + " fold " + f);
          assertEquals(expectedMetric, got.metric(), 1e-7, loss + " fold " + f);
          sum += got.loss();
        }
        assertEquals(sum / 3, score.meanLoss(), 1e-15);
        assertEquals(3, score.converged());
      }
      double best = r.bestSetting().meanLoss();
      for (CrossValidation.SettingScore s : r.settings()) {
        assertTrue(best <= s.meanLoss());
      }
    }
  }

  static Dataset classes(String file, String target) throws IOException {
    return new CsvReader(CsvReader.Options.classTarget(target))
        .read(ReferenceProblems.datasets().resolve(file));
  }

  @Test
  void multinomialFoldsAreStratifiedAndEachScoreIsTheTrainersModelOnItsRows()
      throws IOException {
    Dataset iris = classes("iris.csv", "species");
    int[] fold = CrossValidation.folds(iris, 3, true, 42);
    // Stratified: 50 rows of each class dealt 17, 17, 16 (in some order) to the folds.
    int[][] count = new int[3][3];
    for (int i = 0; i < fold.length; i++) {
      count[fold[i]][(int) iris.y()[i]]++;
    }
    for (int[] f : count) {
      for (int c : f) {
        assertTrue(c == 16 || c == 17, java.util.Arrays.deepToString(count));
      }
    }
    List<Double> l2 = List.of(1e-3, 0.1, 1.0);
    CrossValidation.Result r = new CrossValidation(options(Loss.MULTINOMIAL, l2, 3)).run(iris,
        line -> { });
    assertTrue(r.stratified());
    assertEquals(9, r.fit().models().size());
    assertEquals("accuracy", CrossValidation.metricName(Loss.MULTINOMIAL));
    for (int s = 0; s < l2.size(); s++) {
      for (int f = 0; f < 3; f++) {
        int k = f;
        int[] train = IntStream.range(0, iris.rows()).filter(i -> fold[i] != k).toArray();
        int[] held = IntStream.range(0, iris.rows()).filter(i -> fold[i] == k).toArray();
        FitResult alone = Descent.multinomial().l2(l2.get(s)).backend("reference")
            .train(iris.rows(train), TrainingListener.NONE);
        MulticlassMetrics m = Metrics.multiclass(alone.model(), iris.rows(held));
        CrossValidation.FoldScore got = r.settings().get(s).folds().get(f);
        assertTrue(got.fit().converged(), got.fit().message());
        assertEquals(m.meanLogLoss(), got.loss(), 1e-7 * m.meanLogLoss(), "fold " + f);
        assertEquals(m.accuracy(), got.metric(), 1e-12, "fold " + f);
        assertEquals(alone.objective(), got.fit().objective(), 1e-9 * alone.objective());
      }
    }
    for (CrossValidation.SettingScore x : r.settings()) {
      assertTrue(r.bestSetting().meanLoss() <= x.meanLoss());
    }
    // Deterministic: the same figures again.
    CrossValidation.Result again = new CrossValidation(options(Loss.MULTINOMIAL, l2, 3))
        .run(iris, line -> { });
    for (int s = 0; s < l2.size(); s++) {
      assertEquals(r.settings().get(s).meanLoss(), again.settings().get(s).meanLoss(), 0.0);
    }
  }

  @Test
  void aMultinomialFoldWithoutAClassIsRefused() {
    double[][] x = new double[6][];
    for (int i = 0; i < 6; i++) {
      x[i] = new double[] {i, i * i};
    }
    // A numeric target's values are its classes, as the trainer codes them.
    Dataset data = Dataset.of(x, new double[] {0, 0, 0, 0, 1, 2});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(options(Loss.MULTINOMIAL, List.of(1.0), 2)).run(data,
            l -> { }));
    // A class of one row: no number of folds helps, and the message says so.
    assertTrue(e.getMessage().contains("class \"1\" of target \"y\" has only 1 row:"),
        e.getMessage());
    assertFalse(e.getMessage().contains("fewer folds"), e.getMessage());
    // Class 1's two rows that weigh more than 0 held out by one fold: that fold lacks it.
    double[][] x7 = new double[7][];
    for (int i = 0; i < 7; i++) {
      x7[i] = new double[] {i, i * i};
    }
    Dataset two = Dataset.of(x7, new double[] {0, 0, 1, 1, 1, 2, 2});
    int[] fold = CrossValidation.folds(two.asClasses(), 2, true, 42);
    double[] w = {1, 1, 1, 1, 1, 1, 1};
    w[fold[2] == fold[3] ? 4 : fold[2] == fold[4] ? 3 : 2] = 0; // class 1's row alone in its fold
    Dataset weighted = two.withWeights(w);
    e = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(options(Loss.MULTINOMIAL, List.of(1.0), 2)).run(weighted,
            l -> { }));
    assertTrue(e.getMessage().contains("that weigh more than 0 hold no row of class \"1\""),
        e.getMessage());
  }

  @Test
  void leaveOneOutR2IsUndefinedAndSaysWhy() {
    double[][] x = new double[8][];
    double[] y = new double[8];
    for (int i = 0; i < 8; i++) {
      x[i] = new double[] {i, i * i % 5};
      y[i] = 2 * i - x[i][1] + (i % 3) * 0.5;
    }
    Dataset data = Dataset.of(x, y);
    List<String> messages = new ArrayList<>();
    CrossValidation.Result r = new CrossValidation(options(Loss.LINEAR, List.of(0.1), 8))
        .run(data, messages::add);
    String why = "the target has no spread over the validation rows of 8 folds (one value, as a"
        + " single row has): R2 is undefined there, and so is its mean (NaN; scikit-learn's"
        + " r2_score gives NaN for one row and, by its force_finite, 0 or 1 for more)";
    assertEquals(List.of(why), messages);
    assertEquals(List.of(why), r.notices());
    assertTrue(Double.isNaN(r.settings().get(0).meanMetric()));
    assertTrue(Double.isFinite(r.settings().get(0).meanLoss()));
    // Two rows a fold: R2 is defined, and nothing is said.
    List<String> none = new ArrayList<>();
    new CrossValidation(options(Loss.LINEAR, List.of(0.1), 4)).run(data, none::add);
    assertEquals(List.of(), none);
  }

  @Test
  void aClassOfFewerRowsThanFoldsIsNoticed() {
    double[][] x = new double[20][];
    double[] y = new double[20];
    for (int i = 0; i < 20; i++) {
      x[i] = new double[] {i, i * i % 7};
      y[i] = i < 17 ? i % 2 : 2; // nine and eight rows of classes 0 and 1, three of class 2
    }
    Dataset data = Dataset.of(x, y).asClasses();
    int[] fold = CrossValidation.folds(data, 5, true, 42);
    List<String> notices = CrossValidation.sparseClasses(data, fold, 5);
    assertEquals(List.of("class \"2\" of target \"y\" has 3 rows, fewer than the 5 folds:"
        + " the validation rows of 2 folds hold none of it"), notices);
    assertEquals(List.of(), CrossValidation.sparseClasses(data, CrossValidation.folds(data, 3,
        true, 42), 3));
    List<String> messages = new ArrayList<>();
    CrossValidation.Result r = new CrossValidation(options(Loss.MULTINOMIAL, List.of(1.0), 5))
        .run(data, messages::add);
    assertTrue(messages.containsAll(notices), messages.toString());
    assertTrue(r.notices().containsAll(notices), r.notices().toString());
  }

  /** Row weights 1, 2, 3, 0.5 in turn: integers count rows, 0.5 halves one. */
  static Dataset weighted(Dataset data) {
    double[] w = new double[data.rows()];
    for (int i = 0; i < w.length; i++) {
      w[i] = new double[] {1, 2, 3, 0.5}[i % 4];
    }
    return data.withWeights(w);
  }

  @Test
  void eachWeightedFoldIsTheWeightedTrainOnItsRowsScoredWithItsWeights() throws IOException {
    record Case(Loss loss, Dataset data, ClassWeights classWeights) {}
    Dataset cancer = LockstepFitTest.breastCancer();
    Dataset wine = classes("wine.csv", "cultivar");
    List<Case> cases = List.of(
        new Case(Loss.LOGISTIC, weighted(cancer), null),
        new Case(Loss.LOGISTIC, cancer, ClassWeights.balanced()),
        new Case(Loss.MULTINOMIAL, weighted(wine), ClassWeights.balanced()),
        new Case(Loss.MULTINOMIAL, wine, ClassWeights.parse("0=2,2=0.5")),
        new Case(Loss.LINEAR, weighted(LockstepFitTest.diabetes()), null));
    List<Double> l2 = List.of(1e-2, 1.0);
    for (Case c : cases) {
      String name = c.loss() + " " + c.classWeights() + " " + (c.data().weights() != null);
      CrossValidation.Result r = new CrossValidation(options(c.loss(), l2, 3)
          .withClassWeights(c.classWeights())).run(c.data(), line -> { });
      int[] fold = CrossValidation.folds(c.data(), 3, c.loss() != Loss.LINEAR, 42);
      // Every fold x setting in one lockstep fit (balanced folds too, each group weighing its
      // classes by its own fold's counts): its passes are those of the model that ran longest.
      assertEquals(r.fit().models().stream().mapToInt(LockstepFit.ModelResult::evaluations)
          .max().orElseThrow(), r.fit().passes(), name);
      for (int s = 0; s < l2.size(); s++) {
        for (int f = 0; f < 3; f++) {
          int k = f;
          int[] train = IntStream.range(0, fold.length).filter(i -> fold[i] != k).toArray();
          int[] held = IntStream.range(0, fold.length).filter(i -> fold[i] == k).toArray();
          Dataset rows = c.data().rows(train);
          Descent alone = (c.loss() == Loss.LOGISTIC ? Descent.logistic()
              : c.loss() == Loss.MULTINOMIAL ? Descent.multinomial() : Descent.linear())
              .l2(l2.get(s)).backend("reference").classWeights(c.classWeights());
          FitResult fit = alone.train(rows, TrainingListener.NONE);
          CrossValidation.FoldScore got = r.settings().get(s).folds().get(f);
          assertTrue(got.fit().converged(), name + ": " + got.fit().message());
          assertEquals(fit.objective(), got.fit().objective(), 1e-9 * fit.objective(),
              name + " fold " + f);
          // Scored by hand: held-out rows weigh their weight times the class weight the
          // training rows gave their class.
          Dataset v = c.data().rows(held);
          double[] classWeight = c.classWeights() == null ? null
              : c.classWeights().resolve(rows).rowWeights(v);
          double[] expected = weightedScore(fit.model(), v, classWeight);
          assertEquals(expected[0], got.loss(), 1e-7 * expected[0], name + " fold " + f);
          assertEquals(expected[1], got.metric(), 1e-7, name + " fold " + f);
        }
      }
    }
  }

  /** Weighted mean loss and accuracy (or R2), written out row by row. */
  private static double[] weightedScore(LinearModel model, Dataset v, double[] classWeight) {
    double total = 0;
    double loss = 0;
    double hit = 0;
    double[] y = v.y();
    double[] s = new double[v.rows()];
    for (int i = 0; i < s.length; i++) {
      s[i] = v.weight(i) * (classWeight == null ? 1 : classWeight[i]);
      total += s[i];
    }
    if (model.loss() == Loss.MULTINOMIAL) {
      int c = model.classCount();
      double[] m = model.classMargins(v);
      for (int i = 0; i < s.length; i++) {
        loss += s[i] * Softmax.loss(m, i * c, c, (int) y[i]);
        hit += Softmax.argmax(m, i * c, c) == (int) y[i] ? s[i] : 0;
      }
      return new double[] {loss / total, hit / total};
    }
    double[] m = model.margins(v);
    if (model.loss() == Loss.LOGISTIC) {
      for (int i = 0; i < s.length; i++) {
        loss += s[i] * (Math.log1p(Math.exp(-Math.abs(m[i]))) + Math.max(m[i], 0) - y[i] * m[i]);
        hit += (m[i] > 0) == (y[i] == 1) ? s[i] : 0;
      }
      return new double[] {loss / total, hit / total};
    }
    double mean = 0;
    for (int i = 0; i < s.length; i++) {
      mean += s[i] * y[i] / total;
    }
    double spread = 0;
    for (int i = 0; i < s.length; i++) {
      loss += s[i] * (y[i] - m[i]) * (y[i] - m[i]);
      spread += s[i] * (y[i] - mean) * (y[i] - mean);
    }
    return new double[] {loss / total / 2, 1 - loss / spread};
  }

  @Test
  void aFoldWhoseTrainingRowsHoldOneClassIsRefused() {
    double[][] x = new double[6][];
    double[] y = {1, 0, 0, 0, 0, 0};
    for (int i = 0; i < 6; i++) {
      x[i] = new double[] {i, i * i};
    }
    Dataset data = Dataset.of(x, y);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(options(Loss.LOGISTIC, List.of(1.0), 2)).run(data, l -> { }));
    assertTrue(e.getMessage().contains("class \"1\" of target \"y\" has only 1 row:"),
        e.getMessage());
    // The two 1s that weigh more than 0 both in one fold, whose training rows then lack them.
    double[] y2 = {1, 1, 1, 0, 0, 0};
    Dataset both = Dataset.of(x, y2);
    int[] fold = CrossValidation.folds(both, 2, true, 42);
    double[] w = {1, 1, 1, 1, 1, 1};
    w[fold[0] == fold[1] ? 2 : fold[0] == fold[2] ? 1 : 0] = 0; // the 1 alone in its fold
    Dataset zero = both.withWeights(w);
    e = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(options(Loss.LOGISTIC, List.of(1.0), 2)).run(zero, l -> { }));
    assertTrue(e.getMessage().contains("that weigh more than 0 hold one class"),
        e.getMessage());
  }

  @Test
  void aStopRequestInterruptsEveryModel() throws IOException {
    Dataset data = LockstepFitTest.diabetes();
    for (boolean miniBatch : new boolean[] {false, true}) {
      LockstepMiniBatch.Settings mini = !miniBatch ? null : new LockstepMiniBatch.Settings(
          () -> Descent.linear().optimizer("sgd").config().updateRule(),
          new io.descent.optim.LearningRateSchedule.Constant(), 1e-3, 32, 5, 1e-8, 1e-6, 1);
      CrossValidation cv = new CrossValidation(new CrossValidation.Options(Loss.LINEAR,
          List.of(0.1, 1.0), 3, 1, "reference", null, CrossValidation.Options.defaultSettings(),
          mini));
      cv.requestStop();
      CrossValidation.Result r = cv.run(data, line -> { });
      for (LockstepFit.ModelResult m : r.fit().models()) {
        assertEquals(StopReason.INTERRUPTED, m.stopReason(), m.message());
      }
    }
    // With balanced class weights (one lockstep fit, a class-weight table per fold) too.
    CrossValidation cv = new CrossValidation(options(Loss.LOGISTIC, List.of(0.1, 1.0), 3)
        .withClassWeights(ClassWeights.balanced()));
    cv.requestStop();
    CrossValidation.Result r = cv.run(LockstepFitTest.breastCancer(), line -> { });
    assertEquals(6, r.fit().models().size());
    for (LockstepFit.ModelResult m : r.fit().models()) {
      assertEquals(StopReason.INTERRUPTED, m.stopReason(), m.message());
    }
  }

  @Test
  void optionsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(), 3));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(-1.0), 3));
    assertThrows(IllegalArgumentException.class,
        () -> options(Loss.LINEAR, List.of(Double.NaN), 3));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(1.0), 1));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(1.0), 3)
        .withClassWeights(ClassWeights.balanced()));
    List<String> notices = new ArrayList<>();
    assertEquals(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0), CrossValidation.DEFAULT_L2);
    assertTrue(notices.isEmpty());
  }
}
