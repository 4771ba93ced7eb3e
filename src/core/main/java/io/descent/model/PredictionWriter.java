package io.descent.model;

import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;

/**
 * Writes a model's predictions for a dataset as CSV, one line per row in the dataset's order.
 *
 * <ul>
 *   <li>linear: header {@code prediction}, then the predicted value;
 *   <li>logistic: header {@code probability,class}, then P(y = 1) and the class at threshold 0.5
 *       as its original label (quoted as in RFC 4180 when it holds a comma, quote or line break).
 * </ul>
 *
 * Numbers are written with {@link Double#toString}, which reads back to the same double. Lines end
 * with {@code \n}.
 */
public final class PredictionWriter {
  private PredictionWriter() {}

  /**
   * Writes the predictions to a file atomically: to a temporary file in the same directory, then
   * moved over {@code path}. On failure the temporary file is deleted and an existing {@code path}
   * is left untouched.
   *
   * @throws IllegalArgumentException if the dataset's features differ from the model's
   * @throws IOException if the file cannot be written or moved into place
   */
  public static void write(Path path, LinearModel model, Dataset data) throws IOException {
    // Compute before creating any file: a mismatched dataset must not leave anything behind.
    double[] margins = model.margins(data);
    AtomicFile.write(path, out -> write(out, model, margins));
  }

  /**
   * Writes the predictions to a writer (standard output, say); the writer is neither flushed nor
   * closed.
   *
   * @throws IllegalArgumentException if the dataset's features differ from the model's
   * @throws IOException if writing fails
   */
  public static void write(Writer out, LinearModel model, Dataset data) throws IOException {
    write(out, model, model.margins(data));
  }

  private static void write(Writer out, LinearModel model, double[] margins) throws IOException {
    if (model.loss() == Loss.LINEAR) {
      out.write("prediction\n");
      for (double m : margins) {
        out.write(Double.toString(m));
        out.write('\n');
      }
      return;
    }
    String[] labels = {csvField(model.label(0)), csvField(model.label(1))};
    out.write("probability,class\n");
    for (double m : margins) {
      out.write(Double.toString(Loss.sigmoid(m)));
      out.write(',');
      out.write(labels[LinearModel.classOf(m)]);
      out.write('\n');
    }
  }

  /** A CSV field, quoted (with quotes doubled) when it holds a comma, quote or line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
