package io.descent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-only access to {@code datasets/}: a minimal CSV reader (header row, all columns numeric,
 * target last; no quoting) that keeps features in float64, the split index files, and
 * {@code reference.json}. The project's own CSV reader lives in {@code io.descent.data}; this one
 * exists so these tests do not depend on it.
 */
final class TestData {
  private static JsonNode reference;

  private TestData() {}

  /** The datasets folder: the {@code descent.datasets} property set by Surefire, or ./datasets. */
  static Path dir() {
    return Path.of(System.getProperty("descent.datasets", "datasets"));
  }

  /** A CSV table with float64 features. */
  record Table(List<String> names, String target, double[][] x, double[] y) {
    /** The rows at the given indices. */
    Table rows(int[] idx) {
      double[][] sx = new double[idx.length][];
      double[] sy = new double[idx.length];
      for (int k = 0; k < idx.length; k++) {
        sx[k] = x[idx[k]];
        sy[k] = y[idx[k]];
      }
      return new Table(names, target, sx, sy);
    }

    /** As a Dataset (features rounded to float32, as the project's CSV reader stores them). */
    Dataset toDataset(String source, BinaryLabels labels) {
      int d = names.size();
      float[] fx = new float[x.length * d];
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < d; j++) {
          fx[i * d + j] = (float) x[i][j];
        }
      }
      return new Dataset(source, names, target, fx, y.clone(), labels);
    }
  }

  static Table csv(String name) {
    try {
      List<String> lines = Files.readAllLines(dir().resolve(name + ".csv"));
      String[] header = lines.get(0).split(",");
      int d = header.length - 1;
      List<double[]> rows = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        double[] row = new double[d];
        for (int j = 0; j < d; j++) {
          row[j] = Double.parseDouble(f[j]);
        }
        rows.add(row);
        ys.add(Double.parseDouble(f[d]));
      }
      return new Table(List.of(header).subList(0, d), header[d], rows.toArray(new double[0][]),
          ys.stream().mapToDouble(Double::doubleValue).toArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 0-based row indices from {@code splits/NAME.PART.idx}. */
  static int[] split(String name, String part) {
    try {
      return Files.readAllLines(dir().resolve("splits").resolve(name + "." + part + ".idx"))
          .stream().filter(s -> !s.isBlank()).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static synchronized JsonNode reference() {
    if (reference == null) {
      try {
        reference = new ObjectMapper().readTree(dir().resolve("reference.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference;
  }

  static double[] doubles(JsonNode array) {
    double[] v = new double[array.size()];
    for (int j = 0; j < v.length; j++) {
      v[j] = array.get(j).doubleValue();
    }
    return v;
  }

  /**
   * The model of {@code reference.json}'s {@code dataset.part.fit} (e.g. diabetes, full, ols),
   * from its exact intercept and coef and the part's train_mean and train_std.
   */
  static LinearModel referenceModel(String dataset, String part, String fit, Loss loss) {
    JsonNode ds = reference().get(dataset);
    JsonNode p = ds.get(part);
    JsonNode f = p.get(fit);
    double[] coef = doubles(f.get("coef"));
    double[] theta = new double[coef.length + 1];
    theta[0] = f.get("intercept").doubleValue();
    System.arraycopy(coef, 0, theta, 1, coef.length);
    List<String> names = new ArrayList<>();
    ds.get("features").forEach(n -> names.add(n.textValue()));
    Standardization s = new Standardization(doubles(p.get("train_mean")),
        doubles(p.get("train_std")));
    return LinearModel.of(loss, names, ds.get("target").textValue(),
        loss == Loss.LOGISTIC ? BinaryLabels.zeroOne() : null, s, theta);
  }

  /** The margins of a model over float64 rows. */
  static double[] margins(LinearModel model, double[][] x) {
    return Arrays.stream(x).mapToDouble(model::margin).toArray();
  }
}
