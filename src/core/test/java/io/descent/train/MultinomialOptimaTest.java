package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.gradient.BackendKind;
import io.descent.model.LinearModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance (issue 11, Part 3): with its defaults, multinomial training reaches the exact
 * optimum {@code multinomial_l2_lambda_1e-2} of reference.json on iris, wine and digits, on all
 * rows and on the 80/20 training rows, to 1e-6 relative, with the centered coefficients of the
 * reference; and the unpenalized multinomial, which has no optimum on any of the three
 * (datasets/README.md, "Traps"), is refused as separable.
 */
class MultinomialOptimaTest {
  static final List<String> DATASETS = List.of("iris", "wine", "digits");

  /**
   * The backends that fit multinomial models: add {@link BackendKind#ND4J} and {@link
   * BackendKind#OPENCL} here once they evaluate multinomial columns.
   */
  static final List<BackendKind> BACKENDS = List.of(BackendKind.REFERENCE, BackendKind.ND4J,
      BackendKind.OPENCL);

  static JsonNode reference() {
    try {
      return new ObjectMapper().readTree(ReferenceProblems.datasets().resolve("reference.json")
          .toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of one dataset and split, with its integer class codes as class labels. */
  static Dataset load(String dataset, String split) {
    try {
      String target = reference().get(dataset).get("target").asText();
      Dataset all = new CsvReader(CsvReader.Options.classTarget(target))
          .read(ReferenceProblems.datasets().resolve(dataset + ".csv"));
      if (split.equals("full")) {
        return all;
      }
      return all.rows(Split.readIndices(ReferenceProblems.datasets().resolve("splits/" + dataset
          + ".train.idx"), all.rows()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> problems() {
    List<Arguments> args = new ArrayList<>();
    for (String d : DATASETS) {
      for (String split : List.of("full", "split80_20")) {
        for (BackendKind b : BACKENDS) {
          args.add(Arguments.of(d, split, b));
        }
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}/{1} on {2}")
  @MethodSource("problems")
  void defaultsReachThePenalizedOptimum(String dataset, String split, BackendKind backend) {
    if (backend == BackendKind.OPENCL) {
      io.descent.gradient.opencl.OpenClAvailability.require();
    }
    JsonNode entry = reference().get(dataset).get(split).get("multinomial_l2_lambda_1e-2");
    double optimum = entry.get("objective_value").asDouble();
    double l2 = entry.get("lambda2").asDouble();
    Dataset data = load(dataset, split);
    FitResult r = Descent.multinomial().l2(l2).backend(backend.label()).train(data, null);
    assertEquals(backend, r.backend().kind());
    assertTrue(r.converged(), dataset + "/" + split + ": " + r.stopReason() + ": " + r.message());
    double rel = (r.objective() - optimum) / Math.abs(optimum);
    assertTrue(Math.abs(rel) <= 1e-6, dataset + "/" + split + ": objective " + r.objective()
        + " vs exact " + optimum + " (relative " + rel + ")");
    // The model's centered parameters are the reference's (standardized space).
    LinearModel model = r.model();
    double[] b = model.standardizedIntercepts();
    double[][] w = model.standardizedCoefficients();
    double scale = 0;
    double diff = 0;
    for (int k = 0; k < b.length; k++) {
      double ref = entry.get("intercept").get(k).asDouble();
      scale = Math.max(scale, Math.abs(ref));
      diff = Math.max(diff, Math.abs(b[k] - ref));
      for (int j = 0; j < w[k].length; j++) {
        double refW = entry.get("coef").get(k).get(j).asDouble();
        scale = Math.max(scale, Math.abs(refW));
        diff = Math.max(diff, Math.abs(w[k][j] - refW));
      }
    }
    assertTrue(diff <= 1e-3 * scale, dataset + "/" + split + ": parameters differ from the"
        + " reference by " + diff + " (largest " + scale + ")");
  }

  static Stream<Arguments> unpenalized() {
    List<Arguments> args = new ArrayList<>();
    for (String d : DATASETS) {
      for (String split : List.of("full", "split80_20")) {
        args.add(Arguments.of(d, split));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("unpenalized")
  void unpenalizedIsRefusedAsSeparable(String dataset, String split) {
    JsonNode entry = reference().get(dataset).get(split).get("multinomial_unpenalized");
    assertTrue(entry.has("WARNING"), "reference.json says it has no optimum");
    FitResult r = Descent.multinomial().backend("reference").train(load(dataset, split), null);
    assertEquals(StopReason.SEPARABLE, r.stopReason(), dataset + "/" + split + ": "
        + r.message());
    assertTrue(r.message().contains("l2(0.01)"), r.message());
  }
}
