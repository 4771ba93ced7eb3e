package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.gradient.BackendKind;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance (issue 12, exact optima): with its defaults (OWL-QN, the default tolerance), an L1
 * or elastic-net fit reaches the exact optimum of reference.json ({@code lasso_l1_1e-2} and
 * {@code elastic_net_l1_1e-2_l2_1e-2} on every binary and regression set, {@code
 * multinomial_elastic_net_l1_1e-2_l2_1e-2} on iris, wine and digits), on all rows and on the
 * 80/20 training rows, on every backend: the objective within 1e-6 relative and exactly the
 * reference's support (which weights are zero), with a KKT violation within the tolerance.
 */
class L1OptimaTest {
  static final List<String> BINARY_AND_LINEAR = List.of("breast_cancer_wisconsin_original",
      "breast_cancer_wdbc", "spambase", "diabetes", "mtcars");
  static final List<String> KEYS = List.of("lasso_l1_1e-2", "elastic_net_l1_1e-2_l2_1e-2");
  static final String MULTINOMIAL_KEY = "multinomial_elastic_net_l1_1e-2_l2_1e-2";
  static final List<BackendKind> BACKENDS = List.of(BackendKind.REFERENCE, BackendKind.ND4J,
      BackendKind.OPENCL);

  static Stream<Arguments> problems() {
    List<Arguments> args = new ArrayList<>();
    for (BackendKind b : BACKENDS) {
      for (String split : List.of("full", "split80_20")) {
        for (String d : BINARY_AND_LINEAR) {
          for (String key : KEYS) {
            args.add(Arguments.of(d, split, key, b));
          }
        }
        for (String d : MultinomialOptimaTest.DATASETS) {
          args.add(Arguments.of(d, split, MULTINOMIAL_KEY, b));
        }
      }
    }
    return args.stream();
  }

  /** The rows of one binary or regression dataset and split. */
  static Dataset load(String dataset, String split, Loss loss) {
    try {
      String target = MultinomialOptimaTest.reference().get(dataset).get("target").asText();
      CsvReader.Options o = loss == Loss.LOGISTIC ? CsvReader.Options.binaryTarget(target)
          : CsvReader.Options.numericTarget(target);
      Dataset all = new CsvReader(o).read(ReferenceProblems.datasets().resolve(dataset + ".csv"));
      return split.equals("full") ? all : all.rows(Split.readIndices(ReferenceProblems
          .datasets().resolve("splits/" + dataset + ".train.idx"), all.rows()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}/{1}/{2} on {3}")
  @MethodSource("problems")
  void defaultsReachTheOptimumWithItsSupport(String dataset, String split, String key,
      BackendKind backend) {
    if (backend == BackendKind.OPENCL) {
      io.descent.gradient.opencl.OpenClAvailability.require();
    }
    JsonNode root = MultinomialOptimaTest.reference().get(dataset);
    JsonNode entry = root.get(split).get(key);
    double optimum = entry.get("objective_value").asDouble();
    double l1 = entry.get("lambda1").asDouble();
    double l2 = entry.get("lambda2").asDouble();
    boolean multinomial = key.equals(MULTINOMIAL_KEY);
    Loss loss = multinomial ? Loss.MULTINOMIAL
        : root.get("task").asText().equals("regression") ? Loss.LINEAR : Loss.LOGISTIC;
    Dataset data = multinomial ? MultinomialOptimaTest.load(dataset, split)
        : load(dataset, split, loss);
    Descent descent = switch (loss) {
      case LINEAR -> Descent.linear();
      case LOGISTIC -> Descent.logistic();
      case MULTINOMIAL -> Descent.multinomial();
    };
    String what = dataset + "/" + split + "/" + key + " on " + backend;
    FitResult r = descent.l1(l1).l2(l2).backend(backend.label()).train(data, null);
    assertEquals(backend, r.backend().kind());
    assertTrue(r.converged(), what + ": " + r.stopReason() + ": " + r.message());
    double rel = (r.objective() - optimum) / Math.abs(optimum);
    assertTrue(Math.abs(rel) <= 1e-6, what + ": objective " + r.objective() + " vs exact "
        + optimum + " (relative " + rel + ")");
    // The gradient test's bound (for squared error in the target's units, GradientTest).
    double scale = GradientTest.targetScale(loss, data.y(), data.weights());
    assertTrue(r.kktViolation() <= Descent.DEFAULT_TOLERANCE * Math.max(scale, optimum / scale),
        what + ": KKT violation " + r.kktViolation());
    // The support: exactly the reference's zeros, in every class.
    double[][] w = r.model().standardizedCoefficients();
    int nonzero = 0;
    List<String> wrong = new ArrayList<>();
    for (int k = 0; k < w.length; k++) {
      JsonNode ref = multinomial ? entry.get("coef").get(k) : entry.get("coef");
      for (int j = 0; j < w[k].length; j++) {
        boolean refZero = ref.get(j).asDouble() == 0;
        if (refZero != (w[k][j] == 0)) {
          wrong.add("class " + k + " weight " + j + ": " + w[k][j] + " vs " + ref.get(j));
        }
        nonzero += w[k][j] != 0 ? 1 : 0;
      }
    }
    assertTrue(wrong.isEmpty(), what + ": support differs: " + wrong);
    assertEquals(entry.get("support_size").asInt(), nonzero, what);
    assertEquals(nonzero, r.nonzero(), what);
    assertEquals(nonzero, Objective.nonzero(r.model().theta(), data.features() + 1), what);
  }
}
