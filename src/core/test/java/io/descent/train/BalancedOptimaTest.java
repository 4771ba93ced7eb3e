package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.gradient.BackendKind;
import io.descent.gradient.opencl.OpenClAvailability;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance: with balanced class weights and L2 0.01, training with its defaults reaches the
 * exact optima {@code logistic_l2_lambda_1e-2_balanced} of reference.json to 1e-6 relative, on
 * all rows and on the 80/20 training rows of every binary dataset, with the weighted
 * standardization of the entry.
 */
class BalancedOptimaTest {
  /** The key of the optima in reference.json. */
  static final String KEY = "logistic_l2_lambda_1e-2_balanced";

  /**
   * The backends these optima are asserted on: weighted data runs on the reference backend until
   * the OpenCL and ND4J backends evaluate row weights; then add them here.
   */
  static final List<BackendKind> BACKENDS = List.of(BackendKind.REFERENCE, BackendKind.ND4J,
      BackendKind.OPENCL);

  /** One balanced problem with its reference.json entry. */
  record Balanced(ReferenceProblems.Problem problem, JsonNode entry) {
    @Override
    public String toString() {
      return problem.toString();
    }
  }

  /** Every balanced entry of reference.json: the binary datasets, both splits. */
  static List<Balanced> all() throws IOException {
    JsonNode root = new ObjectMapper().readTree(ReferenceProblems.datasets()
        .resolve("reference.json").toFile());
    List<Balanced> found = new ArrayList<>();
    root.fields().forEachRemaining(ds -> {
      if (ds.getKey().startsWith("_")) {
        return;
      }
      for (String split : List.of("full", "split80_20")) {
        JsonNode entry = ds.getValue().path(split).path(KEY);
        if (entry.has("objective_value")) {
          found.add(new Balanced(new ReferenceProblems.Problem(ds.getKey(), split, KEY,
              Loss.LOGISTIC, entry.get("lambda2").asDouble(),
              entry.get("objective_value").asDouble(), false,
              ds.getValue().get("target").asText()), entry));
        }
      }
    });
    return found;
  }

  static Stream<Arguments> problems() throws IOException {
    List<Arguments> args = new ArrayList<>();
    for (Balanced b : all()) {
      for (BackendKind backend : BACKENDS) {
        args.add(Arguments.of(b, backend));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("problems")
  void defaultsReachTheBalancedOptimum(Balanced balanced, BackendKind backend) {
    if (backend == BackendKind.OPENCL) {
      OpenClAvailability.require();
    }
    ReferenceProblems.Problem p = balanced.problem();
    JsonNode entry = balanced.entry();
    Dataset data = p.load();
    FitResult r = Descent.logistic().l2(p.l2()).classWeights(ClassWeights.balanced())
        .backend(backend.label()).train(data, null);
    assertEquals(backend, r.backend().kind());
    assertTrue(r.converged(), p + ": stopped with " + r.stopReason() + ": " + r.message());
    double rel = (r.objective() - p.optimum()) / Math.abs(p.optimum());
    assertTrue(Math.abs(rel) <= 1e-6, p + " on " + backend + ": objective " + r.objective()
        + " vs exact " + p.optimum() + " (relative " + rel + ")");
    // The weighted standardization of the entry (the features are float32: 1e-6 relative).
    LinearModel m = r.model();
    JsonNode mean = entry.get("standardization_mean");
    JsonNode std = entry.get("standardization_std");
    for (int j = 0; j < m.features(); j++) {
      double mj = mean.get(j).asDouble();
      double sj = std.get(j).asDouble();
      assertEquals(mj, m.standardization().mean(j), 1e-6 * Math.max(Math.abs(mj), sj),
          p + " mean " + j);
      assertEquals(sj, m.standardization().scale(j), 1e-6 * sj, p + " std " + j);
    }
    // The parameters: within 1e-4 (the gradient tolerance over lambda, and float32 data).
    assertEquals(entry.get("intercept").asDouble(), m.standardizedIntercept(), 1e-4,
        p + " intercept");
    double[] coef = m.standardizedCoef();
    for (int j = 0; j < coef.length; j++) {
      assertEquals(entry.get("coef").get(j).asDouble(), coef[j], 1e-4, p + " coef " + j);
    }
    assertEquals("balanced", r.hyperparameters().get("classWeights"));
    assertEquals(Boolean.TRUE, r.hyperparameters().get("weighted"));
  }

  @org.junit.jupiter.api.Test
  void everyBinaryDatasetIsCoveredOnBothSplits() throws IOException {
    assertEquals(6, all().size(), all().toString());
  }
}
