package io.descent.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The diabetes regression problem (442 rows, 10 features): standardized, linear loss, through the
 * float64 reference backend. The CSV is read by a minimal test-only parser (numeric columns,
 * header, target last).
 *
 * <p>{@code datasets/reference.json} was solved on the float64 features, while a {@link Dataset}
 * holds them as float32; the rounding moves the optimum by about 1.5e-8 relative in value. Tests
 * that need more accuracy than that compare with {@link #exactOptimum}, the optimum of the data as
 * loaded, and {@code DiabetesFixtureTest} checks it against reference.json.
 */
final class Diabetes {
  /** Ridge lambda of the reference solution. */
  static final double RIDGE = 0.01;

  private static Diabetes instance;

  final Dataset data;
  final ReferenceBackend backend;
  private final JsonNode reference;

  private Diabetes(Dataset data, JsonNode reference) {
    this.data = data;
    this.backend = new ReferenceBackend(data, Standardization.fit(data), Loss.LINEAR);
    this.reference = reference;
  }

  static synchronized Diabetes load() {
    if (instance == null) {
      Path dir = Path.of(System.getProperty("descent.datasets", "datasets"));
      try {
        instance = new Diabetes(readCsv(dir.resolve("diabetes.csv")),
            new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("diabetes")
                .get("full"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  private static Dataset readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int d = header.size() - 1;
    List<double[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
      }
    }
    float[] x = new float[rows.size() * d];
    double[] y = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) rows.get(i)[j];
      }
      y[i] = rows.get(i)[d];
    }
    return new Dataset(file.getFileName().toString(), header.subList(0, d), header.get(d), x, y,
        null);
  }

  int rows() {
    return data.rows();
  }

  int parameters() {
    return data.features() + 1;
  }

  private JsonNode solution(double l2) {
    return reference.get(l2 == 0 ? "ols" : "ridge_lambda_1e-2");
  }

  /** The minimum in {@code reference.json}, which was solved on the float64 features. */
  double referenceValue(double l2) {
    return solution(l2).get("objective_value").asDouble();
  }

  /** The minimizer in {@code reference.json}, {@code (b, w_1..w_d)}, for float64 features. */
  double[] referenceOptimum(double l2) {
    JsonNode s = solution(l2);
    double[] t = new double[parameters()];
    t[0] = s.get("intercept").asDouble();
    for (int j = 1; j < t.length; j++) {
      t[j] = s.get("coef").get(j - 1).asDouble();
    }
    return t;
  }

  /**
   * The exact minimizer for the float32 features a {@link Dataset} holds: the normal equations
   * solved in float64, then Newton steps on the reference backend's compensated gradient until it
   * stops shrinking (the way reference.json itself was polished).
   */
  double[] exactOptimum(double l2) {
    int p = parameters();
    int d = p - 1;
    Standardization st = Standardization.fit(data);
    double[][] h = new double[p][p];
    double[] z = new double[p];
    for (int i = 0; i < rows(); i++) {
      z[0] = 1;
      for (int j = 0; j < d; j++) {
        z[j + 1] = (data.get(i, j) - st.mean(j)) / st.scale(j);
      }
      for (int a = 0; a < p; a++) {
        for (int b = 0; b < p; b++) {
          h[a][b] += z[a] * z[b] / rows();
        }
      }
    }
    for (int j = 1; j < p; j++) {
      h[j][j] += l2;
    }
    DifferentiableFunction f = objective(l2);
    double[] theta = new double[p];
    double previous = Double.POSITIVE_INFINITY;
    for (int k = 0; k < 10; k++) {
      double[] g = f.evaluate(theta).gradient();
      double size = Vectors.norm(g);
      if (size >= previous) {
        break;
      }
      previous = size;
      double[] step = solve(h, g);
      double[] next = theta.clone();
      for (int j = 0; j < p; j++) {
        next[j] -= step[j];
      }
      if (Vectors.norm(f.evaluate(next).gradient()) >= size) {
        break;
      }
      theta = next;
    }
    return theta;
  }

  /** Gaussian elimination with partial pivoting on a copy. */
  private static double[] solve(double[][] matrix, double[] rhs) {
    int n = rhs.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(matrix[i], n + 1);
      m[i][n] = rhs[i];
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      for (int r = c + 1; r < n; r++) {
        double factor = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= factor * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  /** The exact minimum for the float32 features, {@code J(exactOptimum(l2))}. */
  double optimalValue(double l2) {
    return optimalValues.computeIfAbsent(l2,
        v -> objective(v).evaluate(exactOptimum(v)).value());
  }

  private final java.util.Map<Double, Double> optimalValues =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The full-batch objective {@code J(theta)} as a differentiable function. */
  DifferentiableFunction objective(double l2) {
    Objective objective = new Objective(Loss.LINEAR, l2);
    Batch all = Batch.all(rows());
    return theta -> {
      Evaluation e = backend.evaluate(theta, all);
      double[] g = e.gradient();
      objective.addPenaltyGradient(theta, g);
      return new Point(theta, e.loss() + objective.penalty(theta), g);
    };
  }

  /** The objective's gradient over one mini-batch, penalty included. */
  double[] batchGradient(double[] theta, Batch batch, double l2) {
    double[] g = backend.evaluate(theta, batch).gradient();
    new Objective(Loss.LINEAR, l2).addPenaltyGradient(theta, g);
    return g;
  }

  /** The population standard deviation of the target. */
  double targetScale() {
    double[] y = data.y();
    double mean = 0;
    for (double v : y) {
      mean += v / y.length;
    }
    double ss = 0;
    for (double v : y) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / y.length);
  }

  /** {@code (J(theta) - J*) / J*}, against the exact optimum of the data as loaded. */
  double relativeExcess(double[] theta, double l2) {
    double opt = optimalValue(l2);
    return (objective(l2).evaluate(theta).value() - opt) / opt;
  }
}
