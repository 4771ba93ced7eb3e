package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.BinaryLabels;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Warm starts: a fit from a model's weights, carried into the new fit's standardized space. */
class WarmStartTest {
  private static Dataset load(String name) {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals(name) && p.split().equals("full")) {
        return p.load();
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void fromTheOptimumAFitStopsAtOnceWithTheSameObjective() {
    Dataset spam = load("spambase");
    FitResult cold = Descent.logistic().l2(0.01).backend("reference").train(spam, null);
    assertTrue(cold.converged(), cold.message());
    assertTrue(cold.iterations() > 20, "cold start took " + cold.iterations());
    FitResult warm = Descent.logistic().l2(0.01).backend("reference").init(cold.model())
        .train(spam, null);
    assertTrue(warm.converged(), warm.message());
    assertTrue(warm.iterations() <= 1, "warm start took " + warm.iterations());
    assertEquals(cold.objective(), warm.objective(), 1e-14 * cold.objective());
    assertEquals(Boolean.TRUE, warm.hyperparameters().get("warmStart"));
  }

  @Test
  void fromAnL1OptimumAFloat32FitStopsAtOnceToo() {
    // On a float32 backend the KKT violation at the L1 optimum fails the test by rounding alone:
    // the warm start ran a failed line search (1 iteration, 8 evaluations) where the float64
    // reference passes the test at the start; a mini-batch rule ran epochs.
    Dataset wdbc = load("breast_cancer_wdbc");
    FitResult cold = Descent.logistic().l1(0.01).backend("opencl").train(wdbc, null);
    assertTrue(cold.converged(), cold.message());
    for (String optimizer : List.of("owlqn", "adam")) {
      FitResult warm = Descent.logistic().l1(0.01).backend("opencl").optimizer(optimizer)
          .init(cold.model()).train(wdbc, null);
      assertTrue(warm.converged(), optimizer + ": " + warm.message());
      assertEquals(0, warm.iterations(), optimizer + ": " + warm.message());
      assertEquals(cold.objective(), warm.objective(), 1e-12 * cold.objective(), optimizer);
    }
  }

  @Test
  void aModelInAnotherStandardizationStartsAtTheSameMargins() {
    Dataset diabetes = load("diabetes");
    // Fitted on the raw features, then carried into the standardized space of a fit.
    LinearModel raw = Descent.linear().standardize(false).backend("reference").maxIterations(3)
        .fit(diabetes);
    Standardization target = Standardization.fit(diabetes);
    double[] theta = WarmStart.theta(raw, target);
    LinearModel carried = LinearModel.of(Loss.LINEAR, raw.featureNames(), raw.targetName(),
        null, target, theta);
    double[] a = raw.margins(diabetes);
    double[] b = carried.margins(diabetes);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-9 * Math.max(1, Math.abs(a[i])), "row " + i);
    }
    // And a fit from it reaches the optimum of the standardized problem.
    FitResult warm = Descent.linear().backend("reference").init(raw).train(diabetes, null);
    FitResult cold = Descent.linear().backend("reference").train(diabetes, null);
    assertTrue(warm.converged(), warm.message());
    assertEquals(cold.objective(), warm.objective(), 1e-9 * cold.objective());
  }

  @Test
  void anUnweightedModelStartsAWeightedFit() {
    Dataset wdbc = load("breast_cancer_wdbc");
    LinearModel plain = Descent.logistic().l2(0.01).backend("reference").fit(wdbc);
    FitResult cold = Descent.logistic().l2(0.01).backend("reference")
        .classWeights(ClassWeights.balanced()).train(wdbc, null);
    FitResult warm = Descent.logistic().l2(0.01).backend("reference")
        .classWeights(ClassWeights.balanced()).init(plain).train(wdbc, null);
    assertTrue(warm.converged(), warm.message());
    assertEquals(cold.objective(), warm.objective(), 1e-8 * cold.objective());
    assertTrue(warm.iterations() < cold.iterations(), warm.iterations() + " vs "
        + cold.iterations());
  }

  @Test
  void eachMismatchIsNamed() {
    Dataset wdbc = load("breast_cancer_wdbc");
    LinearModel model = Descent.logistic().l2(0.01).backend("reference").maxIterations(2)
        .fit(wdbc);
    // Another loss.
    Dataset numeric = Dataset.of(new double[][] {{1}, {2}}, new double[] {1, 2});
    LinearModel linear = Descent.linear().backend("reference").fit(numeric);
    assertEquals("the initial model is linear but this fit is logistic",
        mismatch(Descent.logistic().init(linear), Dataset.of(new double[][] {{1}, {2}},
            new int[] {0, 1})));
    // Fewer features.
    List<String> names = wdbc.featureNames();
    Dataset fewer = Dataset.of(new double[][] {{1, 2}, {3, 4}}, new int[] {0, 1});
    String m = mismatch(Descent.logistic().init(model), fewer);
    assertTrue(m.startsWith("the initial model has 30 features but arrays has 2"), m);
    // The same features in another order.
    List<String> swapped = new ArrayList<>(names);
    Collections.swap(swapped, 2, 3);
    m = mismatch(Descent.logistic().init(model), wdbc.withFeatureNames(swapped));
    assertEquals("feature 3 of the initial model is \"" + names.get(2) + "\" but "
        + wdbc.source() + "'s is \"" + names.get(3) + "\": the features must be the same, in"
        + " the same order", m);
    // Other labels.
    LinearModel relabelled = LinearModel.of(Loss.LOGISTIC, names, model.targetName(),
        new BinaryLabels("benign", "malignant"), model.standardization(), model.theta());
    m = mismatch(Descent.logistic().init(relabelled), wdbc);
    assertEquals("the initial model's classes are \"benign\" (0) and \"malignant\" (1) but "
        + wdbc.source() + "'s are \"0\" (0) and \"1\" (1)", m);
  }

  private static String mismatch(Descent descent, Dataset data) {
    return assertThrows(IllegalArgumentException.class,
        () -> descent.backend("reference").train(data, null)).getMessage();
  }
}
