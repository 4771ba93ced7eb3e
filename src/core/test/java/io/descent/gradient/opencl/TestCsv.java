package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the project's numeric datasets (header line, comma-separated numbers, the target last)
 * for tests, without the real CSV reader, which lives elsewhere.
 */
final class TestCsv {
  private TestCsv() {}

  /** {@code datasets/NAME} (the directory is the system property descent.datasets, set by the
   * build, else ./datasets). */
  static Dataset read(String name, String target) throws IOException {
    Path dir = Path.of(System.getProperty("descent.datasets", "datasets"));
    List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",");
    if (!header[header.length - 1].equals(target)) {
      throw new IllegalStateException(name + ": expected target " + target + " last, got "
          + Arrays.toString(header));
    }
    int d = header.length - 1;
    List<String> body = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    float[] x = new float[body.size() * d];
    double[] y = new double[body.size()];
    for (int i = 0; i < body.size(); i++) {
      String[] cells = body.get(i).split(",");
      for (int j = 0; j < d; j++) {
        x[i * d + j] = Float.parseFloat(cells[j]);
      }
      y[i] = Double.parseDouble(cells[d]);
    }
    return new Dataset(name, new ArrayList<>(Arrays.asList(header).subList(0, d)), target, x, y,
        null);
  }
}
