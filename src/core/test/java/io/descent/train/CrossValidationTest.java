package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
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
    assertTrue(e.getMessage().contains("one class"), e.getMessage());
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
  }

  @Test
  void optionsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(), 3));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(-1.0), 3));
    assertThrows(IllegalArgumentException.class,
        () -> options(Loss.LINEAR, List.of(Double.NaN), 3));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.LINEAR, List.of(1.0), 1));
    assertThrows(IllegalArgumentException.class, () -> options(Loss.MULTINOMIAL, List.of(1.0),
        3));
    List<String> notices = new ArrayList<>();
    assertEquals(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0), CrossValidation.DEFAULT_L2);
    assertTrue(notices.isEmpty());
  }
}
