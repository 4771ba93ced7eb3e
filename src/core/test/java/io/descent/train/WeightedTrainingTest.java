package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fits with row weights: the trainer's weighted rules, on real and small data. */
class WeightedTrainingTest {
  private static Dataset load(String name) {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals(name) && p.split().equals("full")) {
        return p.load();
      }
    }
    throw new AssertionError(name);
  }

  /** Weights 0 to 3 by a seeded draw, and the rows repeated that many times. */
  private record Repeated(Dataset weighted, Dataset repeated) {
    static Repeated of(Dataset data, long seed) {
      Random random = new Random(seed);
      double[] w = new double[data.rows()];
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextInt(4);
        for (int k = 0; k < w[i]; k++) {
          rows.add(i);
        }
      }
      return new Repeated(data.withWeights(w),
          data.rows(rows.stream().mapToInt(Integer::intValue).toArray()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"diabetes", "breast_cancer_wdbc"})
  void integerWeightsFitAsTheRowsRepeated(String name) {
    Dataset data = load(name);
    Repeated r = Repeated.of(data, 11);
    boolean logistic = data.labels().isPresent();
    Descent descent = (logistic ? Descent.logistic() : Descent.linear()).l2(0.01)
        .backend("reference").tolerance(1e-10);
    FitResult weighted = descent.train(r.weighted(), null);
    FitResult repeated = descent.train(r.repeated(), null);
    // Both run to float64's limit (a stall there is as far as any fit gets).
    for (FitResult f : List.of(weighted, repeated)) {
      assertTrue(f.converged() || f.stopReason() == StopReason.STALLED, f.message());
    }
    assertEquals(repeated.objective(), weighted.objective(), 1e-12 * repeated.objective());
    // The two fits sum in other orders, and diabetes's correlated features let a weight move by
    // 2e-7 for no visible change of the objective: measured 1.4e-9 (diabetes) and 3e-10 (wdbc)
    // of the largest parameter.
    double[] a = weighted.model().theta();
    double[] b = repeated.model().theta();
    double largest = 0;
    for (double v : b) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int j = 0; j < a.length; j++) {
      assertEquals(b[j], a[j], 1e-7 * largest, name + " theta " + j);
    }
    // And the standardization, which the weights weigh too.
    Standardization sw = weighted.model().standardization();
    Standardization sr = repeated.model().standardization();
    for (int j = 0; j < data.features(); j++) {
      assertEquals(sr.mean(j), sw.mean(j), 1e-12 * Math.max(1, Math.abs(sr.mean(j))));
      assertEquals(sr.scale(j), sw.scale(j), 1e-10 * sr.scale(j));
    }
  }

  @Test
  void theObjectiveIsTheWeightedMeanOfTheRowLosses() {
    Dataset data = load("breast_cancer_wdbc");
    FitResult r = Descent.logistic().l2(0.01).classWeights(ClassWeights.parse("1=3"))
        .backend("reference").train(data, null);
    Dataset weighted = ClassWeights.parse("1=3").applyTo(data);
    double[] m = r.model().margins(data);
    double sum = 0;
    double total = 0;
    for (int i = 0; i < m.length; i++) {
      double s = weighted.weight(i);
      sum += s * Loss.LOGISTIC.value(m[i], data.y()[i]);
      total += s;
    }
    double[] w = r.model().standardizedCoef();
    double penalty = 0;
    for (double v : w) {
      penalty += 0.005 * v * v;
    }
    assertEquals(sum / total + penalty, r.objective(), 1e-12);
    assertEquals("1=3.0", r.hyperparameters().get("classWeights"));
    assertEquals(3.0, r.hyperparameters().get("classWeight[1]"));
    assertEquals(1.0, r.hyperparameters().get("classWeight[0]"));
  }

  /** Two separable clusters and one row on the wrong side, of weight 0 or 1. */
  private static Dataset almostSeparable(double outlierWeight) {
    double[][] x = new double[41][1];
    int[] y = new int[41];
    double[] w = new double[41];
    for (int i = 0; i < 40; i++) {
      x[i][0] = i < 20 ? -1 - i * 0.1 : 1 + i * 0.1;
      y[i] = i < 20 ? 0 : 1;
      w[i] = 1;
    }
    x[40][0] = 3;
    y[40] = 0;
    w[40] = outlierWeight;
    return Dataset.of(x, y).withWeights(w);
  }

  @Test
  void rowsOfWeightZeroDoNotKeepSeparableClassesApart() {
    FitResult separable = Descent.logistic().backend("reference").train(almostSeparable(0),
        null);
    assertEquals(StopReason.SEPARABLE, separable.stopReason(), separable.message());
    FitResult overlapping = Descent.logistic().backend("reference").train(almostSeparable(1),
        null);
    assertTrue(overlapping.converged(), overlapping.message());
  }

  @Test
  void aClassWhoseRowsAllWeighZeroIsAbsent() {
    Dataset data = Dataset.of(new double[][] {{0}, {1}, {2}}, new int[] {0, 1, 1})
        .withWeights(new double[] {0, 1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().backend("reference").train(data, null));
    assertTrue(e.getMessage().contains("every training row of target \"y\" that weighs more"
        + " than 0 is 1"), e.getMessage());
  }

  @Test
  void aSplitThatLeavesRowsOfWeightZeroOnlyIsRefused() {
    double[][] x = new double[10][1];
    double[] y = new double[10];
    double[] w = new double[10];
    for (int i = 0; i < 10; i++) {
      x[i][0] = i;
      y[i] = i % 3;
    }
    w[0] = 1;
    Dataset data = Dataset.of(x, y).withWeights(w);
    Dataset zero = data.rows(new int[] {1, 2, 3});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().backend("reference").train(zero, null));
    assertEquals("arrays: every training row weighs 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().backend("reference").train(data, zero, null));
    assertEquals("arrays: every validation row weighs 0", e.getMessage());
  }

  @Test
  void theStartingInterceptIsTheWeightedOne() {
    double[] y = {0, 1, 1};
    assertEquals(Math.log(1.0 / 4), Trainer.initialIntercept(Loss.LOGISTIC, y,
        new double[] {4, 0.5, 0.5}), 1e-12);
    assertEquals(1.0 / 3, Trainer.initialIntercept(Loss.LINEAR, new double[] {0, 1, 0},
        new double[] {1, 1, 1}), 1e-15);
  }

  @Test
  void earlyStoppingWatchesTheWeightedValidationLoss() {
    Dataset data = load("breast_cancer_wdbc");
    Dataset weighted = ClassWeights.balanced().applyTo(data);
    FitResult r = Descent.logistic().l2(0.01).backend("reference").optimizer("sgd")
        .validationFraction(0.2).maxEpochs(3).train(weighted, null);
    Dataset validation = weighted.rows(r.validationRows());
    Standardization s = r.model().standardization();
    double expected = new ReferenceBackend(validation, s, Loss.LOGISTIC)
        .evaluate(r.model().theta(), Batch.all(validation.rows())).loss();
    Progress last = r.history().get(r.history().size() - 1);
    // Stopped at the cap, with the last epoch's weights: its validation loss is the weighted one.
    assertEquals(StopReason.MAX_ITERATIONS, r.stopReason(), r.message());
    assertEquals(expected, last.validationLoss(), 1e-12);
  }

  @Test
  void anExplicitValidationSetGetsTheTrainingRowsBalancedWeights() {
    Dataset data = load("breast_cancer_wdbc");
    int[] first = new int[400];
    int[] rest = new int[data.rows() - 400];
    for (int i = 0; i < data.rows(); i++) {
      if (i < 400) {
        first[i] = i;
      } else {
        rest[i - 400] = i;
      }
    }
    Dataset train = data.rows(first);
    Dataset validation = data.rows(rest);
    FitResult r = Descent.logistic().l2(0.01).backend("reference").maxIterations(5)
        .classWeights(ClassWeights.balanced()).train(train, validation, null);
    // The validation rows weigh as the training rows' class counts say, not their own.
    ClassWeights resolved = ClassWeights.balanced().resolve(train);
    Dataset weighted = resolved.applyTo(validation);
    double expected = new ReferenceBackend(weighted, r.model().standardization(), Loss.LOGISTIC)
        .evaluate(r.model().theta(), Batch.all(weighted.rows())).loss();
    assertEquals(StopReason.MAX_ITERATIONS, r.stopReason(), r.message());
    assertEquals(expected, r.history().get(r.history().size() - 1).validationLoss(), 1e-12);
    double ownBalance = new ReferenceBackend(ClassWeights.balanced().applyTo(validation),
        r.model().standardization(), Loss.LOGISTIC)
        .evaluate(r.model().theta(), Batch.all(validation.rows())).loss();
    assertTrue(Math.abs(ownBalance - expected) > 1e-6, ownBalance + " " + expected);
    // And the training rows' standardization is their balanced-weighted one.
    assertEquals(Standardization.fit(resolved.applyTo(train)), r.model().standardization());
  }

  @Test
  void miniBatchesOfOneRowFindTheWeightedOptimumNotTheUnweightedOne() {
    // Two rows at each x, targets 10 apart weighing 1 and 9: the weighted fit is 9 at x = 0 and
    // 19 at x = 1, the unweighted one 5 and 15. A batch of one row normalized by its own weight
    // would drop the weights altogether.
    double[][] x = {{0}, {0}, {1}, {1}};
    double[] y = {0, 10, 10, 20};
    Dataset data = Dataset.of(x, y).withWeights(new double[] {1, 9, 1, 9});
    FitResult r = Descent.linear().backend("reference").optimizer("sgd").batchSize(1)
        .schedule("invsqrt").decayInterval(10).maxEpochs(400).objectiveTolerance(0.0)
        .learningRate(0.05).train(data, null);
    double[] p = r.model().predict(new double[][] {{0}, {1}});
    assertEquals(9, p[0], 0.2, java.util.Arrays.toString(p));
    assertEquals(19, p[1], 0.2, java.util.Arrays.toString(p));
  }

  @Test
  void miniBatchRulesTrainOnWeightedData() {
    Dataset data = ClassWeights.balanced().applyTo(load("breast_cancer_wdbc"));
    FitResult r = Descent.logistic().l2(0.01).backend("reference").optimizer("adam")
        .maxEpochs(40).train(data, null);
    FitResult exact = Descent.logistic().l2(0.01).backend("reference").train(data, null);
    // Adam's constant rate leaves it circling the optimum: 2.4e-3 above it after 40 epochs.
    assertTrue((r.objective() - exact.objective()) / exact.objective() < 1e-2,
        r.objective() + " vs " + exact.objective());
  }

  @Test
  void weightsBeyondFloat32sRangeAreScaledExactlyAndFitAsTheUnscaled() {
    io.descent.gradient.opencl.OpenClAvailability.require();
    Dataset data = load("breast_cancer_wdbc");
    Random random = new Random(5);
    double[] w = new double[data.rows()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + random.nextInt(3);
    }
    Descent descent = Descent.logistic().l2(0.01).backend("opencl");
    FitResult plain = descent.train(data.withWeights(w), null);
    assertTrue(plain.converged(), plain.message());
    // 2^120 and 2^-120 times the weights: float32 sums of them overflow or vanish; the objective
    // is their weighted mean, the same.
    for (double scale : new double[] {Math.scalb(1.0, 120), 1e300, Math.scalb(1.0, -120)}) {
      double[] big = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        big[i] = w[i] * scale;
      }
      Dataset weighted = data.withWeights(big);
      double max = java.util.Arrays.stream(weighted.weights()).max().orElseThrow();
      assertTrue(max >= 1 && max < 2, "largest weight scaled into [1, 2): " + max);
      assertEquals(w[0] / w[1], weighted.weight(0) / weighted.weight(1), 1e-15);
      FitResult r = descent.train(weighted, null);
      assertTrue(r.converged(), scale + ": " + r.message());
      assertEquals(plain.objective(), r.objective(), 1e-12 * plain.objective(), "scale " + scale);
      double[] a = plain.model().theta();
      double[] b = r.model().theta();
      for (int j = 0; j < a.length; j++) {
        assertEquals(a[j], b[j], 1e-6 * (1 + Math.abs(a[j])), "scale " + scale + " theta " + j);
      }
    }
    // Weights within range are kept as given, in a copy (the caller's array, shared, could be
    // changed after the checks).
    assertTrue(data.withWeights(w).weights() != w);
    org.junit.jupiter.api.Assertions.assertArrayEquals(w, data.withWeights(w).weights(), 0.0);
  }
}
