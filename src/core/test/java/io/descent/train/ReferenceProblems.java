package io.descent.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The ground-truth problems of {@code datasets/reference.json}: every dataset, on all rows and on
 * the 80/20 training rows, for each objective that has an exact optimum.
 */
public final class ReferenceProblems {
  private ReferenceProblems() {}

  /** The shipped datasets folder. */
  public static Path datasets() {
    return Path.of(System.getProperty("descent.datasets", "datasets"));
  }

  /**
   * One problem.
   *
   * @param dataset e.g. "diabetes"
   * @param split "full" or "split80_20"
   * @param objective e.g. "ols", "ridge_lambda_1e-2", "logistic_unpenalized"
   * @param loss the loss
   * @param l2 the penalty
   * @param optimum the exact objective value, or NaN when none exists
   * @param separable whether reference.json says there is no finite optimum
   */
  public record Problem(String dataset, String split, String objective, Loss loss, double l2,
      double optimum, boolean separable, String target) {
    /** Loads the rows of this problem. */
    public Dataset load() {
      try {
        CsvReader.Options o = loss == Loss.LOGISTIC ? CsvReader.Options.binaryTarget(target)
            : CsvReader.Options.numericTarget(target);
        Dataset all = new CsvReader(o).read(datasets().resolve(dataset + ".csv"));
        if (split.equals("full")) {
          return all;
        }
        int[] rows = Split.readIndices(datasets().resolve("splits/" + dataset + ".train.idx"),
            all.rows());
        return all.rows(rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return dataset + "/" + split + "/" + objective;
    }
  }

  /**
   * The objectives {@link #all} returns: one unweighted model of the linear or logistic loss with
   * an L2 penalty or none (the multinomial, class-weighted and L1 keys have their own readers).
   */
  static final java.util.Set<String> SMOOTH_BINARY_AND_LINEAR = java.util.Set.of("ols",
      "ridge_lambda_1e-2", "logistic_unpenalized", "logistic_l2_lambda_1e-2");

  /** Every unweighted linear and logistic problem in reference.json. */
  public static List<Problem> all() {
    try {
      JsonNode root = new ObjectMapper().readTree(datasets().resolve("reference.json").toFile());
      List<Problem> problems = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> ds = it.next();
        if (ds.getKey().startsWith("_")) {
          continue;
        }
        String target = ds.getValue().get("target").asText();
        double lambda = ds.getValue().get("lambda").asDouble();
        for (String split : List.of("full", "split80_20")) {
          JsonNode s = ds.getValue().get(split);
          for (Iterator<Map.Entry<String, JsonNode>> ot = s.fields(); ot.hasNext();) {
            Map.Entry<String, JsonNode> o = ot.next();
            String name = o.getKey();
            if (!SMOOTH_BINARY_AND_LINEAR.contains(name) || !o.getValue().isObject()
                || !o.getValue().has("objective_value")) {
              continue;
            }
            Loss loss = name.startsWith("logistic") ? Loss.LOGISTIC : Loss.LINEAR;
            double l2 = name.contains("lambda") ? lambda : 0;
            boolean noOptimum = o.getValue().has("WARNING");
            problems.add(new Problem(ds.getKey(), split, name, loss, l2,
                noOptimum ? Double.NaN : o.getValue().get("objective_value").asDouble(),
                noOptimum, target));
          }
        }
      }
      return problems;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
