package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mini-batch rules with an L1 penalty take a proximal (soft-threshold) step after each update:
 * on breast_cancer_wdbc's lasso (9 of 30 weights nonzero at the optimum) sgd and adam reach a
 * sparse model with exact zeros, close to the exact optimum of reference.json.
 */
class L1MiniBatchTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({"sgd, 0.5", "adam, 0.01"})
  void proximalStepsReachASparseModelNearTheOptimum(String optimizer, double rate) {
    JsonNode entry = MultinomialOptimaTest.reference().get("breast_cancer_wdbc").get("full")
        .get("lasso_l1_1e-2");
    double optimum = entry.get("objective_value").asDouble();
    Dataset data = L1OptimaTest.load("breast_cancer_wdbc", "full", Loss.LOGISTIC);
    FitResult r = Descent.logistic().l1(0.01).optimizer(optimizer).learningRate(rate)
        .schedule("invsqrt").maxEpochs(200).backend("reference").train(data, null);
    double rel = (r.objective() - optimum) / optimum;
    assertTrue(rel >= -1e-12 && rel <= 2e-3, optimizer + ": objective " + r.objective()
        + " vs exact " + optimum + " (relative " + rel + ")");
    double[] w = r.model().standardizedCoef();
    int nonzero = 0;
    List<Integer> missedZeros = new ArrayList<>();
    for (int j = 0; j < w.length; j++) {
      nonzero += w[j] != 0 ? 1 : 0;
      if (w[j] != 0 && entry.get("coef").get(j).asDouble() == 0) {
        missedZeros.add(j);
      }
    }
    // Sparse, with exact zeros: at most a few more nonzero weights than the optimum's 9.
    assertTrue(nonzero <= 14, optimizer + ": " + nonzero + " nonzero weights");
    assertTrue(missedZeros.size() <= 5, optimizer + ": nonzero where the optimum has 0: "
        + missedZeros);
    assertTrue(r.nonzero() == nonzero, "the result counts them: " + r.nonzero());
  }
}
